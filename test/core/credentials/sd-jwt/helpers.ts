import { expect } from 'vitest';
import type { JwsVerificationKey } from '../../../../src/core/credentials/jws/index.ts';
import { DdiError } from '../../../../src/core/errors.ts';
import type { KeyPair } from '../../../../src/core/keys/index.ts';

/** The public half of a key pair, as a JWS key resolver returns it. */
export const publicOf = (pair: KeyPair): JwsVerificationKey => ({
  type: pair.type,
  publicKey: pair.publicKey,
});

/** Awaits a promise that must reject with a DdiError, and returns the error. */
export async function rejection(promise: Promise<unknown>): Promise<DdiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DdiError);
  return err as DdiError;
}
