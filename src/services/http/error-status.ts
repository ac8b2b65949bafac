import { DdiError, ErrorCode } from '../../core/errors.ts';

/** The one place error codes become HTTP statuses. */
const STATUS: Record<ErrorCode, number> = {
  malformed: 400,
  invalidDid: 400,
  methodNotSupported: 501,
  notFound: 404,
  badSignature: 401,
  unknownKey: 401,
  staleVersion: 409,
  replay: 409,
  unauthorized: 403,
  forbidden: 403,
  conflict: 409,
  deactivated: 410,
  wrongChain: 400,
  unsupportedKeyType: 400,
  tooLarge: 413,
  keystoreLocked: 401,
  corrupt: 500,
  unavailable: 503,
  timeout: 504,
  // Raised by light clients about a node's answer, never by a node itself.
  invalidProof: 502,
  staleProof: 502,
  // Well-formed and signed, but not acceptable (expired, wrong nonce, unreferenced disclosure).
  invalidCredential: 422,
  challengeFailed: 401,
  internal: 500,
};

/** HTTP status for an error code. */
export function httpStatusFor(code: ErrorCode): number {
  return STATUS[code] ?? 500;
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  validation?: unknown;
  message: string;
}

/** Turns anything thrown in a route into a DdiError (fastify's own errors included). */
export function toDdiError(err: unknown): DdiError {
  if (err instanceof DdiError) return err;
  const e = err as FastifyLikeError;
  if (e?.validation) return new DdiError(ErrorCode.Malformed, e.message);
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new DdiError(ErrorCode.TooLarge, 'request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new DdiError(ErrorCode.Malformed, e.message);
  }
  if (e?.statusCode && e.statusCode >= 400 && e.statusCode < 500)
    return new DdiError(ErrorCode.Malformed, e.message);
  return new DdiError(ErrorCode.Internal, 'internal error');
}
