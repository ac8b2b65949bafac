import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Opaque EVP_PKEY handles made by the addon (napi externals, freed by the GC). */
export type Sm2PublicHandle = { readonly __brand: 'Sm2PublicHandle' };
export type Sm2PrivateHandle = { readonly __brand: 'Sm2PrivateHandle' };

/** The functions native/sm2/sm2.c exports. All throw on malformed input. */
export interface Sm2Addon {
  createPublicKey(publicKey: Uint8Array): Sm2PublicHandle;
  createPrivateKey(privateKey: Uint8Array): Sm2PrivateHandle;
  verify(
    key: Sm2PublicHandle | Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
    userId: Uint8Array,
  ): boolean;
  sign(key: Sm2PrivateHandle | Uint8Array, message: Uint8Array, userId: Uint8Array): Uint8Array;
  publicKeyFromPrivate(privateKey: Uint8Array): Uint8Array;
}

const ADDON_URL = new URL('../../../../native/sm2/build/Release/ddi_sm2.node', import.meta.url);

/**
 * Loads the addon built by native/build.mjs, or returns why it could not (not built, built for
 * another Node ABI, or disabled with DDI_SM2_BACKEND=javascript).
 */
export function loadSm2Addon(): { addon: Sm2Addon } | { addon: undefined; reason: string } {
  if (process.env.DDI_SM2_BACKEND === 'javascript') {
    return { addon: undefined, reason: 'DDI_SM2_BACKEND=javascript' };
  }
  try {
    const require = createRequire(import.meta.url);
    return { addon: require(fileURLToPath(ADDON_URL)) as Sm2Addon };
  } catch (error) {
    return { addon: undefined, reason: error instanceof Error ? error.message : String(error) };
  }
}
