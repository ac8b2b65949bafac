import type { DataCategory } from '../../../core/consent/data-categories.ts';
import {
  randomNonce,
  signRegistryTransaction,
  submitSigned,
  toMillis,
} from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';
import type { DidSigner } from '../utils/did-signer.ts';
import { signerParts } from '../utils/did-signer.ts';

export interface GrantConsentParameters extends WaitOptions {
  /** A capabilityInvocation key of the holder (the grantor). */
  signer: DidSigner;
  /** The application (data user) granted access. */
  grantee: string;
  /** Data categories; a sensitive one (health, financial, biometric, …) must be alone. */
  scopes: DataCategory[];
  /** A short purpose code or phrase; never personal data. */
  purpose: string;
  /** End of validity (exclusive). */
  expires: Date | number;
  /** Start of validity (default: when the grant is committed). */
  notBefore?: Date | number;
  /** 8-64 base64url characters (default: 16 random ones). */
  grantId?: string;
}

/** What grantConsent returns: the grant's id and parties with the transaction. */
export interface GrantConsentResult extends TransactionResult {
  grantId: string;
  grantor: string;
  grantee: string;
}

/** The holder grants an application access to categories of their data (`consent.grant`). */
export async function grantConsent(
  transport: Transport,
  parameters: GrantConsentParameters,
): Promise<GrantConsentResult> {
  const { did: grantor } = signerParts(parameters.signer);
  const grantId = parameters.grantId ?? randomNonce();
  const tx = await signRegistryTransaction(
    transport,
    'consent.grant',
    {
      grantId,
      grantor,
      grantee: parameters.grantee,
      scopes: parameters.scopes,
      purpose: parameters.purpose,
      notBefore: parameters.notBefore === undefined ? undefined : toMillis(parameters.notBefore),
      expires: toMillis(parameters.expires),
    },
    parameters.signer,
  );
  return {
    grantId,
    grantor,
    grantee: parameters.grantee,
    ...(await submitSigned(transport, tx, parameters)),
  };
}
