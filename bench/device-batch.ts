import { generateKeyPair } from '../src/core/keys/index.ts';
import { createClient, didSigner, httpTransport } from '../src/clients/sdk/index.ts';
import { startNodeProcess, stopGracefully } from '../test/helpers/node-process.ts';

/**
 * Device registration: `count` device DIDs prepared (keys, signed creates) before timing
 * starts, then committed through POST /v1/transactions/batch (2,000 creates per request,
 * then the organization's device.register transactions), as `ddi device register` does.
 */
export async function benchDeviceBatch(
  dataDir: string,
  count: number,
): Promise<{ perSecond: number; seconds: number; registered: number }> {
  const node = await startNodeProcess(dataDir);
  try {
    const client = createClient(httpTransport(node.url));
    const orgKey = generateKeyPair('ed25519');
    const org = await client.createDid({
      signingKey: orgKey,
      recoveryKey: generateKeyPair('ed25519'),
    });
    const devices = await client.prepareDevices({ controller: org.did, count });
    const start = performance.now();
    const result = await client.registerDevices({
      signer: didSigner(org.did, 'key-1', orgKey),
      devices,
    });
    const seconds = (performance.now() - start) / 1000;
    return {
      perSecond: result.registered.length / seconds,
      seconds,
      registered: result.registered.length,
    };
  } finally {
    await stopGracefully(node.child);
  }
}
