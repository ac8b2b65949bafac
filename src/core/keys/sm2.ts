import { randomBytes } from 'node:crypto';
import { weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { sm2 as smCrypto } from 'sm-crypto-v2';
import { base64urlEncode } from '../encoding/base64url.ts';
import { hexDecode, hexEncode } from '../encoding/hex.ts';
import { DdiError, ErrorCode } from '../errors.ts';
import { sm3 } from '../hash/index.ts';
import type { Jwk, KeyType } from './key-type.ts';
import { checkJwkHeader, ecJwkFromPoint, ecPointFromJwk, jwkBytes } from './lib/ec-jwk.ts';
import { checkScalar, compressEcPoint, decompressEcPoint } from './lib/ec-points.ts';
import { bytesKey, LruCache } from '../cache/lru-cache.ts';
import { PrivateKeyCache } from './lib/private-key-cache.ts';
import { loadSm2Addon } from './lib/sm2-native.ts';
import type { Sm2PrivateHandle, Sm2PublicHandle } from './lib/sm2-native.ts';

/*
 * SM2 digital signatures (GM/T 0003.2-2012, GB/T 32918.2-2016) with SM3 and the Z_A user
 * digest, on the recommended curve sm2p256v1.
 *
 * Trap: Node's crypto.sign('sm3', ...) with an EC key on the SM2 curve is plain ECDSA, not SM2.
 * Only the known-answer vectors and cross-checks with sm-crypto tell the two apart.
 *
 * Backends, measured on this machine (one core, 64-byte messages, bench/primitives.ts):
 *   native      (native/sm2, OpenSSL 3 EVP): verify ~4,800/s with a cached EVP_PKEY handle
 *               vs ~4,100/s re-parsing the key per call (parsing is ~14% of a verify, so
 *               handles are cached); sign ~4,200/s with a cached key pair vs ~2,000/s
 *               uncached (deriving d*G for Z_A is ~45% of it).
 *   javascript  (sm-crypto-v2): verify ~370/s for a key seen for the first time, ~1,800/s
 *               once the key has a precomputed window table (~4 ms to build); sign ~3,900/s.
 * The JS backend exists for machines without a compiler and for the browser.
 */

const CURVE: { p: bigint; a: bigint; b: bigint; n: bigint; h: bigint; Gx: bigint; Gy: bigint } = {
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  h: 1n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
};

/** noble point arithmetic on sm2p256v1: parsing, validation and (de)compression only. */
const Sm2Point = weierstrass(CURVE);

/** GM/T 0009-2012 section 10 default signer identity. */
export const SM2_DEFAULT_USER_ID = '1234567812345678';

export type Sm2BackendName = 'native' | 'javascript';

interface Sm2Backend {
  readonly name: Sm2BackendName;
  publicFromPrivate(privateKey: Uint8Array): Uint8Array;
  sign(privateKey: Uint8Array, message: Uint8Array, userId: Uint8Array): Uint8Array;
  /** Inputs already checked: 33/65-byte point prefix, 64-byte signature, r and s in [1, n-1]. */
  verify(publicKey: Uint8Array, message: Uint8Array, sig: Uint8Array, userId: Uint8Array): boolean;
}

const utf8 = new TextEncoder();
const DEFAULT_ID_BYTES = utf8.encode(SM2_DEFAULT_USER_ID);
const bytes32 = (x: bigint): Uint8Array => hexDecode(x.toString(16).padStart(64, '0'));
const CURVE_PREAMBLE = Buffer.concat([CURVE.a, CURVE.b, CURVE.Gx, CURVE.Gy].map(bytes32));

function malformed(message: string): DdiError {
  return new DdiError(ErrorCode.Malformed, `sm2: ${message}`, { keyType: 'sm2' });
}

const MAX_USER_ID_BYTES = 8190;

function userIdBytes(userId: Uint8Array | string): Uint8Array {
  const bytes = typeof userId === 'string' ? utf8.encode(userId) : userId;
  // ENTL_A is the identity's length in bits, in two bytes, so 8191 bytes would fit; OpenSSL
  // refuses 8191 itself, and both backends must accept the same ids.
  if (!(bytes instanceof Uint8Array) || bytes.length > MAX_USER_ID_BYTES) {
    throw malformed(`user id must be at most ${MAX_USER_ID_BYTES} bytes`);
  }
  return bytes;
}

function userDigestOfPoint(uncompressed: Uint8Array, id: Uint8Array): Uint8Array {
  const bits = id.length * 8;
  return sm3(
    Buffer.concat([
      Uint8Array.of(bits >> 8, bits & 0xff),
      id,
      CURVE_PREAMBLE,
      uncompressed.subarray(1),
    ]),
  );
}

/** Z_A = SM3(ENTL_A || ID_A || a || b || Gx || Gy || xA || yA), the signer's identity digest. */
export function sm2UserDigest(publicKey: Uint8Array, userId: Uint8Array | string): Uint8Array {
  return userDigestOfPoint(decompressEcPoint(Sm2Point, 'sm2', publicKey), userIdBytes(userId));
}

type Sm2JsPoint = ReturnType<typeof smCrypto.precomputePublicKey>;

const javascriptBackend: Sm2Backend = (() => {
  interface KnownKey {
    uncompressed: Uint8Array;
    hex: string;
    /** Window table, built when the key is seen a second time. */
    table?: Sm2JsPoint;
  }
  // Precomputing a window table for a public key makes later verifications ~5x faster but
  // costs ~4 ms, so it is built for keys seen a second time (many keys are seen once).
  // Tables take tens of kB each, hence the small bound.
  const publicKeys = new LruCache<string, KnownKey>(64);
  // Signing needs the public key for Z_A; deriving it is a scalar multiplication.
  const signers = new PrivateKeyCache<{ hex: string; uncompressed: Uint8Array }>();

  const uncompressedFromPrivate = (privateKey: Uint8Array): Uint8Array =>
    hexDecode(smCrypto.getPublicKeyFromPrivateKey(hexEncode(privateKey)));

  return {
    name: 'javascript',
    publicFromPrivate: (privateKey) =>
      compressEcPoint(Sm2Point, 'sm2', uncompressedFromPrivate(privateKey)),
    sign(privateKey, message, userId) {
      const signer = signers.get(privateKey, (d) => ({
        hex: hexEncode(d),
        uncompressed: uncompressedFromPrivate(d),
      }));
      // e = SM3(Z_A || M); sm-crypto-v2 signs e as given when hash is false.
      const e = sm3(Buffer.concat([userDigestOfPoint(signer.uncompressed, userId), message]));
      return hexDecode(smCrypto.doSignature(e, signer.hex, { hash: false }));
    },
    verify(publicKey, message, signature, userId) {
      const cacheKey = bytesKey(publicKey);
      let known = publicKeys.get(cacheKey);
      if (known === undefined) {
        const uncompressed = decompressEcPoint(Sm2Point, 'sm2', publicKey);
        known = { uncompressed, hex: hexEncode(uncompressed) };
        publicKeys.set(cacheKey, known);
      } else if (known.table === undefined) {
        known.table = smCrypto.precomputePublicKey(known.hex, 4);
      }
      const e = sm3(Buffer.concat([userDigestOfPoint(known.uncompressed, userId), message]));
      return smCrypto.doVerifySignature(e, hexEncode(signature), known.table ?? known.hex, {
        hash: false,
      });
    },
  };
})();

const native = loadSm2Addon();

const nativeBackend: Sm2Backend | undefined = (() => {
  const addon = native.addon;
  if (!addon) return undefined;
  const publicKeys = new LruCache<string, Sm2PublicHandle>(1024);
  const privateKeys = new PrivateKeyCache<Sm2PrivateHandle>();
  return {
    name: 'native',
    publicFromPrivate: (privateKey) => addon.publicKeyFromPrivate(privateKey),
    sign: (privateKey, message, userId) =>
      addon.sign(
        privateKeys.get(privateKey, (d) => addon.createPrivateKey(d)),
        message,
        userId,
      ),
    verify(publicKey, message, signature, userId) {
      const cacheKey = bytesKey(publicKey);
      let handle = publicKeys.get(cacheKey);
      if (handle === undefined) {
        handle = addon.createPublicKey(publicKey);
        publicKeys.set(cacheKey, handle);
      }
      return addon.verify(handle, message, signature, userId);
    },
  };
})();

const backends: Partial<Record<Sm2BackendName, Sm2Backend>> = {
  javascript: javascriptBackend,
  ...(nativeBackend ? { native: nativeBackend } : {}),
};
const activeBackend: Sm2Backend = nativeBackend ?? javascriptBackend;

/** Which SM2 implementation `sm2` uses: the OpenSSL addon when it loads, else pure JS. */
export function sm2Backend(): Sm2BackendName {
  return activeBackend.name;
}

/** Backends available in this process (tests run the same vectors through each). */
export function sm2Backends(): Sm2BackendName[] {
  return (Object.keys(backends) as Sm2BackendName[]).sort();
}

/** Why the native backend is not in use, or undefined when it is. */
export function sm2NativeUnavailableReason(): string | undefined {
  return native.addon ? undefined : native.reason;
}

function backendNamed(name: Sm2BackendName | undefined): Sm2Backend {
  if (name === undefined) return activeBackend;
  const backend = backends[name];
  if (!backend) {
    throw new DdiError(ErrorCode.UnsupportedKeyType, `sm2: the ${name} backend is not available`);
  }
  return backend;
}

// d = n - 1 is excluded: signing divides by (1 + d) mod n.
const checkPrivateKey = (privateKey: Uint8Array) => checkScalar('sm2', privateKey, CURVE.n - 2n);

/** SM2 signature (raw r || s) with an explicit signer identity; `sm2.sign` uses the default. */
export function sm2SignWithUserId(
  privateKey: Uint8Array,
  message: Uint8Array,
  userId: Uint8Array | string,
  backend?: Sm2BackendName,
): Uint8Array {
  checkPrivateKey(privateKey);
  return backendNamed(backend).sign(privateKey, message, userIdBytes(userId));
}

/** Verifies an SM2 signature under an explicit signer identity; false for any bad input. */
export function sm2VerifyWithUserId(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  userId: Uint8Array | string,
  backend?: Sm2BackendName,
): boolean {
  const impl = backendNamed(backend);
  try {
    if (signature.length !== 64) return false;
    const ok =
      (publicKey.length === 33 && (publicKey[0] === 2 || publicKey[0] === 3)) ||
      (publicKey.length === 65 && publicKey[0] === 4);
    if (!ok) return false;
    // sm-crypto-v2 does not range-check r and s (s + n would verify); OpenSSL does. Check here
    // so both backends agree.
    const r = BigInt(`0x${hexEncode(signature.subarray(0, 32))}`);
    const s = BigInt(`0x${hexEncode(signature.subarray(32))}`);
    if (r < 1n || r >= CURVE.n || s < 1n || s >= CURVE.n) return false;
    return impl.verify(publicKey, message, signature, userIdBytes(userId));
  } catch {
    return false;
  }
}

/** An SM2 KeyType bound to one backend (tests use it to run both). */
export function sm2WithBackend(backend: Sm2BackendName): KeyType {
  const impl = backendNamed(backend);

  const publicFromPrivate = (privateKey: Uint8Array): Uint8Array => {
    checkPrivateKey(privateKey);
    return impl.publicFromPrivate(privateKey);
  };

  return {
    name: 'sm2',
    // No IANA-registered JOSE alg exists for SM2. "GmSM2" is the name the Go national-algorithm
    // JWT libraries use (deatil/go-jwt-gm on go-cryptobin) with the same signature: r‖s over
    // SM3(Z‖message), default user id — so tokens interoperate with them.
    jwsAlgorithm: 'GmSM2',
    jwkCurve: 'SM2',
    multicodecPublic: 0x1206,
    multicodecPrivate: 0x1310,

    generate() {
      for (;;) {
        const d = new Uint8Array(randomBytes(32));
        const n = BigInt(`0x${hexEncode(d)}`);
        if (n >= 1n && n <= CURVE.n - 2n) {
          return { type: 'sm2', privateKey: d, publicKey: impl.publicFromPrivate(d) };
        }
      }
    },

    publicFromPrivate,
    normalizePublicKey: (publicKey) => compressEcPoint(Sm2Point, 'sm2', publicKey),

    sign: (privateKey, message) => {
      checkPrivateKey(privateKey);
      return impl.sign(privateKey, message, DEFAULT_ID_BYTES);
    },
    verify: (publicKey, message, signature) =>
      sm2VerifyWithUserId(publicKey, message, signature, DEFAULT_ID_BYTES, impl.name),

    // JWK: there is no registered curve name for SM2. We write kty "EC" with crv "SM2", the
    // form OpenSSL-based stacks and Chinese DID platforms commonly use, so the key shape is
    // that of any other EC JWK (RFC 7518 section 6.2) and only crv tells it apart.
    publicToJwk: (publicKey) =>
      ecJwkFromPoint('SM2', decompressEcPoint(Sm2Point, 'sm2', publicKey)),
    privateToJwk: (privateKey) => ({
      ...ecJwkFromPoint('SM2', decompressEcPoint(Sm2Point, 'sm2', publicFromPrivate(privateKey))),
      d: base64urlEncode(privateKey),
    }),
    publicFromJwk: (jwk: Jwk) =>
      compressEcPoint(Sm2Point, 'sm2', ecPointFromJwk('sm2', jwk, 'SM2')),
    privateFromJwk(jwk: Jwk) {
      checkJwkHeader('sm2', jwk, 'EC', 'SM2');
      const d = jwkBytes('sm2', jwk, 'd', 32);
      checkPrivateKey(d);
      if (jwk.x !== undefined || jwk.y !== undefined) {
        const claimed = compressEcPoint(Sm2Point, 'sm2', ecPointFromJwk('sm2', jwk, 'SM2'));
        if (bytesKey(claimed) !== bytesKey(impl.publicFromPrivate(d))) {
          throw malformed('JWK x/y do not match d');
        }
      }
      return d;
    },
  };
}

/** SM2 with SM3 and the default user id, on the fastest available backend. */
export const sm2: KeyType = sm2WithBackend(activeBackend.name);
