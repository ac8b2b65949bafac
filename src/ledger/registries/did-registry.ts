import { DdiError, ErrorCode, ensure } from '../../core/errors.ts';
import { publicKeyFromMultibase } from '../../core/keys/index.ts';
import {
  didFromCreateOperation,
  parseDdiDid,
  parseDidUrl,
  parseVersionId,
  recoveryCommitment,
  validateDocumentContent,
} from '../../core/did/index.ts';
import type {
  CreateDidOperation,
  DeactivateDidOperation,
  RecoverDidOperation,
  UpdateDidOperation,
} from '../../core/did/index.ts';
import type { TransactionProof } from '../transaction.ts';
import type { TxContext, TxHandler } from './tx-context.ts';
import { checkInvocationProof, payloadFields, singleProof } from './authorization.ts';
import type { DidRecord } from './did-state.ts';
import { didStateKey, readDidRecord } from './did-state.ts';

export type { DidRecord } from './did-state.ts';
export { didStateKey, readDidRecord } from './did-state.ts';

/** The kid a proof uses when the revealed recovery key signs. */
export const RECOVERY_KID = 'recovery';

function writeRecord(ctx: TxContext, record: DidRecord): void {
  const json = JSON.stringify(record);
  ctx.state.set(didStateKey(record.did), json);
  ctx.didVersions.push({
    did: record.did,
    version: record.version,
    time: ctx.time,
    height: ctx.height,
    txId: ctx.txId,
    record: json,
  });
}

function commitmentString(value: unknown, field: string): string {
  ensure(
    typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value),
    ErrorCode.Malformed,
    `${field} must be a base64url SHA-256 digest`,
  );
  return value;
}

/**
 * Authorizes a change to `record` by its own capabilityInvocation keys or by those of a
 * controller DID it names. The signer's DID comes from the proof's kid.
 */
function authorizeByKeys(ctx: TxContext, record: DidRecord, proof: TransactionProof): void {
  const signerDid = parseDidUrl(proof.kid).did;
  if (signerDid === record.did) {
    checkInvocationProof(ctx, proof, signerDid, record.content!);
    return;
  }
  ensure(
    record.content?.controller?.includes(signerDid),
    ErrorCode.Unauthorized,
    `${signerDid} is not a controller of ${record.did}`,
  );
  const controller = readDidRecord(ctx.state, signerDid);
  ensure(
    controller && !controller.deactivated && controller.content,
    ErrorCode.Unauthorized,
    `controller ${signerDid} is not active`,
  );
  checkInvocationProof(ctx, proof, signerDid, controller.content);
}

/** Verifies a proof by the revealed recovery key and that it matches the commitment. */
function authorizeByRecoveryKey(
  ctx: TxContext,
  record: DidRecord,
  recoveryKey: unknown,
  proof: TransactionProof,
): void {
  ensure(
    typeof recoveryKey === 'string' && recoveryKey.length < 200,
    ErrorCode.Malformed,
    'recoveryKey must be a Multikey string',
  );
  ensure(
    proof.kid === RECOVERY_KID,
    ErrorCode.Unauthorized,
    `a recovery proof uses kid "${RECOVERY_KID}"`,
  );
  const key = publicKeyFromMultibase(recoveryKey);
  ensure(
    recoveryCommitment(recoveryKey) === record.recoveryCommitment,
    ErrorCode.Unauthorized,
    'recoveryKey does not match the recovery commitment',
  );
  ensure(
    ctx.signatures.check(ctx.tx, ctx.txId, proof, key.type, key.publicKey),
    ErrorCode.BadSignature,
    'recovery signature does not verify',
  );
}

/** Loads the record an operation targets and checks it names the current version. */
function loadForChange(ctx: TxContext, didValue: unknown, previousVersionId: unknown): DidRecord {
  ensure(typeof didValue === 'string', ErrorCode.Malformed, 'payload.did must be a string');
  const did = parseDdiDid(didValue);
  const previous = parseVersionId(previousVersionId);
  const record = readDidRecord(ctx.state, did);
  if (!record) throw new DdiError(ErrorCode.NotFound, `${did} does not exist`);
  if (record.deactivated) throw new DdiError(ErrorCode.Deactivated, `${did} is deactivated`);
  if (previous !== record.version) {
    throw new DdiError(
      ErrorCode.StaleVersion,
      `${did} is at version ${record.version}, not ${previous}`,
      {
        currentVersionId: String(record.version),
      },
    );
  }
  return record;
}

const create: TxHandler = (ctx) => {
  const payload = payloadFields(ctx, ['document', 'recoveryCommitment']);
  const { content } = validateDocumentContent(payload.document);
  const op: CreateDidOperation = {
    document: content,
    recoveryCommitment: commitmentString(payload.recoveryCommitment, 'recoveryCommitment'),
  };
  const did = didFromCreateOperation(op);
  const proof = singleProof(ctx);
  ensure(
    parseDidUrl(proof.kid).did === did,
    ErrorCode.Unauthorized,
    `a create is signed by one of the new DID's own keys (${did}#…)`,
  );
  ensure(
    content.capabilityInvocation?.length,
    ErrorCode.Malformed,
    'a new DID needs a capabilityInvocation key',
  );
  // Proof of possession: nobody can register a DID for keys they do not hold.
  checkInvocationProof(ctx, proof, did, content);
  if (readDidRecord(ctx.state, did))
    throw new DdiError(ErrorCode.Conflict, `${did} already exists`);
  writeRecord(ctx, {
    did,
    version: 1,
    content,
    recoveryCommitment: op.recoveryCommitment,
    created: ctx.time,
    updated: ctx.time,
    deactivated: false,
  });
};

const update: TxHandler = (ctx) => {
  const payload = payloadFields(ctx, [
    'did',
    'previousVersionId',
    'document',
  ]) as Partial<UpdateDidOperation>;
  const record = loadForChange(ctx, payload.did, payload.previousVersionId);
  const { content } = validateDocumentContent(payload.document);
  authorizeByKeys(ctx, record, singleProof(ctx));
  writeRecord(ctx, { ...record, version: record.version + 1, content, updated: ctx.time });
};

const recover: TxHandler = (ctx) => {
  const payload = payloadFields(ctx, [
    'did',
    'previousVersionId',
    'document',
    'recoveryKey',
    'nextRecoveryCommitment',
  ]) as Partial<RecoverDidOperation>;
  const record = loadForChange(ctx, payload.did, payload.previousVersionId);
  const { content } = validateDocumentContent(payload.document);
  const next = commitmentString(payload.nextRecoveryCommitment, 'nextRecoveryCommitment');
  authorizeByRecoveryKey(ctx, record, payload.recoveryKey, singleProof(ctx));
  ensure(
    next !== record.recoveryCommitment,
    ErrorCode.Malformed,
    'a recovery must commit to a new recovery key',
  );
  writeRecord(ctx, {
    ...record,
    version: record.version + 1,
    content,
    recoveryCommitment: next,
    updated: ctx.time,
  });
};

const deactivate: TxHandler = (ctx) => {
  const payload = payloadFields(ctx, [
    'did',
    'previousVersionId',
    'recoveryKey',
  ]) as Partial<DeactivateDidOperation>;
  const record = loadForChange(ctx, payload.did, payload.previousVersionId);
  const proof = singleProof(ctx);
  // The DID's own signing keys cannot deactivate it: a thief holding one must not lock the owner out.
  if (payload.recoveryKey !== undefined) {
    authorizeByRecoveryKey(ctx, record, payload.recoveryKey, proof);
  } else {
    const signerDid = parseDidUrl(proof.kid).did;
    ensure(
      signerDid !== record.did,
      ErrorCode.Unauthorized,
      'deactivation needs the recovery key or a controller; the DID’s own keys cannot deactivate it',
    );
    authorizeByKeys(ctx, record, proof);
  }
  writeRecord(ctx, {
    ...record,
    version: record.version + 1,
    content: null,
    recoveryCommitment: null,
    updated: ctx.time,
    deactivated: true,
  });
};

/** The DID registry's transaction handlers, by transaction type. */
export const didRegistryHandlers: Record<string, TxHandler> = {
  'did.create': create,
  'did.update': update,
  'did.recover': recover,
  'did.deactivate': deactivate,
};
