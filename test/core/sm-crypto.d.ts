// Minimal typings for the reference implementation used only as a cross-check in tests.
declare module 'sm-crypto' {
  interface Sm2Options {
    hash?: boolean;
    der?: boolean;
    userId?: string;
    publicKey?: string;
  }
  const smCrypto: {
    sm2: {
      doSignature(msg: string | number[], privateKey: string, options?: Sm2Options): string;
      doVerifySignature(
        msg: string | number[],
        signHex: string,
        publicKey: string,
        options?: Sm2Options,
      ): boolean;
      getPublicKeyFromPrivateKey(privateKey: string): string;
    };
  };
  export default smCrypto;
}
