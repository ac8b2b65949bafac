import { DATA_CATEGORY_NAMES } from '../../core/consent/data-categories.ts';

/** JSON Schemas of the data authorization routes (registered by `consentRoutes`). */

const categoryEnum = { type: 'string', enum: [...DATA_CATEGORY_NAMES] } as const;

export const consentGrantSchema = {
  $id: 'ConsentGrant',
  type: 'object',
  required: [
    'grantId',
    'grantor',
    'grantee',
    'scopes',
    'sensitive',
    'purpose',
    'validFrom',
    'expires',
    'status',
    'created',
    'height',
    'txId',
  ],
  properties: {
    grantId: { type: 'string' },
    grantor: { type: 'string', description: 'the holder who granted (and signed)' },
    grantee: { type: 'string', description: 'the application (data user) granted access' },
    scopes: {
      type: 'array',
      items: categoryEnum,
      description: 'data categories; a sensitive one (PIPL art. 28) is always alone',
    },
    sensitive: { type: 'boolean' },
    purpose: { type: 'string' },
    validFrom: { type: 'integer', description: 'milliseconds since the epoch' },
    expires: { type: 'integer', description: 'milliseconds since the epoch (exclusive)' },
    status: { type: 'string', enum: ['active', 'revoked', 'renounced'] },
    created: { type: 'integer' },
    height: { type: 'integer' },
    txId: { type: 'string' },
    ended: {
      type: 'object',
      required: ['status', 'by', 'time', 'height', 'txId'],
      properties: {
        status: { type: 'string', enum: ['revoked', 'renounced'] },
        by: { type: 'string' },
        time: { type: 'integer' },
        height: { type: 'integer' },
        txId: { type: 'string' },
        reason: { type: 'string' },
      },
    },
  },
} as const;

export const consentPageSchema = {
  $id: 'ConsentPage',
  type: 'object',
  required: ['grants'],
  properties: {
    grants: { type: 'array', items: { $ref: 'ConsentGrant#' } },
    nextCursor: { type: 'integer', description: 'pass as cursor for the next (older) page' },
  },
} as const;

export const consentDecisionSchema = {
  $id: 'ConsentDecision',
  type: 'object',
  required: ['allowed', 'at'],
  properties: {
    allowed: { type: 'boolean' },
    reason: {
      type: 'string',
      description:
        'why not: noGrant, grantorMismatch, granteeMismatch, scopeMismatch, purposeMismatch, revoked, renounced, notYetValid, expired, grantorDeactivated, granteeDeactivated',
    },
    grant: { $ref: 'ConsentGrant#' },
    at: { type: 'string', description: 'the time asked about (ISO 8601)' },
  },
} as const;

export const auditAnchorSchema = {
  $id: 'AuditAnchor',
  type: 'object',
  required: ['holder', 'logId', 'sequence', 'head', 'time', 'height', 'txId'],
  properties: {
    holder: { type: 'string', description: 'the data holder DID that signed the anchor' },
    logId: { type: 'string' },
    sequence: { type: 'integer', description: 'the log entry whose hash head is' },
    head: { type: 'string', description: 'SHA-256 (hex) of that entry, chained to all before' },
    time: { type: 'integer' },
    height: { type: 'integer' },
    txId: { type: 'string' },
  },
} as const;

export const consentSchemas = [
  consentGrantSchema,
  consentPageSchema,
  consentDecisionSchema,
  auditAnchorSchema,
];
