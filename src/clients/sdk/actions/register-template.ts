import type { CredentialTemplate } from '../../../core/templates/credential-template.ts';
import { validateTemplateDefinition } from '../../../core/templates/credential-template.ts';
import { signRegistryTransaction, submitSigned } from '../lib/registry-transaction.ts';
import type { Transport } from '../transport.ts';
import type { TransactionResult, WaitOptions } from '../types.ts';
import type { DidSigner } from '../utils/did-signer.ts';

export interface RegisterTemplateParameters extends WaitOptions {
  template: CredentialTemplate;
  /** A key of the issuer accredited for the template's credential type (or its id). */
  signer: DidSigner;
}

/** Registers a credential template version; checked locally first (the node checks again). */
export async function registerTemplate(
  transport: Transport,
  parameters: RegisterTemplateParameters,
): Promise<TransactionResult> {
  const template = validateTemplateDefinition(parameters.template);
  const tx = await signRegistryTransaction(
    transport,
    'template.register',
    { template },
    parameters.signer,
  );
  return submitSigned(transport, tx, parameters);
}
