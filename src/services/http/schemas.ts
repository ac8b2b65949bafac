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

export const allSchemas = [
  errorSchema,
  transactionSchema,
  txStatusSchema,
  blockHeaderSchema,
  blockSchema,
  resolutionResultSchema,
];
