import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DdiError } from '../../src/core/errors.ts';
import { generateKeyPair } from '../../src/core/keys/index.ts';
import { Keystore, keystorePath, readPassphrase } from '../../src/clients/keystore/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'ddi-keystore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(fn: () => unknown): DdiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DdiError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

describe('Keystore', () => {
  it('round-trips keys and DIDs through the encrypted file', () => {
    const path = join(dir, 'round-trip', 'keystore.json');
    const store = Keystore.open(path, 'correct horse');
    expect(store.onDisk).toBe(false);
    const pairs = (['ed25519', 'p256', 'secp256k1', 'sm2'] as const).map((t) => generateKeyPair(t));
    pairs.forEach((pair, i) => store.addKey(`k${i}`, pair));
    store.putDid({
      did: 'did:ddi:abc',
      signingKeys: { 'key-1': 'k0' },
      recoveryKey: 'k1',
      controllers: ['did:ddi:org'],
      versionId: '1',
      created: '2026-01-01T00:00:00.000Z',
      updated: '2026-01-01T00:00:00.000Z',
    });
    store.save();

    const again = Keystore.open(path, 'correct horse');
    expect(again.keys().map((k) => [k.name, k.type])).toEqual([
      ['k0', 'ed25519'],
      ['k1', 'p256'],
      ['k2', 'secp256k1'],
      ['k3', 'sm2'],
    ]);
    pairs.forEach((pair, i) => expect(again.keyPair(`k${i}`)).toEqual(pair));
    expect(again.did('did:ddi:abc')?.recoveryKey).toBe('k1');
    expect(again.keyReferences('k0')).toEqual(['did:ddi:abc']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // No temp files left behind.
    expect(readdirSync(join(dir, 'round-trip'))).toEqual(['keystore.json']);
  });

  it('refuses a wrong passphrase with keystoreLocked', () => {
    const path = join(dir, 'locked.json');
    const store = Keystore.open(path, 'right');
    store.addKey('a', generateKeyPair('ed25519'));
    store.save();
    expect(errorOf(() => Keystore.open(path, 'wrong')).code).toBe('keystoreLocked');
  });

  it('never writes private key material in plaintext', () => {
    const path = join(dir, 'secret.json');
    const store = Keystore.open(path, 'pw');
    const secrets: string[] = [];
    for (const type of ['ed25519', 'p256', 'secp256k1', 'sm2'] as const) {
      const stored = store.addKey(type, generateKeyPair(type));
      secrets.push(stored.privateKeyJwk.d!, stored.publicKeyMultibase);
    }
    store.save();
    const bytes = readFileSync(path);
    for (const secret of secrets) {
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
      // Nor in another common encoding of the same bytes.
      const raw = Buffer.from(secret, 'base64url');
      expect(bytes.includes(Buffer.from(raw.toString('base64')))).toBe(false);
      expect(bytes.includes(Buffer.from(raw.toString('hex')))).toBe(false);
    }
    expect(Object.keys(JSON.parse(bytes.toString('utf8'))).sort()).toEqual([
      'cipher',
      'ciphertext',
      'kdf',
      'version',
    ]);
  });

  it('deletes a key and its references; refuses unknown and duplicate names', () => {
    const store = Keystore.open(join(dir, 'delete.json'), 'pw');
    store.addKey('sign', generateKeyPair('ed25519'));
    store.addKey('recover', generateKeyPair('ed25519'));
    store.putDid({
      did: 'did:ddi:x',
      signingKeys: { 'key-1': 'sign' },
      recoveryKey: 'recover',
      created: '',
      updated: '',
    });
    store.deleteKey('sign');
    expect(store.did('did:ddi:x')?.signingKeys).toEqual({});
    expect(store.did('did:ddi:x')?.recoveryKey).toBe('recover');
    expect(errorOf(() => store.deleteKey('sign')).code).toBe('notFound');
    expect(errorOf(() => store.addKey('recover', generateKeyPair('p256'))).code).toBe('conflict');
    expect(errorOf(() => store.addKey('bad name', generateKeyPair('p256'))).code).toBe('malformed');
    expect(store.uniqueKeyName('recover')).toBe('recover-2');
  });

  it('refuses to overwrite changes another process made meanwhile', () => {
    const path = join(dir, 'race.json');
    Keystore.open(path, 'pw').save();
    const first = Keystore.open(path, 'pw');
    const second = Keystore.open(path, 'pw');
    first.addKey('a', generateKeyPair('ed25519'));
    first.save();
    second.addKey('b', generateKeyPair('ed25519'));
    expect(errorOf(() => second.save()).code).toBe('conflict');
    expect(
      Keystore.open(path, 'pw')
        .keys()
        .map((k) => k.name),
    ).toEqual(['a']);
  });

  it('says clearly when a file is not a keystore', () => {
    const path = join(dir, 'junk.json');
    writeFileSync(path, 'not json');
    expect(errorOf(() => Keystore.open(path, 'pw')).code).toBe('malformed');
  });
});

describe('keystore path and passphrase', () => {
  it('takes the option, then DDI_KEYSTORE, then ~/.ddi/keystore.json', () => {
    expect(keystorePath('/a/b.json', { DDI_KEYSTORE: '/c.json' })).toBe('/a/b.json');
    expect(keystorePath(undefined, { DDI_KEYSTORE: '/c.json' })).toBe('/c.json');
    expect(keystorePath(undefined, {})).toMatch(/\.ddi\/keystore\.json$/);
  });

  it('reads DDI_PASSPHRASE, and fails clearly without a terminal', async () => {
    expect(await readPassphrase({ env: { DDI_PASSPHRASE: 'pw' } })).toBe('pw');
    const notATty = { isTTY: false } as unknown as NodeJS.ReadStream;
    await expect(readPassphrase({ env: {}, input: notATty })).rejects.toMatchObject({
      code: 'keystoreLocked',
    });
  });
});
