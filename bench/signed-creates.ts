import { generateKeyPair, publicKeyToMultibase } from '../src/core/keys/index.ts';
import type { KeyTypeName } from '../src/core/keys/key-type.ts';
import { didFromCreateOperation, recoveryCommitment } from '../src/core/did/index.ts';
import { signTransaction } from '../src/ledger/transaction.ts';

/** `count` signed did.create transactions as JSON bodies, made before any timing starts. */
export function signedCreates(chainId: string, count: number, type: KeyTypeName): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const key = generateKeyPair(type);
    const recovery = generateKeyPair('ed25519');
    const payload = {
      document: {
        verificationMethod: [
          {
            id: 'key-1',
            type: 'Multikey' as const,
            publicKeyMultibase: publicKeyToMultibase(type, key.publicKey),
          },
        ],
        authentication: ['key-1'],
        capabilityInvocation: ['key-1'],
      },
      recoveryCommitment: recoveryCommitment(publicKeyToMultibase('ed25519', recovery.publicKey)),
    };
    const did = didFromCreateOperation(payload);
    const tx = signTransaction({ chainId, type: 'did.create', payload }, [
      { kid: `${did}#key-1`, type, privateKey: key.privateKey },
    ]);
    out.push(JSON.stringify(tx));
  }
  return out;
}
