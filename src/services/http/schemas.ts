/** JSON Schemas shared by routes; the OpenAPI document is generated from them. */

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', description: 'Stable error code, e.g. staleVersion, badSignature' },
    message: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
  },
} as const;

export const transactionSchema = {
  $id: 'Transaction',
  type: 'object',
  additionalProperties: false,
  required: ['body', 'proofs'],
  properties: {
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['chainId', 'type', 'payload'],
      properties: {
        chainId: { type: 'string', minLength: 1, maxLength: 64 },
        type: { type: 'string', minLength: 1, maxLength: 64, examples: ['did.create'] },
        payload: { type: 'object', additionalProperties: true },
      },
    },
    proofs: {
      type: 'array',
      minItems: 1,
      maxItems: 16,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['kid', 'sig'],
        properties: {
          kid: { type: 'string', minLength: 1, maxLength: 512 },
          sig: { type: 'string', minLength: 1, maxLength: 200 },
        },
      },
    },
  },
} as const;

export const txStatusSchema = {
  $id: 'TransactionStatus',
  type: 'object',
  required: ['id', 'status'],
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'committed', 'rejected', 'unknown'] },
    height: { type: 'integer' },
    position: { type: 'integer' },
    blockHash: { type: 'string' },
    code: { type: 'string' },
    message: { type: 'string' },
  },
} as const;

export const batchEntryStatusSchema = {
  $id: 'BatchEntryStatus',
  type: 'object',
  required: ['status'],
  properties: {
    id: { type: 'string', description: 'absent when the entry is not a transaction at all' },
    status: {
      type: 'string',
      enum: ['pending', 'committed', 'rejected', 'timeout'],
      description:
        'pending: durably queued (without wait); timeout: not in a block within the wait and not journalled — ask its status, resubmit if unknown',
    },
    height: { type: 'integer' },
    position: { type: 'integer' },
    blockHash: { type: 'string' },
    code: { type: 'string' },
    message: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
  },
} as const;

export const blockHeaderSchema = {
  $id: 'BlockHeader',
  type: 'object',
  required: ['chainId', 'height', 'time', 'previousHash', 'txRoot', 'txCount', 'stateRoot'],
  properties: {
    chainId: { type: 'string' },
    height: { type: 'integer' },
    time: { type: 'integer', description: 'milliseconds since the epoch' },
    previousHash: { type: 'string' },
    txRoot: { type: 'string' },
    txCount: { type: 'integer' },
    stateRoot: { type: 'string' },
  },
} as const;

export const blockSchema = {
  $id: 'Block',
  type: 'object',
  required: ['header', 'hash', 'txIds', 'signatures'],
  properties: {
    header: { $ref: 'BlockHeader#' },
    hash: { type: 'string' },
    txIds: { type: 'array', items: { type: 'string' } },
    signatures: {
      type: 'array',
      items: {
        type: 'object',
        properties: { operator: { type: 'string' }, sig: { type: 'string' } },
      },
    },
  },
} as const;

export const resolutionResultSchema = {
  $id: 'DidResolutionResult',
  type: 'object',
  properties: {
    '@context': { type: 'string' },
    didDocument: { type: ['object', 'null'], additionalProperties: true },
    didResolutionMetadata: { type: 'object', additionalProperties: true },
    didDocumentMetadata: { type: 'object', additionalProperties: true },
    code: { type: 'string' },
    message: { type: 'string' },
  },
} as const;

export const governanceConfigSchema = {
  $id: 'GovernanceConfig',
  type: 'object',
  required: ['regulator', 'threshold', 'keys', 'version'],
  properties: {
    regulator: { type: 'string', description: "the regulator's DID" },
    threshold: {
      type: 'integer',
      description: 'M: governance signatures a governance transaction needs',
    },
    keys: {
      type: 'array',
      description: 'the N governance keys; a proof by one has kid <regulator>#<id>',
      items: {
        type: 'object',
        required: ['id', 'publicKeyMultibase'],
        properties: { id: { type: 'string' }, publicKeyMultibase: { type: 'string' } },
      },
    },
    version: { type: 'integer', description: 'gov.setGovernance names it as previousVersion' },
  },
} as const;

const scopeSchema = {
  type: 'object',
  description: 'credential types and/or template ids; empty: the role itself',
  properties: {
    credentialTypes: { type: 'array', items: { type: 'string' } },
    templates: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const accreditationSchema = {
  $id: 'Accreditation',
  type: 'object',
  required: [
    'id',
    'subject',
    'role',
    'scope',
    'validFrom',
    'validUntil',
    'grantedBy',
    'parent',
    'status',
    'version',
    'history',
  ],
  properties: {
    id: { type: 'string', description: 'the id of the granting transaction' },
    subject: { type: 'string' },
    role: {
      type: 'string',
      enum: [
        'operator',
        'identityVerificationAgency',
        'credentialIssuer',
        'applicationServiceProvider',
        'accreditationAuthority',
      ],
    },
    scope: scopeSchema,
    validFrom: { type: 'integer', description: 'milliseconds since the epoch' },
    validUntil: { type: 'integer', description: 'milliseconds since the epoch (exclusive)' },
    grantedBy: { type: 'string', description: 'the regulator, or an accreditation authority' },
    parent: {
      type: ['string', 'null'],
      description: "the authority's own accreditation (null: granted by the regulator)",
    },
    nodeKey: { type: 'string', description: "an operator's node key (Multikey)" },
    status: { type: 'string', enum: ['active', 'suspended', 'revoked'] },
    version: { type: 'integer', description: 'trust.setStatus names it as previousVersion' },
    history: {
      type: 'array',
      items: {
        type: 'object',
        required: ['status', 'time', 'height', 'txId'],
        properties: {
          status: { type: 'string' },
          time: { type: 'integer' },
          height: { type: 'integer' },
          txId: { type: 'string' },
          reason: { type: 'string' },
        },
      },
    },
  },
} as const;

export const accreditationListSchema = {
  $id: 'AccreditationList',
  type: 'object',
  required: ['accreditations'],
  properties: { accreditations: { type: 'array', items: { $ref: 'Accreditation#' } } },
} as const;

export const accreditationCheckSchema = {
  $id: 'AccreditationCheck',
  type: 'object',
  required: ['accredited', 'chain', 'at'],
  properties: {
    accredited: { type: 'boolean' },
    reason: {
      type: 'string',
      description:
        'why not: notAccredited, outOfScope, notYetValid, expired, suspended, revoked, blocklisted, brokenChain, or "grantor <reason>"',
    },
    chain: {
      type: 'array',
      description: 'the accreditation that holds, then each one above it up to the regulator',
      items: { $ref: 'Accreditation#' },
    },
    at: { type: 'string', description: 'the time asked about (ISO 8601)' },
    height: { type: 'integer', description: 'the block whose time `at` is, when asked by height' },
  },
} as const;

export const blocklistEntrySchema = {
  $id: 'BlocklistEntry',
  type: 'object',
  required: ['did', 'listed', 'history'],
  properties: {
    did: { type: 'string' },
    listed: { type: 'boolean', description: 'listed now' },
    history: {
      type: 'array',
      items: {
        type: 'object',
        required: ['listed', 'time', 'height', 'txId'],
        properties: {
          listed: { type: 'boolean' },
          time: { type: 'integer' },
          height: { type: 'integer' },
          txId: { type: 'string' },
          reason: { type: 'string' },
        },
      },
    },
  },
} as const;

const displayTextSchema = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' }, description: { type: 'string' } },
} as const;

export const templateRecordSchema = {
  $id: 'TemplateRecord',
  type: 'object',
  required: ['template', 'issuer', 'registered', 'height', 'txId'],
  properties: {
    template: {
      type: 'object',
      required: ['id', 'version', 'credentialType', 'schema', 'display'],
      properties: {
        id: { type: 'string' },
        version: { type: 'integer' },
        credentialType: { type: 'string' },
        schema: {
          type: 'object',
          additionalProperties: true,
          description: 'JSON Schema 2020-12 of the claims',
        },
        display: {
          type: 'object',
          required: ['zh-CN', 'en'],
          properties: { 'zh-CN': displayTextSchema, en: displayTextSchema },
        },
      },
    },
    issuer: { type: 'string', description: 'the issuer that registered it' },
    registered: { type: 'integer', description: 'block time, milliseconds since the epoch' },
    height: { type: 'integer' },
    txId: { type: 'string' },
  },
} as const;

export const organizationSchema = {
  $id: 'Organization',
  type: 'object',
  required: ['uscc', 'kind', 'primaryDid', 'registeredBy', 'version', 'history'],
  properties: {
    uscc: { type: 'string', description: 'unified social credit code (GB 32100-2015)' },
    kind: {
      type: 'string',
      enum: ['business', 'governmentAgency', 'publicInstitution', 'socialOrganization', 'other'],
    },
    primaryDid: { type: ['string', 'null'], description: 'null once deregistered' },
    registeredBy: { type: 'string' },
    version: { type: 'integer', description: 'org.deregister names it as previousVersion' },
    history: {
      type: 'array',
      items: {
        type: 'object',
        required: ['did', 'time', 'height', 'txId'],
        properties: {
          did: { type: ['string', 'null'] },
          time: { type: 'integer' },
          height: { type: 'integer' },
          txId: { type: 'string' },
          reason: { type: 'string' },
        },
      },
    },
  },
} as const;

export const realNameBindingSchema = {
  $id: 'RealNameBinding',
  type: 'object',
  required: ['commitment', 'did', 'agency', 'assurance', 'registered', 'height', 'txId'],
  properties: {
    commitment: { type: 'string', description: "HMAC-SHA-256 under the agencies' network key" },
    did: { type: 'string', description: "the person's primary DID" },
    agency: { type: 'string', description: 'the identity verification agency that verified them' },
    registered: { type: 'integer' },
    height: { type: 'integer' },
    txId: { type: 'string' },
    assurance: { type: 'string', enum: ['low', 'substantial', 'high'] },
  },
} as const;

export const realNameRegistrationSchema = {
  $id: 'RealNameRegistration',
  type: 'object',
  required: ['did', 'agency', 'assurance', 'registered', 'height', 'txId'],
  properties: {
    did: { type: 'string' },
    agency: { type: 'string', description: 'the identity verification agency that verified it' },
    assurance: { type: 'string', enum: ['low', 'substantial', 'high'] },
    registered: { type: 'integer' },
    height: { type: 'integer' },
    txId: { type: 'string' },
    ended: {
      type: 'object',
      required: ['time', 'reason'],
      properties: {
        time: { type: 'integer' },
        reason: { type: 'string', enum: ['deactivated', 'superseded'] },
      },
    },
  },
} as const;

export const disclosureOrderSchema = {
  $id: 'DisclosureOrder',
  type: 'object',
  required: [
    'orderId',
    'subject',
    'agency',
    'recipient',
    'legalBasis',
    'caseReference',
    'issued',
    'validUntil',
    'txId',
  ],
  properties: {
    orderId: { type: 'string' },
    subject: { type: 'string' },
    agency: { type: 'string' },
    recipient: { type: 'string' },
    legalBasis: { type: 'string' },
    caseReference: { type: 'string' },
    issued: { type: 'integer' },
    validUntil: { type: 'integer' },
    txId: { type: 'string' },
    fulfilment: {
      type: 'object',
      required: ['time', 'height', 'txId', 'responseHash'],
      properties: {
        time: { type: 'integer' },
        height: { type: 'integer' },
        txId: { type: 'string' },
        responseHash: { type: 'string' },
      },
    },
  },
} as const;

export const applicationStandingSchema = {
  $id: 'ApplicationStanding',
  type: 'object',
  required: ['application', 'accreditation', 'mayAuthenticate'],
  properties: {
    application: {
      type: 'object',
      required: ['did', 'name', 'redirectUris', 'status', 'accreditationRequired', 'version'],
      properties: {
        did: { type: 'string' },
        name: { type: 'string', description: 'what a wallet shows the person signing in' },
        redirectUris: { type: 'array', items: { type: 'string' } },
        status: { type: 'string', enum: ['active', 'suspended'] },
        accreditationRequired: { type: 'boolean' },
        bridge: {
          type: 'boolean',
          description: 'a login bridge: may ask wallets on behalf of other applications',
        },
        version: { type: 'integer', description: 'app.update and app.setStatus name it' },
        history: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              change: { type: 'string' },
              time: { type: 'integer' },
              height: { type: 'integer' },
              txId: { type: 'string' },
              reason: { type: 'string' },
            },
          },
        },
      },
    },
    accreditation: {
      type: 'object',
      properties: {
        required: { type: 'boolean' },
        held: { type: 'boolean' },
        reason: { type: 'string' },
      },
    },
    mayAuthenticate: { type: 'boolean' },
    refusal: {
      type: 'string',
      enum: ['applicationSuspended', 'applicationDidDeactivated', 'applicationNotAccredited'],
    },
  },
} as const;

export const allSchemas = [
  realNameBindingSchema,
  realNameRegistrationSchema,
  disclosureOrderSchema,
  errorSchema,
  transactionSchema,
  txStatusSchema,
  batchEntryStatusSchema,
  blockHeaderSchema,
  blockSchema,
  resolutionResultSchema,
  governanceConfigSchema,
  accreditationSchema,
  accreditationListSchema,
  accreditationCheckSchema,
  blocklistEntrySchema,
  templateRecordSchema,
  organizationSchema,
  applicationStandingSchema,
];
