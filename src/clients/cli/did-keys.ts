import type { DidDocumentContent } from '../../core/did/index.ts';
import { DdiError, ErrorCode } from '../../core/errors.ts';
import type { Keystore } from '../keystore/keystore.ts';
import type { DdiClient } from '../sdk/client.ts';
import type { DidSigner } from '../sdk/utils/did-signer.ts';
import { didSigner } from '../sdk/utils/did-signer.ts';
import { documentContent } from '../sdk/utils/document.ts';

/** The current version and content of a DID, for a change made from the CLI. */
export async function currentDid(
  client: DdiClient,
  did: string,
): Promise<{ versionId: string; content: DidDocumentContent }> {
  const result = await client.resolveDid(did);
  if (result.didDocumentMetadata.deactivated) {
    throw new DdiError(ErrorCode.Deactivated, `${did} is deactivated`);
  }
  if (!result.didDocument || !result.didDocumentMetadata.versionId) {
    throw new DdiError(ErrorCode.Internal, `resolving ${did} returned no document`);
  }
  return {
    versionId: result.didDocumentMetadata.versionId,
    content: documentContent(result.didDocument),
  };
}

/** A stored key that is a capabilityInvocation key of `did` as `content` lists it now. */
function ownInvocationKey(
  store: Keystore,
  did: string,
  content: DidDocumentContent,
): DidSigner | undefined {
  const record = store.did(did);
  if (!record) return undefined;
  for (const fragment of content.capabilityInvocation ?? []) {
    const name = record.signingKeys[fragment];
    const stored = name === undefined ? undefined : store.key(name);
    const method = content.verificationMethod.find((vm) => vm.id === fragment);
    // Compare keys, not names: the keystore's view may lag behind the ledger.
    if (stored && method && stored.publicKeyMultibase === method.publicKeyMultibase) {
      return didSigner(did, fragment, store.keyPair(stored.name));
    }
  }
  return undefined;
}

/**
 * Who in the keystore can sign a change to `did`: one of its own capabilityInvocation keys,
 * else (`controllersOnly` for a deactivation) a capabilityInvocation key of a controller DID.
 */
export async function findSigner(
  client: DdiClient,
  store: Keystore,
  did: string,
  content: DidDocumentContent,
  options: { controllersOnly?: boolean } = {},
): Promise<DidSigner> {
  if (!options.controllersOnly) {
    const own = ownInvocationKey(store, did, content);
    if (own) return own;
  }
  for (const controller of content.controller ?? []) {
    if (!store.did(controller)) continue;
    let controllerContent: DidDocumentContent;
    try {
      controllerContent = (await currentDid(client, controller)).content;
    } catch (err) {
      if (err instanceof DdiError && (err.code === 'deactivated' || err.code === 'notFound'))
        continue;
      throw err;
    }
    const signer = ownInvocationKey(store, controller, controllerContent);
    if (signer) return signer;
  }
  throw new DdiError(
    ErrorCode.UnknownKey,
    options.controllersOnly
      ? `no controller of ${did} has a key in the keystore`
      : `the keystore holds no capabilityInvocation key of ${did} or of a controller of it`,
  );
}

/**
 * A stored capabilityInvocation key of `did` itself, for transactions where the DID acts
 * in its own name (an authority accrediting, an issuer registering a template): the ledger
 * takes no controller's key there.
 */
export async function ownDidSigner(
  client: DdiClient,
  store: Keystore,
  did: string,
): Promise<DidSigner> {
  const { content } = await currentDid(client, did);
  const signer = ownInvocationKey(store, did, content);
  if (!signer) {
    throw new DdiError(
      ErrorCode.UnknownKey,
      `the keystore holds no current capabilityInvocation key of ${did}`,
    );
  }
  return signer;
}

/** A short, readable prefix for the names of a DID's keys ("7oFwQ3We"). */
export function keyNamePrefix(did: string): string {
  return did.slice('did:ddi:'.length, 'did:ddi:'.length + 8);
}

/**
 * A current `authentication` key of `did` held in the keystore: what proves control of the
 * DID to an issuer, an agency or a verifier (the ledger's invocation keys sign transactions).
 */
export async function authenticationSigner(
  client: DdiClient,
  store: Keystore,
  did: string,
): Promise<DidSigner> {
  const { content } = await currentDid(client, did);
  const record = store.did(did);
  for (const fragment of content.authentication ?? []) {
    const name = record?.signingKeys[fragment];
    const method = content.verificationMethod.find((vm) => vm.id === fragment);
    if (name !== undefined && store.key(name)?.publicKeyMultibase === method?.publicKeyMultibase) {
      return didSigner(did, fragment, store.keyPair(name));
    }
  }
  throw new DdiError(
    ErrorCode.UnknownKey,
    `the keystore holds no current authentication key of ${did}`,
  );
}
