import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ledger } from '../../../ledger/ledger.ts';
import {
  statusEntry,
  statusListHeight,
  statusListView,
} from '../../registry-queries/status-list-query.ts';

// Loose on purpose: the query functions check owner, listId and index and answer `malformed`
// naming the field, exactly as the in-process transport does.
const listParams = {
  owner: { type: 'string', minLength: 1, maxLength: 512 },
  listId: { type: 'string', minLength: 1, maxLength: 100 },
} as const;

const statusListSchema = {
  type: 'object',
  required: ['owner', 'listId', 'size', 'bits', 'purpose', 'version', 'updatedHeight', 'lst'],
  properties: {
    owner: { type: 'string' },
    listId: { type: 'string' },
    size: { type: 'integer' },
    bits: { type: 'integer', enum: [1, 2] },
    purpose: { type: 'string', enum: ['revocation', 'suspension', 'revocation+suspension'] },
    version: { type: 'integer' },
    updatedHeight: { type: 'integer' },
    lst: {
      type: 'string',
      description: 'Token Status List lst: the packed statuses, DEFLATE (zlib), base64url',
    },
  },
} as const;

/** `{index, status, value}`; shared with the proof route. */
export const statusEntrySchema = {
  type: 'object',
  required: ['index', 'status', 'value'],
  properties: {
    index: { type: 'integer' },
    status: { type: 'string', enum: ['valid', 'revoked', 'suspended'] },
    value: { type: 'integer', description: 'the Token Status List value: 0, 1 or 2' },
  },
} as const;

interface ListParams {
  owner: string;
  listId: string;
}

/**
 * Sets the list's ETag (the height that last changed it) and answers 304 when the client
 * holds that version: verifiers poll lists, and most polls find nothing new.
 */
function answeredNotModified(
  request: FastifyRequest,
  reply: FastifyReply,
  updatedHeight: number,
): boolean {
  const etag = `"${updatedHeight}"`;
  reply.header('etag', etag).header('cache-control', 'no-cache');
  const held = request.headers['if-none-match'];
  if (held === undefined) return false;
  const matches = held
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
  if (matches) reply.code(304).send();
  return matches;
}

/** Credential status lists as the ledger holds them (unsigned; issuers sign their own tokens). */
export function statusListRoutes(app: FastifyInstance, ledger: Ledger): void {
  app.get<{ Params: ListParams }>(
    '/v1/status-lists/:owner/:listId',
    {
      schema: {
        summary:
          "An issuer's status list as an (unsigned) IETF Token Status List; ETag is the height that last changed it",
        tags: ['status'],
        params: { type: 'object', required: ['owner', 'listId'], properties: listParams },
        response: {
          200: statusListSchema,
          304: { type: 'null', description: 'the list is unchanged since the If-None-Match ETag' },
          '4xx': { $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const { owner, listId } = request.params;
      // The ETag is checked before the list is compressed: that is the expensive part.
      if (answeredNotModified(request, reply, statusListHeight(ledger, owner, listId)))
        return reply;
      return statusListView(ledger, owner, listId);
    },
  );

  app.get<{ Params: ListParams & { index: string } }>(
    '/v1/status-lists/:owner/:listId/entries/:index',
    {
      schema: {
        summary: "One entry's status: valid, revoked or suspended",
        tags: ['status'],
        params: {
          type: 'object',
          required: ['owner', 'listId', 'index'],
          properties: { ...listParams, index: { type: 'string', minLength: 1, maxLength: 20 } },
        },
        response: {
          200: statusEntrySchema,
          304: { type: 'null', description: 'the list is unchanged since the If-None-Match ETag' },
          '4xx': { $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const { owner, listId, index } = request.params;
      const entry = statusEntry(ledger.state, owner, listId, index);
      if (answeredNotModified(request, reply, statusListHeight(ledger, owner, listId)))
        return reply;
      return entry;
    },
  );
}
