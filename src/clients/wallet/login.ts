import type { DidResolutionResult } from '../../core/did/index.ts';
import { parseDidUrl } from '../../core/did/index.ts';
import { parseDcqlQuery } from '../../core/credentials/dcql/index.ts';
import type { DcqlQuery } from '../../core/credentials/dcql/index.ts';
import type { JwsSigner, JwsVerificationKey } from '../../core/credentials/jws/index.ts';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import { publicKeyFromMultibase } from '../../core/keys/index.ts';
import {
  didOfClientId,
  issueSelfIssuedIdToken,
  verifyLoginRequest,
} from '../../core/login/index.ts';
import type { LoginRequestClaims } from '../../core/login/index.ts';
import type { ApplicationStanding } from '../../ledger/registries/application-registry.ts';
import { presentCredentials } from './present.ts';
import type { StoredCredential } from './wallet-store.ts';

/** What the wallet reads from the ledger to judge a login request (the SDK client has both). */
export interface LoginLedger {
  resolveDid(did: string): Promise<DidResolutionResult>;
  getApplication(did: string): Promise<ApplicationStanding>;
}

/** A checked login request: who asks, on whose behalf, and which claims. */
export interface LoginPrompt {
  request: LoginRequestClaims;
  /** The registered application that signed the request. */
  verifier: ApplicationStanding['application'];
  /**
   * The registered application a bridge asks for (`ddi_relying_party`), if any; only from a
   * verifier the regulator authorized as a bridge (`app.setBridge`).
   */
  relyingParty?: ApplicationStanding['application'];
  /** Claim names the request asks for (top-level names of its DCQL claim paths). */
  requestedClaims: string[];
}

/** The one credential format a login answers with: selective disclosure, claim by claim. */
export const LOGIN_CREDENTIAL_FORMAT = 'dc+sd-jwt';

/** A refusal the person should understand: `unauthorized` with the reason. */
function refuse(reason: string, message: string): never {
  throw new DdiError(ErrorCode.Unauthorized, message, { reason });
}

/** `openid4vp://?client_id=…&request_uri=…` (or any scheme with those parameters). */
export function parseWalletUri(uri: string): { clientId: string; requestUri: string } {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new DdiError(ErrorCode.Malformed, 'not a login request URI');
  }
  const clientId = url.searchParams.get('client_id');
  const requestUri = url.searchParams.get('request_uri');
  if (!clientId || !requestUri) {
    throw new DdiError(
      ErrorCode.Malformed,
      'a login request URI carries client_id and request_uri',
    );
  }
  const target = new URL(requestUri);
  if (
    target.protocol !== 'https:' &&
    !['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)
  ) {
    throw new DdiError(ErrorCode.Malformed, 'request_uri must be https');
  }
  return { clientId, requestUri };
}

/** An authentication or assertion key the DID document lists under `kid`'s fragment. */
async function requestSigningKey(ledger: LoginLedger, kid: string): Promise<JwsVerificationKey> {
  const { did, fragment } = parseDidUrl(kid);
  const resolved = await ledger.resolveDid(did);
  const doc = resolved.didDocument;
  if (!doc || resolved.didDocumentMetadata.deactivated) {
    refuse('applicationDidDeactivated', `${did} is deactivated`);
  }
  const id = `${did}#${fragment ?? ''}`;
  const vm = doc!.verificationMethod?.find((m) => m.id === id);
  const usable = [...(doc!.authentication ?? []), ...(doc!.assertionMethod ?? [])].includes(id);
  if (!vm || !usable) {
    throw new DdiError(ErrorCode.UnknownKey, `${kid} is not a signing key of ${did}`);
  }
  return publicKeyFromMultibase(vm.publicKeyMultibase);
}

/** The application standing of `did`, refusing unregistered and barred applications. */
async function registeredApplication(
  ledger: LoginLedger,
  did: string,
): Promise<ApplicationStanding['application']> {
  let standing: ApplicationStanding;
  try {
    standing = await ledger.getApplication(did);
  } catch (err) {
    if (err instanceof DdiError && err.code === ErrorCode.NotFound) {
      refuse('unregisteredApplication', `${did} is not a registered application: not signing in`);
    }
    throw err;
  }
  if (!standing.mayAuthenticate) {
    refuse(
      standing.refusal ?? 'applicationRefused',
      `${standing.application.name} (${did}) may not sign people in: ${standing.refusal}`,
    );
  }
  return standing.application;
}

/**
 * Only SD-JWT VCs can show one claim and hide the rest; a jwt_vc_json (vp+jwt) would hand over
 * the whole credential whatever the person consented to. `unauthorized`,
 * `credentialFormatNotSelective` for any other format.
 */
function requireSelectiveFormats(query: DcqlQuery): void {
  for (const credential of query.credentials) {
    if (credential.format !== LOGIN_CREDENTIAL_FORMAT) {
      refuse(
        'credentialFormatNotSelective',
        `the request asks for a ${credential.format} credential; a login answers with ${LOGIN_CREDENTIAL_FORMAT} only, which discloses just the consented claims`,
      );
    }
  }
}

function claimNames(query: DcqlQuery | undefined): string[] {
  const names = new Set<string>();
  for (const credential of query?.credentials ?? [])
    for (const claim of credential.claims ?? []) names.add(String(claim.path[0]));
  return [...names];
}

/**
 * Fetches and checks a login request: the request object is signed by a key of the client's
 * DID; the client is a registered application that may sign people in now (not suspended,
 * accredited where required); `response_uri` is one of its registered redirect URIs; a bridge's
 * `ddi_relying_party` is accepted only from an authorized bridge, and checked the same way.
 * Refusals are `unauthorized` with a reason.
 */
export async function openLoginRequest(
  uri: string,
  ledger: LoginLedger,
  options: { fetch?: typeof fetch; now?: number } = {},
): Promise<LoginPrompt> {
  const { clientId, requestUri } = parseWalletUri(uri);
  const clientDid = didOfClientId(clientId);
  const doFetch = options.fetch ?? globalThis.fetch;
  const response = await doFetch(requestUri, {
    headers: { accept: 'application/oauth-authz-req+jwt' },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) {
    let detail: { code?: string; message?: string; details?: Record<string, unknown> } = {};
    try {
      detail = JSON.parse(text) as typeof detail;
    } catch {
      // not JSON: reported by status below
    }
    throw new DdiError(
      (detail.code as ErrorCode | undefined) ?? ErrorCode.Unavailable,
      `the relying party would not give the request: ${detail.message ?? response.status}`,
      detail.details,
    );
  }
  const request = await verifyLoginRequest(text.trim(), {
    resolveKey: (kid) => requestSigningKey(ledger, kid),
    expectedClientId: clientId,
    now: options.now ?? Date.now(),
  });
  const verifier = await registeredApplication(ledger, clientDid);
  if (!verifier.redirectUris.includes(request.response_uri)) {
    refuse(
      'redirectUriNotRegistered',
      `${verifier.name} asks for the answer at ${request.response_uri}, which it has not registered`,
    );
  }
  // Only a regulator-authorized bridge may ask on behalf of another application: any other
  // could otherwise show a better-known application's name to get the person's claims.
  if (request.ddi_relying_party !== undefined && verifier.bridge !== true) {
    refuse(
      'notABridge',
      `${verifier.name} (${clientDid}) asks on behalf of ${request.ddi_relying_party} but is not an authorized login bridge`,
    );
  }
  const relyingParty =
    request.ddi_relying_party === undefined
      ? undefined
      : await registeredApplication(ledger, request.ddi_relying_party);
  const query = request.dcql_query === undefined ? undefined : parseDcqlQuery(request.dcql_query);
  if (query) requireSelectiveFormats(query);
  return {
    request,
    verifier,
    ...(relyingParty ? { relyingParty } : {}),
    requestedClaims: claimNames(query),
  };
}

/** The query narrowed to the consented claims: credential queries left without claims drop out. */
function consentedQuery(query: DcqlQuery, consent: ReadonlySet<string>): DcqlQuery | undefined {
  requireSelectiveFormats(query);
  const credentials = query.credentials
    .map((c) => ({
      ...c,
      claims: (c.claims ?? []).filter((claim) => consent.has(String(claim.path[0]))),
    }))
    .filter((c) => c.claims.length > 0)
    // claim_sets name claim ids the narrowing may have removed: consent decides instead.
    .map(({ claim_sets: _sets, ...rest }) => rest);
  return credentials.length ? { credentials } : undefined;
}

/** The wallet's answer: the self-issued ID token and, if any claim is consented, the vp_token. */
export interface LoginAnswer {
  state: string;
  id_token: string;
  vp_token?: Record<string, string[]>;
}

/**
 * Answers a checked request as `holderKid` (an authentication key of the holder's DID):
 * a Self-Issued ID Token for the client, and SD-JWT presentations disclosing only the
 * `consent`ed claims (each with a KB-JWT for the client's id and nonce).
 */
export function answerLoginRequest(
  prompt: LoginPrompt,
  input: {
    holderKid: string;
    signerFor: (kid: string) => JwsSigner;
    credentials: readonly StoredCredential[];
    consent: readonly string[];
    now?: number;
  },
): LoginAnswer {
  const now = input.now ?? Date.now();
  const { request } = prompt;
  for (const name of input.consent) {
    if (!prompt.requestedClaims.includes(name)) {
      throw new DdiError(ErrorCode.Malformed, `the request does not ask for "${name}"`);
    }
  }
  const idToken = issueSelfIssuedIdToken({
    kid: input.holderKid,
    signer: input.signerFor(input.holderKid),
    audience: request.client_id,
    nonce: request.nonce,
    now,
  });
  const query =
    request.dcql_query === undefined
      ? undefined
      : consentedQuery(parseDcqlQuery(request.dcql_query), new Set(input.consent));
  if (!query) return { state: request.state, id_token: idToken };
  const holderDid = parseDidUrl(input.holderKid).did;
  // Only credentials bound to this holder's DID keys can answer for it.
  const own = input.credentials.filter((c) => parseDidUrl(c.holderKid).did === holderDid);
  const { vp_token } = presentCredentials(
    { nonce: request.nonce, client_id: request.client_id, dcql_query: query },
    own,
    input.signerFor,
    new Date(now),
  );
  return { state: request.state, id_token: idToken, vp_token };
}

/** Posts the answer to `response_uri` (direct_post); returns where to send the browser, if anywhere. */
export async function sendLoginAnswer(
  prompt: LoginPrompt,
  answer: LoginAnswer,
  options: { fetch?: typeof fetch } = {},
): Promise<{ redirectUri?: string }> {
  const form = new URLSearchParams({ state: answer.state, id_token: answer.id_token });
  if (answer.vp_token) form.set('vp_token', JSON.stringify(answer.vp_token));
  const response = await (options.fetch ?? globalThis.fetch)(prompt.request.response_uri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json().catch(() => ({}))) as {
    code?: string;
    message?: string;
    details?: Record<string, unknown>;
    redirect_uri?: string;
  };
  if (!response.ok) {
    throw new DdiError(
      (body.code as ErrorCode | undefined) ?? ErrorCode.Unavailable,
      `the relying party refused the answer: ${body.message ?? response.status}`,
      body.details,
    );
  }
  return typeof body.redirect_uri === 'string' ? { redirectUri: body.redirect_uri } : {};
}
