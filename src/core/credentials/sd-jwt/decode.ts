import { decodeCompactJwsUnverified } from '../jws/index.ts';
import type { JsonObject, JwsHeader } from '../jws/index.ts';
import { splitSdJwt } from './lib/compact.ts';
import { nodeHashName } from './lib/digest.ts';
import { pendingDisclosures } from './lib/pending.ts';
import { processDisclosures } from './lib/process.ts';
import type { Disclosure } from './types.ts';

/** An SD-JWT read WITHOUT checking its signature: what a holder's wallet shows and selects from. */
export interface DecodedSdJwt {
  header: JwsHeader;
  /** The issuer-signed claims as signed (with `_sd` digests). */
  signedPayload: JsonObject;
  /** The claims with every included disclosure put back. */
  claims: JsonObject;
  disclosures: Disclosure[];
  jws: string;
  keyBindingJwt?: string;
}

/** Decodes an SD-JWT and its disclosures without verifying anything but their structure. */
export function decodeSdJwt(sdJwt: string): DecodedSdJwt {
  const parts = splitSdJwt(sdJwt);
  const { header, payload } = decodeCompactJwsUnverified(parts.jws);
  const signedPayload = structuredClone(payload);
  const hashName = nodeHashName(payload._sd_alg ?? 'sha-256');
  const { claims, disclosures } = processDisclosures(
    payload,
    pendingDisclosures(parts.disclosures, hashName),
  );
  return {
    header,
    signedPayload,
    claims,
    disclosures,
    jws: parts.jws,
    ...(parts.keyBindingJwt ? { keyBindingJwt: parts.keyBindingJwt } : {}),
  };
}
