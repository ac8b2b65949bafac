import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import * as oidc from 'openid-client';

/**
 * A small web application that signs people in through the ddi login bridge with nothing but
 * a standard OpenID Connect client (openid-client): discovery, authorization code + PKCE, the
 * ID token. It knows no DID, wallet or ledger; it shows the `sub` and claims it received.
 */
export interface SampleAppOptions {
  /** The bridge's issuer URL. */
  issuer: string;
  /** This application's client_id: its DID in the ledger's application registry. */
  clientId: string;
  /** What to ask for (default `openid age_over_18 real_name_verified profile`). */
  scope?: string;
  port?: number;
  host?: string;
  title?: string;
}

export interface RunningSampleApp {
  url: string;
  redirectUri: string;
  close(): Promise<void>;
}

interface Pending {
  verifier: string;
  state: string;
  nonce: string;
}

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1>${body}</body></html>`;
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** Starts the sample application on a loopback port. */
export async function startSampleApp(options: SampleAppOptions): Promise<RunningSampleApp> {
  const host = options.host ?? '127.0.0.1';
  const title = options.title ?? 'Sample app';
  const scope = options.scope ?? 'openid age_over_18 real_name_verified profile';
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, () => resolve()));
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  const redirectUri = `${url}/callback`;
  const issuerUrl = new URL(options.issuer);
  // A loopback bridge in development and tests speaks http; production issuers are https.
  const insecure = issuerUrl.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {};
  let config: oidc.Configuration | undefined;
  const configuration = async () =>
    (config ??= await oidc.discovery(
      issuerUrl,
      options.clientId,
      undefined,
      oidc.None(),
      insecure,
    ));
  const sessions = new Map<string, Pending>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const current = new URL(req.url ?? '/', url);
    if (current.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page(title, '<p><a id="sign-in" href="/login">Sign in with ddi</a></p>'));
      return;
    }
    if (current.pathname === '/login') {
      const pending: Pending = {
        verifier: oidc.randomPKCECodeVerifier(),
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
      };
      const sid = randomBytes(16).toString('base64url');
      sessions.set(sid, pending);
      const target = oidc.buildAuthorizationUrl(await configuration(), {
        redirect_uri: redirectUri,
        scope,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      res.writeHead(302, {
        location: target.href,
        'set-cookie': `sid=${sid}; HttpOnly; SameSite=Lax; Path=/`,
      });
      res.end();
      return;
    }
    if (current.pathname === '/callback') {
      const sid = cookie(req, 'sid');
      const pending = sid ? sessions.get(sid) : undefined;
      if (sid) sessions.delete(sid);
      if (!pending) {
        res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page(title, '<p data-testid="error">no sign-in in progress</p>'));
        return;
      }
      try {
        const tokens = await oidc.authorizationCodeGrant(await configuration(), current, {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
        });
        const claims: Record<string, unknown> = tokens.claims() ?? {};
        const { sub, ...rest } = claims;
        const released = Object.fromEntries(
          Object.entries(rest).filter(
            ([name]) =>
              !['iss', 'aud', 'exp', 'iat', 'nonce', 'at_hash', 'auth_time', 'azp', 'sid'].includes(
                name,
              ),
          ),
        );
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          page(
            title,
            `<p>Signed in.</p><p>sub: <code data-testid="sub">${escape(String(sub))}</code></p>` +
              `<pre data-testid="claims">${escape(JSON.stringify(released))}</pre>`,
          ),
        );
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page(title, `<p data-testid="error">${escape((err as Error).message)}</p>`));
      }
      return;
    }
    res.writeHead(404).end();
  };
  server.on('request', (req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });
  return {
    url,
    redirectUri,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// `node bin/run-ts.mjs examples/sample-app/sample-app.ts <issuer> <client DID> [port]`
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [issuer, clientId, port] = process.argv.slice(2);
  if (!issuer || !clientId) {
    console.error('usage: sample-app.ts <bridge issuer URL> <application DID> [port]');
    process.exit(2);
  }
  const running = await startSampleApp({ issuer, clientId, port: Number(port ?? 3000) });
  console.log(`sample app at ${running.url} (register ${running.redirectUri} for ${clientId})`);
}
