// SD-JWT VC verification throughput (10 disclosures + KB-JWT) next to the raw signature
// verifications it is made of, measured in the same run. The lead wires it into `npm run bench`.
import { issueSdJwtVc, presentSdJwt, verifySdJwtVc } from '../src/core/credentials/sd-jwt/index.ts';
import { generateKeyPair, publicKeyToJwk, verify } from '../src/core/keys/index.ts';
import type { KeyTypeName } from '../src/core/keys/index.ts';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
}

const DURATION_MS = process.env.BENCH_QUICK === '1' ? 300 : 1500;

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

/** Verifications/s of an SD-JWT VC with 10 disclosures and a KB-JWT, and the raw rates. */
export async function benchSdJwt(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const now = Math.floor(Date.now() / 1000);
  const holder = generateKeyPair('ed25519');
  const claims: Record<string, unknown> = {};
  for (let i = 0; i < 10; i++) claims[`claim_${i}`] = `value number ${i}`;

  for (const issuerType of ['ed25519', 'sm2'] as KeyTypeName[]) {
    const issuer = generateKeyPair(issuerType);
    const sdJwt = issueSdJwtVc({
      payload: {
        iss: 'did:ddi:bench-issuer',
        vct: 'https://ddi.example/vct/bench',
        iat: now,
        exp: now + 3600,
        cnf: { jwk: publicKeyToJwk('ed25519', holder.publicKey) },
        ...claims,
      },
      disclosable: Object.keys(claims).map((k) => [k]),
      signer: issuer,
    });
    const presentation = presentSdJwt(sdJwt, {
      disclose: Object.keys(claims).map((k) => [k]),
      keyBinding: { aud: 'did:ddi:verifier', nonce: 'bench', iat: now, signer: holder },
    });
    const options = {
      resolveIssuerKey: () => ({ type: issuerType, publicKey: issuer.publicKey }),
      requireKeyBinding: { aud: 'did:ddi:verifier', nonce: 'bench', maxAgeSeconds: 86_400 },
      now,
    };
    const check = await verifySdJwtVc(presentation, options);
    if (check.disclosures.length !== 10) throw new Error('bench credential is not as intended');

    const issuerSig = signatureParts(presentation.slice(0, presentation.indexOf('~')));
    const kbSig = signatureParts(presentation.slice(presentation.lastIndexOf('~') + 1));
    const rawIssuer = await measure(() =>
      verify(issuerType, issuer.publicKey, issuerSig.input, issuerSig.signature),
    );
    const rawHolder = await measure(() =>
      verify('ed25519', holder.publicKey, kbSig.input, kbSig.signature),
    );
    const vc = await measure(() => verifySdJwtVc(presentation, options));
    // Without key binding: one signature, as in libraries' plain SD-JWT benchmarks.
    const plain = presentSdJwt(sdJwt, { disclose: Object.keys(claims).map((k) => [k]) });
    const plainOptions = { resolveIssuerKey: options.resolveIssuerKey, now };
    const vcPlain = await measure(() => verifySdJwtVc(plain, plainOptions));
    // A verifier meeting each holder once: more holders than the holder-key cache keeps (256).
    const fresh = Array.from({ length: 300 }, () => {
      const other = generateKeyPair('ed25519');
      const credential = issueSdJwtVc({
        payload: {
          iss: 'did:ddi:bench-issuer',
          vct: 'https://ddi.example/vct/bench',
          iat: now,
          cnf: { jwk: publicKeyToJwk('ed25519', other.publicKey) },
          ...claims,
        },
        disclosable: Object.keys(claims).map((k) => [k]),
        signer: issuer,
      });
      return presentSdJwt(credential, {
        disclose: Object.keys(claims).map((k) => [k]),
        keyBinding: { aud: 'did:ddi:verifier', nonce: 'bench', iat: now, signer: other },
      });
    });
    let next = 0;
    const vcFresh = await measure(() => verifySdJwtVc(fresh[next++ % fresh.length] ?? '', options));
    // The two signatures alone: the ceiling for anything that checks both.
    const rawPair = Math.round(1 / (1 / rawIssuer + 1 / rawHolder));
    const label = `${issuerType} issuer, ed25519 holder`;
    rows.push(
      { name: `raw verify ${issuerType} (issuer JWS)`, value: rawIssuer, unit: 'verify/s' },
      { name: `raw verify ed25519 (KB-JWT)`, value: rawHolder, unit: 'verify/s' },
      { name: `raw verify issuer + holder signatures (${label})`, value: rawPair, unit: 'pairs/s' },
      { name: `SD-JWT VC verify, 10 disclosures + KB (${label})`, value: vc, unit: 'verify/s' },
      {
        name: `SD-JWT VC verify, each holder key seen once (${label})`,
        value: vcFresh,
        unit: 'verify/s',
      },
      {
        name: `SD-JWT VC verify, 10 disclosures, no KB (${issuerType} issuer)`,
        value: vcPlain,
        unit: 'verify/s',
      },
      {
        name: `SD-JWT VC verify without KB / raw issuer verify (${issuerType} issuer)`,
        value: Math.round((vcPlain / rawIssuer) * 100),
        unit: '%',
      },
      {
        name: `SD-JWT VC verify / raw issuer verify (${label})`,
        value: Math.round((vc / rawIssuer) * 100),
        unit: '%',
      },
      {
        name: `SD-JWT VC verify / raw signature pair (${label})`,
        value: Math.round((vc / rawPair) * 100),
        unit: '%',
      },
    );
  }
  return rows;
}

// Run directly: node bin/run-ts.mjs bench/sd-jwt.ts
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await benchSdJwt())
    console.log(`${row.name.padEnd(64)} ${row.value} ${row.unit}`);
}
