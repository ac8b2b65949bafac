import { base64urlDecode } from '../../encoding/base64url.ts';
import { DdiError, ErrorCode } from '../../errors.ts';
import { getKeyType, getKeyTypeByJwsAlgorithm, verify } from '../../keys/index.ts';
import {
  DEFAULT_MAX_JWS_LENGTH,
  decodeJsonObjectPart,
  parseProtectedHeader,
  splitCompactJws,
} from './lib/parse.ts';
import type {
  JsonObject,
  JwsHeader,
  JwsKeyResolver,
  JwsVerificationKey,
  VerifiedJws,
  VerifyJwsOptions,
} from './types.ts';

async function checkSignature(
  header: JwsHeader,
  signingInput: string,
  encodedSignature: string,
  resolve: () => JwsVerificationKey | Promise<JwsVerificationKey>,
): Promise<void> {
  // Unknown algs fail here, before any key lookup result is trusted.
  const algType = getKeyTypeByJwsAlgorithm(header.alg);
  const signature = base64urlDecode(encodedSignature);
  const { type, publicKey } = await resolve();
  if (getKeyType(type).name !== algType.name) {
    // A key is used only with its own algorithm (no alg confusion between key types).
    throw new DdiError(ErrorCode.BadSignature, `alg ${header.alg} does not match the ${type} key`, {
      reason: 'algorithmMismatch',
      alg: header.alg,
      keyType: type,
    });
  }
  if (!verify(type, publicKey, Buffer.from(signingInput, 'latin1'), signature)) {
    throw new DdiError(ErrorCode.BadSignature, 'JWS signature does not verify', {
      reason: 'signature',
      alg: header.alg,
    });
  }
}

/**
 * Verifies a compact JWS whose payload is a JSON object. The resolver sees the header and the
 * still unverified claims (to pick the key by `iss` and `kid`); nothing is returned unless the
 * signature verifies under the resolved key with the header's `alg`.
 */
export async function verifyCompactJws(
  jws: string,
  resolveKey: JwsKeyResolver<JsonObject>,
  options: VerifyJwsOptions = {},
): Promise<VerifiedJws<JsonObject>> {
  const [h, p, s] = splitCompactJws(jws, options.maxLength ?? DEFAULT_MAX_JWS_LENGTH);
  const header = parseProtectedHeader(h, options.crit ?? []);
  const payload = decodeJsonObjectPart(p, 'JWS payload');
  const signingInput = `${h}.${p}`;
  await checkSignature(header, signingInput, s, () => resolveKey(header, payload));
  return { header, payload, signingInput };
}

/** Verifies a compact JWS over an arbitrary byte payload (RFC 8037's text example, say). */
export async function verifyCompactJwsBytes(
  jws: string,
  resolveKey: JwsKeyResolver<Uint8Array>,
  options: VerifyJwsOptions = {},
): Promise<VerifiedJws<Uint8Array>> {
  const [h, p, s] = splitCompactJws(jws, options.maxLength ?? DEFAULT_MAX_JWS_LENGTH);
  const header = parseProtectedHeader(h, options.crit ?? []);
  const payload = base64urlDecode(p);
  const signingInput = `${h}.${p}`;
  await checkSignature(header, signingInput, s, () => resolveKey(header, payload));
  return { header, payload, signingInput };
}

/** Decodes a compact JWS WITHOUT verifying it (a holder reading its own credential). */
export function decodeCompactJwsUnverified(
  jws: string,
  options: VerifyJwsOptions = {},
): { header: JwsHeader; payload: JsonObject; signingInput: string } {
  const [h, p, s] = splitCompactJws(jws, options.maxLength ?? DEFAULT_MAX_JWS_LENGTH);
  const header = parseProtectedHeader(h, options.crit ?? []);
  base64urlDecode(s);
  return { header, payload: decodeJsonObjectPart(p, 'JWS payload'), signingInput: `${h}.${p}` };
}
