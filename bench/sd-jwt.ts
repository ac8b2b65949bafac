// SD-JWT VC verification throughput (10 disclosures, status check included, warm caches) next
// to the raw signature verifications it is made of and, for Ed25519, next to
// @sd-jwt/sd-jwt-vc 0.19 verifying the very same credential — all measured in the same run.
// Part of `npm run bench`; alone: `BENCH_ONLY=sd-jwt npm run bench`.
import { digest } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { verifyCompactJws } from '../src/core/credentials/jws/index.ts';
import { issueSdJwtVc, presentSdJwt, verifySdJwtVc } from '../src/core/credentials/sd-jwt/index.ts';
import {
  generateKeyPair,
  publicKeyFromJwk,
  publicKeyToJwk,
  verify,
} from '../src/core/keys/index.ts';
import type { Jwk, KeyTypeName } from '../src/core/keys/index.ts';
import { decodeTokenStatusList, TokenStatus, writePackedStatus } from '../src/core/status/index.ts';
import type { TokenStatusListReader } from '../src/core/status/index.ts';
import { statusListTokenJwt } from '../src/services/status/status-list-token.ts';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
}

const DURATION_MS = process.env.BENCH_QUICK === '1' ? 300 : 1500;
const ISSUER = 'did:ddi:bench-issuer';
const LIST_SIZE = 131_072;
const LIST_URI = 'https://issuer.example/status/bench-list-1';
/** The credential's entry: valid, among revoked and suspended neighbours. */
const STATUS_IDX = 4242;

/** Runs `op` (awaited one at a time) for about DURATION_MS; operations per second. */
async function measure(op: () => unknown): Promise<number> {
  for (let i = 0; i < 20; i++) await op(); // warm key caches and the JIT outside the window
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < DURATION_MS) {
    for (let i = 0; i < 64; i++) await op();
    count += 64;
    elapsed = performance.now() - start;
  }
  return Math.round((count * 1000) / elapsed);
}

function signatureParts(jws: string): { input: Uint8Array; signature: Uint8Array } {
  const dot = jws.lastIndexOf('.');
  return {
    input: Buffer.from(jws.slice(0, dot), 'latin1'),
    signature: new Uint8Array(Buffer.from(jws.slice(dot + 1), 'base64url')),
  };
}

/** The issuer's Status List Token for LIST_URI: 2-bit entries, some revoked, some suspended. */
function statusListToken(signer: { type: KeyTypeName; privateKey: Uint8Array }): string {
  const packed = new Uint8Array((LIST_SIZE * 2) / 8);
  for (let i = 0; i < LIST_SIZE; i += 97) writePackedStatus(packed, 2, i, TokenStatus.Invalid);
  for (let i = 51; i < LIST_SIZE; i += 131) writePackedStatus(packed, 2, i, TokenStatus.Suspended);
  return statusListTokenJwt({
    owner: ISSUER,
    listId: 'bench-list-1',
    packed,
    bits: 2,
    signer,
    kid: `${ISSUER}#key-1`,
    uri: LIST_URI,
    ttl: 300,
  });
}

/**
 * A verifier's status lists, warm: each issuer's Status List Token verified and decoded once
 * (until its `ttl`), then one entry read per credential.
 */
class StatusListCache {
  private readonly lists = new Map<string, TokenStatusListReader>();

  async load(token: string, key: { type: KeyTypeName; publicKey: Uint8Array }): Promise<void> {
    const { payload } = await verifyCompactJws(token, () => key);
    const list = payload.status_list as { bits: unknown; lst: unknown };
    this.lists.set(String(payload.sub), decodeTokenStatusList(list));
  }

  /** The status of a verified credential's `status.status_list` entry; throws if not valid. */
  requireValid(claims: Record<string, unknown>): void {
    const ref = (claims.status as { status_list?: { idx: number; uri: string } } | undefined)
      ?.status_list;
    const list = ref && this.lists.get(ref.uri);
    if (!ref || !list) throw new Error('no status list for the credential');
    if (list.statusAt(ref.idx) !== TokenStatus.Valid) throw new Error('credential not valid');
  }
}

/**
 * @sd-jwt/sd-jwt-vc 0.19 set up as a verifier, on ddi's own signature verification. With
 * `statusLists`, its status step reads the same warm cache as ddi's path (like for like);
 * without, it runs as shipped: it fetches the token (from memory here) and decodes the whole
 * list on every call, with the token's signature check cached.
 */
function theirVerifier(
  issuerPublicKey: Uint8Array,
  token: string,
  statusLists?: StatusListCache,
): { verifier: SDJwtVcInstance; statusChecks: () => number } {
  const ed25519 = (publicKey: Uint8Array, data: string, sig: string) =>
    verify('ed25519', publicKey, Buffer.from(data), Buffer.from(sig, 'base64url'));
  // Warm cache of the status list's signature, as ours: the library still decodes the list.
  const checkedTokens = new Set<string>();
  let checks = 0;
  const verifier = new SDJwtVcInstance({
    hasher: digest,
    verifier: (data, sig) => ed25519(issuerPublicKey, data, sig),
    kbVerifier: (data, sig, payload) =>
      ed25519(publicKeyFromJwk((payload.cnf as { jwk: Jwk }).jwk).publicKey, data, sig),
    statusListFetcher: (uri) => {
      checks++;
      if (uri !== LIST_URI) throw new Error(`unexpected status list ${uri}`);
      return Promise.resolve(token);
    },
    statusVerifier: (data, sig) => {
      const key = `${data}.${sig}`;
      if (checkedTokens.has(key)) return true;
      const ok = ed25519(issuerPublicKey, data, sig);
      if (ok) checkedTokens.add(key);
      return ok;
    },
  });
  if (statusLists) {
    // verify() runs `this.verifyStatus(result)` after the SD-JWT and KB checks: answer it from
    // the cache (an own property shadows the library's private method).
    Object.assign(verifier, {
      verifyStatus: (result: { payload: Record<string, unknown> }) => {
        checks++;
        statusLists.requireValid(result.payload);
        return Promise.resolve();
      },
    });
  }
  return { verifier, statusChecks: () => checks };
}

/** Verifications/s of an SD-JWT VC with 10 disclosures and a KB-JWT, and the raw rates. */
export async function benchSdJwt(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const now = Math.floor(Date.now() / 1000);
  const holder = generateKeyPair('ed25519');
  const claims: Record<string, unknown> = {};
  for (let i = 0; i < 10; i++) claims[`claim_${i}`] = `value number ${i}`;
  const disclose = Object.keys(claims).map((k) => [k]);
  const status = { status_list: { idx: STATUS_IDX, uri: LIST_URI } };

  for (const issuerType of ['ed25519', 'sm2'] as KeyTypeName[]) {
    const issuer = generateKeyPair(issuerType);
    const issuerKey = { type: issuerType, publicKey: issuer.publicKey };
    const credentialFor = (holderKey: Uint8Array, withStatus = true) =>
      issueSdJwtVc({
        header: { kid: `${ISSUER}#key-1` },
        payload: {
          iss: ISSUER,
          vct: 'https://ddi.example/vct/bench',
          iat: now,
          exp: now + 3600,
          cnf: { jwk: publicKeyToJwk('ed25519', holderKey) },
          ...(withStatus ? { status } : {}),
          ...claims,
        },
        disclosable: disclose,
        signer: issuer,
      });
    const sdJwt = credentialFor(holder.publicKey);
    const keyBinding = { aud: 'did:ddi:verifier', nonce: 'bench', iat: now, signer: holder };
    const presentation = presentSdJwt(sdJwt, { disclose, keyBinding });
    // Without key binding: one signature, as in libraries' plain SD-JWT benchmarks.
    const plain = presentSdJwt(sdJwt, { disclose });

    const token = statusListToken(issuer);
    const statusLists = new StatusListCache();
    await statusLists.load(token, issuerKey);
    const options = {
      resolveIssuerKey: () => issuerKey,
      requireKeyBinding: { aud: 'did:ddi:verifier', nonce: 'bench', maxAgeSeconds: 86_400 },
      now,
    };
    const plainOptions = { resolveIssuerKey: options.resolveIssuerKey, now };
    /** ddi's path: the SD-JWT VC checks, then its status entry. */
    const ours = async (sdJwtVc: string, opts: Parameters<typeof verifySdJwtVc>[1]) => {
      const verified = await verifySdJwtVc(sdJwtVc, opts);
      statusLists.requireValid(verified.payload);
      return verified;
    };
    const check = await ours(presentation, options);
    if (check.disclosures.length !== 10) throw new Error('bench credential is not as intended');

    const issuerSig = signatureParts(presentation.slice(0, presentation.indexOf('~')));
    const kbSig = signatureParts(presentation.slice(presentation.lastIndexOf('~') + 1));
    const rawIssuer = await measure(() =>
      verify(issuerType, issuer.publicKey, issuerSig.input, issuerSig.signature),
    );
    const rawHolder = await measure(() =>
      verify('ed25519', holder.publicKey, kbSig.input, kbSig.signature),
    );
    const vc = await measure(() => ours(presentation, options));
    const vcPlain = await measure(() => ours(plain, plainOptions));
    // A verifier meeting each holder once: more holders than the holder-key cache keeps (256).
    const fresh = Array.from({ length: 300 }, () => {
      const other = generateKeyPair('ed25519');
      return presentSdJwt(credentialFor(other.publicKey), {
        disclose,
        keyBinding: { ...keyBinding, signer: other },
      });
    });
    let next = 0;
    const vcFresh = await measure(() => ours(fresh[next++ % fresh.length] ?? '', options));
    // The two signatures alone: the ceiling for anything that checks both.
    const rawPair = Math.round(1 / (1 / rawIssuer + 1 / rawHolder));
    const label = `${issuerType} issuer, ed25519 holder`;
    const percent = (a: number, b: number) => Math.round((a / b) * 100);
    rows.push(
      { name: `raw verify ${issuerType} (issuer JWS)`, value: rawIssuer, unit: 'verify/s' },
      { name: `raw verify ed25519 (KB-JWT)`, value: rawHolder, unit: 'verify/s' },
      { name: `raw verify issuer + holder signatures (${label})`, value: rawPair, unit: 'pairs/s' },
      {
        name: `SD-JWT VC verify + status, 10 disclosures + KB (${label})`,
        value: vc,
        unit: 'verify/s',
      },
      {
        name: `SD-JWT VC verify + status, each holder key seen once (${label})`,
        value: vcFresh,
        unit: 'verify/s',
      },
      {
        name: `SD-JWT VC verify + status, 10 disclosures, no KB (${issuerType} issuer)`,
        value: vcPlain,
        unit: 'verify/s',
      },
      {
        name: `SD-JWT VC verify + status without KB / raw issuer verify (${issuerType} issuer)`,
        value: percent(vcPlain, rawIssuer),
        unit: '%',
      },
      {
        name: `SD-JWT VC verify + status / raw issuer verify (${label})`,
        value: percent(vc, rawIssuer),
        unit: '%',
      },
      {
        name: `SD-JWT VC verify + status / raw signature pair (${label})`,
        value: percent(vc, rawPair),
        unit: '%',
      },
    );

    if (issuerType !== 'ed25519') continue;
    // The same credential and presentations through @sd-jwt/sd-jwt-vc 0.19, on the same
    // signature code and, for the like-for-like rows, the same warm status-list cache.
    const lib = '@sd-jwt/sd-jwt-vc 0.19';
    const theirs = theirVerifier(issuer.publicKey, token, statusLists);
    const stock = theirVerifier(issuer.publicKey, token);
    const kbOptions = { keyBindingNonce: 'bench', currentDate: now };
    for (const { verifier, statusChecks } of [theirs, stock]) {
      const result = await verifier.verify(presentation, kbOptions);
      if (!result.kb || result.payload.claim_9 !== 'value number 9' || statusChecks() !== 1)
        throw new Error(`${lib} did not verify the bench credential as intended`);
    }
    const libKb = await measure(() => theirs.verifier.verify(presentation, kbOptions));
    const libPlain = await measure(() => theirs.verifier.verify(plain, { currentDate: now }));
    const libStock = await measure(() => stock.verifier.verify(plain, { currentDate: now }));
    rows.push(
      {
        name: `${lib} verify + status, same credential, 10 disclosures + KB`,
        value: libKb,
        unit: 'verify/s',
      },
      {
        name: `${lib} verify + status, same credential, no KB`,
        value: libPlain,
        unit: 'verify/s',
      },
      {
        name: `${lib} verify, no KB, its own status step (decodes the list each call)`,
        value: libStock,
        unit: 'verify/s',
      },
      {
        name: `${lib} + status + KB / raw issuer verify`,
        value: percent(libKb, rawIssuer),
        unit: '%',
      },
      {
        name: `${lib} + status, no KB / raw issuer verify`,
        value: percent(libPlain, rawIssuer),
        unit: '%',
      },
      { name: `ddi / ${lib}, + status + KB (ed25519)`, value: percent(vc, libKb), unit: '%' },
      {
        name: `ddi / ${lib}, + status, no KB (ed25519)`,
        value: percent(vcPlain, libPlain),
        unit: '%',
      },
    );
  }
  return rows;
}

// Run directly: node bin/run-ts.mjs bench/sd-jwt.ts
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await benchSdJwt())
    console.log(`${row.name.padEnd(72)} ${row.value} ${row.unit}`);
}
