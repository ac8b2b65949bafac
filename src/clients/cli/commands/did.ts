import { Command } from 'commander';
import type { DidDocumentContent, ServiceContent } from '../../../core/did/index.ts';
import { isDid, parseDdiDid } from '../../../core/did/index.ts';
import { DdiError, ErrorCode } from '../../../core/errors.ts';
import { generateKeyPair, publicKeyFromMultibase } from '../../../core/keys/index.ts';
import type { KeyTypeName } from '../../../core/keys/index.ts';
import type { StoredDid } from '../../keystore/keystore.ts';
import type { DidOperationResult } from '../../sdk/index.ts';
import {
  nextKeyFragment,
  prepareCreateDid,
  signerParts,
  withControllers,
  withService,
  withoutService,
} from '../../sdk/index.ts';
import { collect, keyTypeOption, withContext } from '../command-kit.ts';
import { requireStoredDid } from '../context.ts';
import { currentDid, findSigner, keyNamePrefix } from '../did-keys.ts';
import { withKeysSavedFirst } from '../pending-keys.ts';
import { UsageError } from '../usage-error.ts';

/** `ddi did …`: create, resolve, change and list DIDs. */
export function didCommand(): Command {
  const did = new Command('did').description(
    'create, resolve, update, rotate, recover and deactivate DIDs',
  );

  did
    .command('create')
    .description(
      'create a DID: a new signing key (key-1) and a recovery key, stored in the keystore',
    )
    .addOption(keyTypeOption().default('ed25519'))
    .addOption(keyTypeOption('--recovery-type <type>', 'recovery key type (default: --type)'))
    .option('--service <id,type,url>', 'a service endpoint (repeatable)', collect, [])
    .option(
      '--controller <did>',
      'a controller DID, e.g. of an organization (repeatable)',
      collect,
      [],
    )
    .action(
      withContext(
        async (
          ctx,
          options: {
            type: KeyTypeName;
            recoveryType?: KeyTypeName;
            service: string[];
            controller: string[];
          },
        ) => {
          const service = options.service.map(parseServiceSpec);
          const controller = options.controller.map(checkControllerArgument);
          const store = await ctx.keystore(true);
          const signingKey = generateKeyPair(options.type);
          const recoveryKey = generateKeyPair(options.recoveryType ?? options.type);
          const parameters = { signingKey, recoveryKey, keyId: 'key-1', service, controller };
          const { did: newDid } = prepareCreateDid(parameters);
          const prefix = keyNamePrefix(newDid);
          const signingName = store.uniqueKeyName(`${prefix}-key-1`);
          const recoveryName = store.uniqueKeyName(`${prefix}-recovery-1`);
          store.addKey(signingName, signingKey);
          store.addKey(recoveryName, recoveryKey);
          const now = new Date().toISOString();
          const record: StoredDid = {
            did: newDid,
            signingKeys: { 'key-1': signingName },
            recoveryKey: recoveryName,
            ...(controller.length ? { controllers: controller } : {}),
            created: now,
            updated: now,
          };
          store.putDid(record);
          const result = await withKeysSavedFirst(
            ctx,
            store,
            () => {
              store.deleteDid(newDid);
              store.deleteKey(signingName);
              store.deleteKey(recoveryName);
            },
            () => ctx.client().createDid(parameters),
          );
          store.putDid({ ...record, versionId: result.versionId });
          store.save();
          ctx.note(
            `created ${result.did} (${blockNote(result)}); signing key ${signingName} (key-1), recovery key ${recoveryName}`,
          );
          ctx.print(
            {
              ...operationOutput(result),
              keys: { signing: { 'key-1': signingName }, recovery: recoveryName },
            },
            () => result.did,
          );
        },
      ),
    );

  did
    .command('resolve')
    .description('resolve a DID (DID Resolution result), optionally at an earlier version')
    .argument('<did>')
    .option('--version-id <n>', 'the version to resolve (1 is the create)')
    .option('--version-time <time>', 'the version current at this time (e.g. 2026-01-01T00:00:00Z)')
    .action(
      withContext(
        async (ctx, didArgument: string, options: { versionId?: string; versionTime?: string }) => {
          if (options.versionId !== undefined && options.versionTime !== undefined) {
            throw new UsageError('give --version-id or --version-time, not both');
          }
          const result = await ctx.client().resolveDid(didArgument, {
            versionId: options.versionId,
            versionTime: options.versionTime,
          });
          ctx.print(result, () => JSON.stringify(result, null, 2));
        },
      ),
    );

  did
    .command('update')
    .description("change a DID's services and controllers (signed by its key or a controller's)")
    .argument('<did>')
    .option('--add-service <id,type,url>', 'add (or replace) a service (repeatable)', collect, [])
    .option('--remove-service <id>', 'remove a service (repeatable)', collect, [])
    .option('--add-controller <did>', 'add a controller DID (repeatable)', collect, [])
    .option('--remove-controller <did>', 'remove a controller DID (repeatable)', collect, [])
    .action(
      withContext(
        async (
          ctx,
          didArgument: string,
          options: {
            addService: string[];
            removeService: string[];
            addController: string[];
            removeController: string[];
          },
        ) => {
          const target = checkDidArgument(didArgument);
          const added = options.addService.map(parseServiceSpec);
          const addControllers = options.addController.map(checkControllerArgument);
          if (
            !added.length &&
            !options.removeService.length &&
            !addControllers.length &&
            !options.removeController.length
          ) {
            throw new UsageError(
              'nothing to change: give --add-service, --remove-service, --add-controller or --remove-controller',
            );
          }
          const store = await ctx.keystore(false);
          const client = ctx.client();
          const current = await currentDid(client, target);
          let content: DidDocumentContent = current.content;
          for (const id of options.removeService) content = withoutService(content, id);
          for (const service of added) content = withService(content, service);
          for (const c of options.removeController) {
            if (!content.controller?.includes(c)) {
              throw new DdiError(ErrorCode.NotFound, `${c} is not a controller of ${target}`);
            }
          }
          const controllers = (content.controller ?? []).filter(
            (c) => !options.removeController.includes(c),
          );
          content = withControllers(content, [...controllers, ...addControllers]);
          // The current document decides who may sign, not the new one.
          const signer = await findSigner(client, store, target, current.content);
          const result = await client.updateDid({
            did: target,
            signer,
            document: content,
            previousVersionId: current.versionId,
          });
          const record = store.did(target);
          if (record) {
            store.putDid({
              ...record,
              controllers: content.controller ?? [],
              versionId: result.versionId,
              updated: new Date().toISOString(),
            });
            store.save();
          }
          ctx.print(
            operationOutput(result),
            () =>
              `updated ${target} to version ${result.versionId} (${blockNote(result)}, signed by ${signer.kid})`,
          );
        },
      ),
    );

  did
    .command('rotate')
    .description(
      'replace a signing key by a new one under a new fragment, in all its relationships',
    )
    .argument('<did>')
    .addOption(keyTypeOption('--type <type>', 'type of the new key (default: that of the old one)'))
    .option('--key <fragment>', 'the key to replace (default: the stored key that signs)')
    .action(
      withContext(
        async (ctx, didArgument: string, options: { type?: KeyTypeName; key?: string }) => {
          const target = checkDidArgument(didArgument);
          const store = await ctx.keystore(false);
          const client = ctx.client();
          const current = await currentDid(client, target);
          const signer = await findSigner(client, store, target, current.content);
          const signerKey = signerParts(signer);
          const replaced =
            options.key ?? (signerKey.did === target ? signerKey.fragment : undefined);
          if (replaced === undefined) {
            throw new UsageError(
              `a controller signs for ${target}: name the key to replace with --key`,
            );
          }
          const old = current.content.verificationMethod.find((vm) => vm.id === replaced);
          if (!old) throw new DdiError(ErrorCode.NotFound, `${target} has no key "${replaced}"`);
          const newKey = generateKeyPair(
            options.type ?? publicKeyFromMultibase(old.publicKeyMultibase).type,
          );
          const keyId = nextKeyFragment(current.content);
          const name = store.uniqueKeyName(`${keyNamePrefix(target)}-${keyId}`);
          store.addKey(name, newKey);
          const result = await withKeysSavedFirst(
            ctx,
            store,
            () => store.deleteKey(name),
            () =>
              client.rotateKey({
                did: target,
                signer,
                newKey,
                newKeyId: keyId,
                replaceKeyId: replaced,
                previousVersionId: current.versionId,
              }),
          );
          const now = new Date().toISOString();
          const record: StoredDid = store.did(target) ?? {
            did: target,
            signingKeys: {},
            created: now,
            updated: now,
          };
          const signingKeys = { ...record.signingKeys, [keyId]: name };
          // The replaced key can sign nothing for the DID any more; it stays in the keystore, unused.
          delete signingKeys[replaced];
          store.putDid({ ...record, signingKeys, versionId: result.versionId, updated: now });
          store.save();
          ctx.print(
            { ...operationOutput(result), keyId, replacedKeyId: replaced, keyName: name },
            () =>
              `rotated ${target}: ${replaced} → ${keyId} (key ${name}); version ${result.versionId} (${blockNote(result)})`,
          );
        },
      ),
    );

  did
    .command('recover')
    .description('take a DID back with its stored recovery key: new signing key, new recovery key')
    .argument('<did>')
    .addOption(
      keyTypeOption('--type <type>', 'type of the new keys (default: that of the recovery key)'),
    )
    .action(
      withContext(async (ctx, didArgument: string, options: { type?: KeyTypeName }) => {
        const target = checkDidArgument(didArgument);
        const store = await ctx.keystore(false);
        const record = requireStoredDid(store, target);
        if (!record.recoveryKey) {
          throw new DdiError(
            ErrorCode.NotFound,
            `the keystore holds no recovery key for ${target}`,
          );
        }
        const recoveryKey = store.keyPair(record.recoveryKey);
        const client = ctx.client();
        const current = await currentDid(client, target);
        const type = options.type ?? recoveryKey.type;
        const signingKey = generateKeyPair(type);
        const nextRecoveryKey = generateKeyPair(type);
        const keyId = nextKeyFragment(current.content);
        const prefix = keyNamePrefix(target);
        const signingName = store.uniqueKeyName(`${prefix}-${keyId}`);
        // Recovery keys are numbered in the order they are used: -recovery-1, -recovery-2, …
        const spent = /-recovery-([0-9]+)$/.exec(record.recoveryKey)?.[1];
        const recoveryName = store.uniqueKeyName(`${prefix}-recovery-${Number(spent ?? 1) + 1}`);
        store.addKey(signingName, signingKey);
        store.addKey(recoveryName, nextRecoveryKey);
        const result = await withKeysSavedFirst(
          ctx,
          store,
          () => {
            store.deleteKey(signingName);
            store.deleteKey(recoveryName);
          },
          () =>
            client.recoverDid({
              did: target,
              recoveryKey,
              nextRecoveryKey,
              signingKey,
              keyId,
              previousVersionId: current.versionId,
            }),
        );
        // The old recovery key is revealed and spent; it stays in the keystore, unused.
        store.putDid({
          ...record,
          signingKeys: { [keyId]: signingName },
          recoveryKey: recoveryName,
          versionId: result.versionId,
          updated: new Date().toISOString(),
        });
        store.save();
        ctx.print(
          {
            ...operationOutput(result),
            keys: { signing: { [keyId]: signingName }, recovery: recoveryName },
          },
          () =>
            `recovered ${target}: signing key ${keyId} (key ${signingName}), new recovery key ${recoveryName}; version ${result.versionId} (${blockNote(result)})`,
        );
      }),
    );

  did
    .command('deactivate')
    .description('deactivate a DID for good (with its recovery key, or a controller key)')
    .argument('<did>')
    .action(
      withContext(async (ctx, didArgument: string) => {
        const target = checkDidArgument(didArgument);
        const store = await ctx.keystore(false);
        const client = ctx.client();
        const current = await currentDid(client, target);
        const record = store.did(target);
        const result = record?.recoveryKey
          ? await client.deactivateDid({
              did: target,
              recoveryKey: store.keyPair(record.recoveryKey),
              previousVersionId: current.versionId,
            })
          : await client.deactivateDid({
              did: target,
              signer: await findSigner(client, store, target, current.content, {
                controllersOnly: true,
              }),
              previousVersionId: current.versionId,
            });
        if (record) {
          store.putDid({
            ...record,
            deactivated: true,
            versionId: result.versionId,
            updated: new Date().toISOString(),
          });
          store.save();
        }
        ctx.print(
          operationOutput(result),
          () => `deactivated ${target}; version ${result.versionId} (${blockNote(result)})`,
        );
      }),
    );

  did
    .command('list')
    .description('list the DIDs in the keystore')
    .action(
      withContext(async (ctx) => {
        const store = await ctx.keystore(false);
        const dids = store.dids();
        ctx.print(dids, () =>
          dids.length === 0
            ? [`no DIDs in ${store.path}`]
            : dids.map((d) =>
                [
                  d.did,
                  d.deactivated ? 'deactivated' : d.versionId ? `v${d.versionId}` : 'pending',
                  Object.entries(d.signingKeys)
                    .map(([fragment, name]) => `${fragment}=${name}`)
                    .join(',') || '-',
                  d.recoveryKey ? `recovery=${d.recoveryKey}` : 'recovery=-',
                  d.controllers?.length ? `controllers=${d.controllers.join(',')}` : '',
                ]
                  .join('\t')
                  .trimEnd(),
              ),
        );
      }),
    );
  return did;
}

/** Parses "id,type,url" (the URL may itself contain commas). */
function parseServiceSpec(spec: string): ServiceContent {
  const [id, type, ...rest] = spec.split(',');
  const serviceEndpoint = rest.join(',');
  if (!id || !type || !serviceEndpoint) {
    throw new UsageError(
      `a service is "id,type,url", e.g. "hub,LinkedDomains,https://example.org/" (got "${spec}")`,
    );
  }
  return { id, type, serviceEndpoint };
}

/** Checks a DID argument early, so a typo is a usage error rather than a network round trip. */
function checkDidArgument(value: string): string {
  try {
    return parseDdiDid(value);
  } catch {
    throw new UsageError(`not a did:ddi DID: ${value}`);
  }
}

/** A controller may be a DID of any method. */
function checkControllerArgument(value: string): string {
  if (!isDid(value)) throw new UsageError(`not a DID: ${value}`);
  return value;
}

function blockNote(result: DidOperationResult): string {
  return result.status.status === 'committed'
    ? `tx ${result.txId.slice(0, 12)}…, block ${result.status.height}`
    : `tx ${result.txId}, ${result.status.status}`;
}

function operationOutput(result: DidOperationResult) {
  return {
    did: result.did,
    txId: result.txId,
    versionId: result.versionId,
    status: result.status,
    document: result.document,
  };
}
