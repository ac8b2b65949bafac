/**
 * The verifier's whole verdict on an SD-JWT VC presentation (10 disclosures + KB-JWT), as
 * `POST /v1/verifier/presentations` computes it, minus HTTP: issuer key from DID history,
 * signatures, disclosures, holder binding, accreditation chain, template schema and the
 * ledger status lookup — warm caches, one core.
 */
import { randomBytes } from 'node:crypto';
import { publicKeyToJwk } from '../src/core/keys/index.ts';
import type { KeyTypeName } from '../src/core/keys/key-type.ts';
import { issueSdJwtVc, presentSdJwt } from '../src/core/credentials/sd-jwt/index.ts';
import { verifySdJwtVcPresentation } from '../src/core/credentials/verification/index.ts';
import { signTransaction } from '../src/ledger/transaction.ts';
import type { Transaction } from '../src/ledger/transaction.ts';
import { ledgerVerificationContext } from '../src/services/verifier/ledger-verification-context.ts';
import { governanceTx, makeDid, openTestNode } from '../test/helpers/temp-node.ts';

const DURATION_MS = process.env.BENCH_QUICK === '1' ? 300 : 1500;

/** Verdicts per second for Ed25519 and SM2 issuers. */
export async function benchVerdict(): Promise<
  Array<{ name: string; value: number; unit: string }>
> {
  const t = await openTestNode();
  const rows: Array<{ name: string; value: number; unit: string }> = [];
  try {
    const commit = async (tx: Transaction) => {
      const r = await t.node.submit(tx, { wait: true });
      if (r.status !== 'committed') throw new Error(`bench setup: ${JSON.stringify(r)}`);
    };
    const holder = makeDid(t.chainId, 'ed25519');
    await commit(holder.createTx);
    const claims = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`claim_${i}`, `value ${i}`]),
    );
    for (const type of ['ed25519', 'sm2'] as KeyTypeName[]) {
      const issuer = makeDid(t.chainId, type);
      await commit(issuer.createTx);
      const by = (kind: string, payload: object) =>
        signTransaction({ chainId: t.chainId, type: kind, payload }, [
          {
            kid: `${issuer.did}#key-1`,
            type: issuer.signing.type,
            privateKey: issuer.signing.privateKey,
          },
        ]);
      await commit(
        governanceTx(t, 'trust.accredit', {
          nonce: randomBytes(9).toString('base64url'),
          subject: issuer.did,
          role: 'credentialIssuer',
          scope: { credentialTypes: ['BenchCredential'] },
          validUntil: Date.now() + 86_400_000,
        }),
      );
      await commit(
        by('template.register', {
          template: {
            id: `bench.${type}`,
            version: 1,
            credentialType: 'BenchCredential',
            schema: {
              type: 'object',
              properties: Object.fromEntries(
                Object.keys(claims).map((c) => [c, { type: 'string' }]),
              ),
            },
            display: { 'zh-CN': { name: '基准' }, en: { name: 'Bench' } },
          },
        }),
      );
      const listId = `bench-list-${type}`;
      await commit(by('status.createList', { listId, purpose: 'revocation+suspension' }));
      await new Promise((r) => setTimeout(r, 1000)); // iat (seconds) after everything above
      const now = Math.floor(Date.now() / 1000);
      const credential = issueSdJwtVc({
        header: { kid: `${issuer.did}#key-1` },
        payload: {
          iss: issuer.did,
          vct: 'BenchCredential',
          iat: now,
          exp: now + 3600,
          cnf: { jwk: publicKeyToJwk('ed25519', holder.signing.publicKey) },
          status: { status_list: { idx: 4242, uri: `https://issuer.example/status/${listId}` } },
          ...claims,
        },
        disclosable: Object.keys(claims).map((k) => [k]),
        signer: { type, privateKey: issuer.signing.privateKey },
      });
      const presentation = presentSdJwt(credential, {
        disclose: Object.keys(claims).map((k) => [k]),
        keyBinding: {
          aud: 'bench-verifier',
          nonce: 'bench-nonce',
          signer: { type: 'ed25519', privateKey: holder.signing.privateKey },
        },
      });
      const context = ledgerVerificationContext(t.ledger);
      const expect = { audience: 'bench-verifier', nonce: 'bench-nonce', now: Date.now() };
      const first = await verifySdJwtVcPresentation(presentation, expect, context);
      if (!first.verified)
        throw new Error(`bench verdict not verified: ${first.reasons.join(', ')}`);
      for (let i = 0; i < 20; i++) await verifySdJwtVcPresentation(presentation, expect, context);
      let count = 0;
      const start = performance.now();
      while (performance.now() - start < DURATION_MS) {
        for (let i = 0; i < 32; i++) await verifySdJwtVcPresentation(presentation, expect, context);
        count += 32;
      }
      const perSecond = Math.round((count * 1000) / (performance.now() - start));
      rows.push({
        name: `verifier verdict, SD-JWT VC 10 disclosures + KB, status included (${type} issuer)`,
        value: perSecond,
        unit: 'verdicts/s',
      });
    }
  } finally {
    await t.close();
  }
  return rows;
}
