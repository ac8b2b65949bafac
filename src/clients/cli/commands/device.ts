import { dirname, join, resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { hasRelationship } from '../../../core/did/index.ts';
import type { DeviceChallenge } from '../../../core/device-auth/challenge-response.ts';
import { CREDENTIALS_V2_CONTEXT, issueVcJwt } from '../../../core/credentials/vc-jwt/index.ts';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import {
  generateKeyPair,
  privateKeyToJwk,
  publicKeyToMultibase,
} from '../../../core/keys/index.ts';
import type { KeyTypeName } from '../../../core/keys/index.ts';
import { DeviceFile, keyPairOf, storedDevice } from '../../keystore/device-file.ts';
import { readPassphrase } from '../../keystore/passphrase.ts';
import { Keystore } from '../../keystore/keystore.ts';
import { answerDeviceChallenge, didSigner, nextKeyFragment } from '../../sdk/index.ts';
import { keyTypeOption, withContext } from '../command-kit.ts';
import type { CliContext } from '../context.ts';
import { currentDid, findSigner, ownDidSigner } from '../did-keys.ts';
import { UsageError } from '../usage-error.ts';
import { didArgument } from './gov.ts';

/** Most devices one `ddi device register` makes. */
const MAX_DEVICES_PER_COMMAND = 100_000;

/** `ddi device …`: an organization's device DIDs, their credentials, and device authentication. */
export function deviceCommand(): Command {
  const device = new Command('device').description(
    'devices of an organization: register in bulk, list, credential, rotate, decommission, authenticate',
  );

  device
    .command('register')
    .description(
      'create device DIDs controlled by an organization and register them as its devices (keys go to a sealed device file)',
    )
    .requiredOption('--controller <did>', "the organization's DID (its key is in the keystore)")
    .option('--count <n>', 'how many devices', '1')
    .addOption(keyTypeOption('--type <type>', 'device key type').default('ed25519'))
    .option(
      '--out <file>',
      'device file to write the device keys to (default: devices.json next to the keystore)',
    )
    .action(
      withContext(
        async (
          ctx,
          options: { controller: string; count: string; type: KeyTypeName; out?: string },
        ) => {
          const controller = didArgument(options.controller);
          const count = countOption(options.count);
          const keystore = await ctx.keystore(false);
          const client = ctx.client();
          // The organization registers in its own name: its own key, not a controller's.
          const signer = await ownDidSigner(client, keystore, controller);
          const file = await openDeviceFile(ctx, options.out, true);
          const started = performance.now();
          const prepared = await client.prepareDevices({
            controller,
            count,
            keyType: options.type,
          });
          // Keys first: a device the ledger knows must never lack its key on disk.
          for (const d of prepared) {
            file.put(storedDevice(d.did, controller, d.keyId, d.signingKey, d.recoveryKey));
          }
          file.save();
          ctx.note(`generated ${count} device keys into ${file.path}`);
          const result = await client.registerDevices({
            signer,
            devices: prepared,
            onProgress: (phase, done, total) =>
              ctx.note(`${phase === 'created' ? 'created' : 'registered'} ${done}/${total}`),
          });
          const now = new Date().toISOString();
          const failed = new Set(result.failed.map((f) => f.did));
          for (const d of prepared) {
            const entry = file.require(d.did);
            file.put({
              ...entry,
              status: failed.has(d.did) ? 'failed' : 'registered',
              updated: now,
            });
          }
          file.save();
          const seconds = (performance.now() - started) / 1000;
          ctx.print(
            {
              controller,
              requested: count,
              registered: result.registered.length,
              failed: result.failed,
              deviceFile: file.path,
              first: result.registered[0],
            },
            () => [
              `registered ${result.registered.length} of ${count} devices of ${controller} in ${seconds.toFixed(1)} s (${Math.round(result.registered.length / seconds)} devices/s)`,
              ...result.failed
                .slice(0, 10)
                .map((f) => `  failed ${f.did} (${f.phase}): ${f.code}: ${f.message}`),
              `device keys: ${file.path}`,
            ],
          );
          if (result.failed.length) {
            throw new DdiError(
              ErrorCode.Malformed,
              `${result.failed.length} of ${count} devices were not registered`,
              { failed: result.failed.length },
            );
          }
        },
      ),
    );

  device
    .command('list')
    .description('the devices an organization registered, from the ledger')
    .requiredOption('--controller <did>', "the organization's DID")
    .option('--count', 'print only how many devices there are (active and in all)')
    .action(
      withContext(async (ctx, options: { controller: string; count?: boolean }) => {
        const controller = didArgument(options.controller);
        const devices = await ctx.client().listDevices(controller);
        const active = devices.filter((d) => d.status === 'active').length;
        const summary = `${devices.length} devices (${active} active) of ${controller}`;
        if (options.count) {
          ctx.print({ controller, count: devices.length, active }, () => summary);
          return;
        }
        ctx.print({ controller, count: devices.length, active, devices }, () => [
          ...devices.map((d) => `${d.device}  ${d.status}`),
          summary,
        ]);
      }),
    );

  device
    .command('credential')
    .description("issue a device credential (vc+jwt) signed by the device's organization")
    .argument('<device>', 'the device DID')
    .requiredOption('--manufacturer <name>', 'manufacturer')
    .requiredOption('--model <model>', 'model')
    .requiredOption('--serial <serial>', 'serial number')
    .option('--issuer <did>', "issuing organization (default: the device's controller)")
    .option('--valid-days <n>', 'validity in days (default: no end)')
    .option('--devices <file>', 'device file (default: devices.json next to the keystore)')
    .option('--out <file>', 'also write the credential to this file')
    .action(
      withContext(
        async (
          ctx,
          deviceArgument: string,
          options: {
            manufacturer: string;
            model: string;
            serial: string;
            issuer?: string;
            validDays?: string;
            devices?: string;
            out?: string;
          },
        ) => {
          const deviceDid = didArgument(deviceArgument);
          const file = await openDeviceFile(ctx, options.devices, false);
          const entry = file.device(deviceDid);
          const issuer = options.issuer ? didArgument(options.issuer) : entry?.controller;
          if (!issuer) {
            throw new UsageError(
              `${deviceDid} is not in ${file.path}: name the issuer with --issuer`,
            );
          }
          for (const [name, value] of Object.entries({
            manufacturer: options.manufacturer,
            model: options.model,
            serial: options.serial,
          })) {
            if (!value.trim() || value.length > 200)
              throw new UsageError(`--${name} must be 1..200 characters`);
          }
          const client = ctx.client();
          // The ledger must know the device as the issuer's: a credential for a stranger's DID means nothing.
          await client.getDevice(issuer, deviceDid);
          const keystore = await ctx.keystore(false);
          const signer = await ownDidSigner(client, keystore, issuer);
          const { content } = await currentDid(client, issuer);
          const fragment = signer.kid.split('#')[1]!;
          if (!hasRelationship(content, 'assertionMethod', fragment)) {
            throw new DdiError(
              ErrorCode.UnknownKey,
              `${signer.kid} is not an assertionMethod key of ${issuer}`,
            );
          }
          const now = new Date();
          const validDays =
            options.validDays === undefined ? undefined : countOption(options.validDays);
          const credential = {
            '@context': [CREDENTIALS_V2_CONTEXT],
            type: ['VerifiableCredential', 'DeviceCredential'],
            issuer,
            validFrom: now.toISOString(),
            ...(validDays
              ? { validUntil: new Date(now.getTime() + validDays * 86_400_000).toISOString() }
              : {}),
            credentialSubject: {
              id: deviceDid,
              manufacturer: options.manufacturer,
              model: options.model,
              serialNumber: options.serial,
            },
          };
          const jwt = issueVcJwt(
            credential,
            { type: signer.keyPair.type, privateKey: signer.keyPair.privateKey },
            { kid: signer.kid },
          );
          if (entry) {
            file.put({
              ...entry,
              credentials: [...(entry.credentials ?? []), jwt],
              updated: now.toISOString(),
            });
            file.save();
          }
          if (options.out) writeFileSync(resolve(options.out), `${jwt}\n`, { mode: 0o600 });
          ctx.print({ device: deviceDid, issuer, credential: jwt }, () => jwt);
        },
      ),
    );

  device
    .command('rotate')
    .description(
      "replace a device's key: the organization signs, the new key goes to the device file",
    )
    .argument('<device>', 'the device DID')
    .addOption(keyTypeOption('--type <type>', 'type of the new key (default: that of the old one)'))
    .option('--devices <file>', 'device file (default: devices.json next to the keystore)')
    .action(
      withContext(
        async (ctx, deviceArgument: string, options: { type?: KeyTypeName; devices?: string }) => {
          const deviceDid = didArgument(deviceArgument);
          const file = await openDeviceFile(ctx, options.devices, false);
          const entry = file.require(deviceDid);
          const keystore = await ctx.keystore(false);
          const client = ctx.client();
          const current = await currentDid(client, deviceDid);
          const signer = await findSigner(client, keystore, deviceDid, current.content, {
            controllersOnly: true,
          });
          const newKey = generateKeyPair(options.type ?? keyPairOf(entry.keyJwk).type);
          const newKeyId = nextKeyFragment(current.content);
          // The new key is saved (as pending) before the ledger learns of it.
          const keyJwk = privateKeyToJwk(newKey.type, newKey.privateKey);
          file.put({ ...entry, pendingKey: { keyId: newKeyId, keyJwk } });
          file.save();
          const result = await client.rotateKey({
            did: deviceDid,
            signer,
            newKey,
            newKeyId,
            replaceKeyId: entry.keyId,
            previousVersionId: current.versionId,
          });
          file.put({
            ...entry,
            keyId: newKeyId,
            keyJwk,
            publicKeyMultibase: publicKeyToMultibase(newKey.type, newKey.publicKey),
            updated: new Date().toISOString(),
          });
          file.save();
          ctx.print(
            {
              device: deviceDid,
              keyId: newKeyId,
              replaced: entry.keyId,
              versionId: result.versionId,
              signedBy: signer.kid,
            },
            () =>
              `rotated ${deviceDid}: ${entry.keyId} → ${newKeyId}, version ${result.versionId} (signed by ${signer.kid})`,
          );
        },
      ),
    );

  device
    .command('decommission')
    .description(
      'retire a device for good: marked decommissioned in the registry, its DID deactivated',
    )
    .argument('<device>', 'the device DID')
    .option(
      '--controller <did>',
      "the organization's DID (default: the device's controller in the device file)",
    )
    .option('--reason <code>', 'a short reason code (never personal data)')
    .option('--keep-did', 'only mark it decommissioned; leave the DID active')
    .option('--devices <file>', 'device file (default: devices.json next to the keystore)')
    .action(
      withContext(
        async (
          ctx,
          deviceArgument: string,
          options: { controller?: string; reason?: string; keepDid?: boolean; devices?: string },
        ) => {
          const deviceDid = didArgument(deviceArgument);
          const file = await openDeviceFile(ctx, options.devices, false);
          const entry = file.device(deviceDid);
          const controller = options.controller
            ? didArgument(options.controller)
            : entry?.controller;
          if (!controller) {
            throw new UsageError(
              `${deviceDid} is not in ${file.path}: name its organization with --controller`,
            );
          }
          const keystore = await ctx.keystore(false);
          const client = ctx.client();
          const signer = await ownDidSigner(client, keystore, controller);
          const result = await client.decommissionDevice({
            device: deviceDid,
            signer,
            reason: options.reason,
            deactivateDid: !options.keepDid,
          });
          const deactivation = result.results[1];
          if (entry) {
            file.put({ ...entry, status: 'decommissioned', updated: new Date().toISOString() });
            file.save();
          }
          ctx.print(
            {
              device: deviceDid,
              controller,
              decommissioned: true,
              didDeactivation: deactivation ?? null,
            },
            () =>
              `decommissioned ${deviceDid}` +
              (deactivation
                ? deactivation.status === 'committed'
                  ? '; its DID is deactivated'
                  : `; DID deactivation NOT done: ${deactivation.status} ${'code' in deactivation ? String(deactivation.code) : ''}${'message' in deactivation ? ` (${deactivation.message})` : ''}`
                : ''),
          );
        },
      ),
    );

  device
    .command('auth')
    .description(
      "authenticate as a device: answer a challenge with the device's key (--challenge), or run a round against the node's device-auth routes",
    )
    .argument('<device>', 'the device DID (its key is in the device file)')
    .option(
      '--challenge <json>',
      'a challenge {nonce, audience, expiresAt}: print the signed answer only',
    )
    .option('--audience <id>', 'the service to authenticate to (round against the node)')
    .option(
      '--controller <did>',
      'the organization the service expects (default: from the device file)',
    )
    .option('--devices <file>', 'device file (default: devices.json next to the keystore)')
    .action(
      withContext(
        async (
          ctx,
          deviceArgument: string,
          options: { challenge?: string; audience?: string; controller?: string; devices?: string },
        ) => {
          const deviceDid = didArgument(deviceArgument);
          if (!options.challenge === !options.audience) {
            throw new UsageError(
              'give --challenge (answer it) or --audience (a round against the node)',
            );
          }
          const file = await openDeviceFile(ctx, options.devices, false);
          const entry = file.require(deviceDid);
          const signer = didSigner(deviceDid, entry.keyId, keyPairOf(entry.keyJwk));
          if (options.challenge) {
            const response = answerDeviceChallenge(parseChallenge(options.challenge), signer);
            ctx.print({ device: deviceDid, response }, () => response);
            return;
          }
          const controller = options.controller
            ? didArgument(options.controller)
            : entry.controller;
          const result = await ctx.client().authenticateDevice({
            signer,
            audience: options.audience!,
            controller,
          });
          ctx.print(
            result,
            () =>
              `authenticated ${result.device} (device of ${result.controller}, key ${result.kid})`,
          );
        },
      ),
    );

  return device;
}

function countOption(value: string): number {
  const n = /^[0-9]{1,7}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_DEVICES_PER_COMMAND) {
    throw new UsageError(`must be an integer 1..${MAX_DEVICES_PER_COMMAND}: ${value}`);
  }
  return n;
}

function parseChallenge(text: string): DeviceChallenge {
  let value: Partial<DeviceChallenge>;
  try {
    value = JSON.parse(text) as Partial<DeviceChallenge>;
  } catch {
    throw new UsageError('--challenge must be JSON: {"nonce", "audience", "expiresAt"}');
  }
  if (typeof value?.nonce !== 'string' || typeof value.audience !== 'string') {
    throw new UsageError('--challenge needs string "nonce" and "audience"');
  }
  return { nonce: value.nonce, audience: value.audience, expiresAt: String(value.expiresAt ?? '') };
}

/**
 * The sealed device file: `path`, else devices.json next to the keystore. It shares the
 * keystore's passphrase (DDI_PASSPHRASE, or asked).
 */
async function openDeviceFile(
  ctx: CliContext,
  path: string | undefined,
  forWrite: boolean,
): Promise<DeviceFile> {
  const file = path ? resolve(path) : join(dirname(ctx.keystorePath), 'devices.json');
  const exists = Keystore.exists(file);
  if (!exists && !forWrite) throw new DdiError(ErrorCode.NotFound, `no device file at ${file}`);
  return DeviceFile.open(file, await readPassphrase({ env: ctx.env, confirm: !exists }));
}
