import { base64urlEncode } from '../../encoding/base64url.ts';
import { DdiError, ErrorCode } from '../../errors.ts';
import { getKeyType, sign } from '../../keys/index.ts';
import type { JsonObject, JwsSigner } from './types.ts';

const utf8 = new TextEncoder();

/** The JWS header parameters a caller may set; `alg` comes from the signer's key type. */
export type JwsHeaderInput = { alg?: string; [parameter: string]: unknown };

/** Signs `payload` (bytes, or an object serialized as JSON) as a compact JWS; `alg` follows the key type. */
export function signCompactJws(
  header: JwsHeaderInput,
  payload: Uint8Array | JsonObject,
  signer: JwsSigner,
): string {
  const alg = getKeyType(signer.type).jwsAlgorithm;
  if (header.alg !== undefined && header.alg !== alg) {
    throw new DdiError(
      ErrorCode.UnsupportedKeyType,
      `a ${signer.type} key signs ${alg}, not ${String(header.alg)}`,
      {
        reason: 'algorithmMismatch',
        alg: header.alg,
        keyType: signer.type,
      },
    );
  }
  // alg first, as every JOSE library writes it; later keys cannot override it.
  const encodedHeader = base64urlEncode(utf8.encode(JSON.stringify({ ...header, alg })));
  const payloadBytes =
    payload instanceof Uint8Array ? payload : utf8.encode(JSON.stringify(payload));
  const signingInput = `${encodedHeader}.${base64urlEncode(payloadBytes)}`;
  const signature = sign(signer.type, signer.privateKey, Buffer.from(signingInput, 'latin1'));
  return `${signingInput}.${base64urlEncode(signature)}`;
}
