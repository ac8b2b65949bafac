import { keyTypes } from '../../core/keys/index.ts';
import type { CredentialTemplate } from '../../core/templates/credential-template.ts';
import { PRE_AUTHORIZED_GRANT } from './offer-uri.ts';

/** The two formats ddi issues (OpenID4VCI 1.0 Appendix A). */
export type IssuedFormat = 'dc+sd-jwt' | 'jwt_vc_json';
export const ISSUED_FORMATS: readonly IssuedFormat[] = ['dc+sd-jwt', 'jwt_vc_json'];

/** A credential configuration id: the template id and the format, e.g. `edu.degree.dc+sd-jwt`. */
export function configurationId(templateId: string, format: IssuedFormat): string {
  return `${templateId}.${format}`;
}

/** The template id and format a configuration id names, or undefined. */
export function parseConfigurationId(
  id: string,
): { templateId: string; format: IssuedFormat } | undefined {
  for (const format of ISSUED_FORMATS) {
    const suffix = `.${format}`;
    if (id.endsWith(suffix) && id.length > suffix.length) {
      return { templateId: id.slice(0, -suffix.length), format };
    }
  }
  return undefined;
}

// Every algorithm a ddi key can sign with: the holder picks its DID's key type.
const ALGORITHMS = Object.values(keyTypes).map((t) => t.jwsAlgorithm);

function display(template: CredentialTemplate) {
  return (['zh-CN', 'en'] as const).map((locale) => ({
    name: template.display[locale].name,
    locale,
    ...(template.display[locale].description
      ? { description: template.display[locale].description }
      : {}),
  }));
}

// Claim names from the template schema's top-level properties, so wallets can label them.
function claimPaths(template: CredentialTemplate): { path: string[] }[] {
  const properties = template.schema.properties;
  if (typeof properties !== 'object' || properties === null) return [];
  return Object.keys(properties).map((name) => ({ path: [name] }));
}

/** One credential configuration (OpenID4VCI 1.0 §12.2.4) of a template in a format. */
export function credentialConfiguration(
  template: CredentialTemplate,
  format: IssuedFormat,
): Record<string, unknown> {
  const common = {
    format,
    scope: template.id,
    cryptographic_binding_methods_supported:
      format === 'dc+sd-jwt' ? ['jwk', 'did:ddi'] : ['did:ddi'],
    credential_signing_alg_values_supported: ALGORITHMS,
    proof_types_supported: { jwt: { proof_signing_alg_values_supported: ALGORITHMS } },
    credential_metadata: { display: display(template), claims: claimPaths(template) },
  };
  if (format === 'dc+sd-jwt') return { ...common, vct: template.credentialType };
  return {
    ...common,
    credential_definition: { type: ['VerifiableCredential', template.credentialType] },
  };
}

/** `credential_configurations_supported`: a dc+sd-jwt and a jwt_vc_json entry per template. */
export function credentialConfigurations(
  templates: readonly CredentialTemplate[],
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const template of templates) {
    for (const format of ISSUED_FORMATS) {
      out[configurationId(template.id, format)] = credentialConfiguration(template, format);
    }
  }
  return out;
}

/** Credential Issuer Metadata (OpenID4VCI 1.0 §12.2); the issuer is its own authorization server. */
export function credentialIssuerMetadata(
  issuerUrl: string,
  issuerDid: string,
  templates: readonly CredentialTemplate[],
): Record<string, unknown> {
  return {
    credential_issuer: issuerUrl,
    credential_endpoint: `${issuerUrl}/credential`,
    nonce_endpoint: `${issuerUrl}/nonce`,
    display: [
      { name: issuerDid, locale: 'zh-CN' },
      { name: issuerDid, locale: 'en' },
    ],
    credential_configurations_supported: credentialConfigurations(templates),
  };
}

/** OAuth 2.0 Authorization Server Metadata (RFC 8414) for the pre-authorized code flow only. */
export function authorizationServerMetadata(issuerUrl: string): Record<string, unknown> {
  return {
    issuer: issuerUrl,
    token_endpoint: `${issuerUrl}/token`,
    grant_types_supported: [PRE_AUTHORIZED_GRANT],
    // OpenID4VCI 1.0 §12.3: wallets need no client registration for the pre-authorized code.
    'pre-authorized_grant_anonymous_access_supported': true,
  };
}
