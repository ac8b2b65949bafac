import { DdiError, ErrorCode, ensure } from '../../core/errors.ts';
import { parseDdiDid } from '../../core/did/index.ts';
import type { StateReader } from '../state/world-state.ts';
import type { TxContext, TxHandler } from './tx-context.ts';
import {
  authorizeDidSigner,
  optionalReason,
  payloadFields,
  previousVersionField,
  singleProof,
} from './authorization.ts';
import { authorizeGovernance } from './governance-registry.ts';
import { readDidRecord } from './did-state.ts';
import { checkAccreditation } from './trust-registry.ts';

/** Whether an application may sign people in: the regulator suspends and reinstates. */
export type ApplicationStatus = 'active' | 'suspended';

/**
 * An application service provider that logs people in with their DID: its own DID (which
 * signs its login requests), its public name, and where responses may be sent. Nothing
 * personal: an application is an organization's service, and its name is what a wallet shows.
 */
export interface ApplicationRecord {
  did: string;
  name: string;
  /** Exact URIs a wallet may post a login response to, or a bridge may redirect to. */
  redirectUris: string[];
  status: ApplicationStatus;
  /** Set by the regulator: the application must hold an applicationServiceProvider accreditation. */
  accreditationRequired: boolean;
  /**
   * Set by the regulator: a login bridge, which may ask wallets on behalf of another registered
   * application (`ddi_relying_party`). Absent on records older than the flag: not a bridge.
   */
  bridge?: boolean;
  version: number;
  history: Array<{
    change:
      | 'registered'
      | 'updated'
      | ApplicationStatus
      | 'accreditationRequired'
      | 'accreditationWaived'
      | 'bridgeAuthorized'
      | 'bridgeRevoked';
    time: number;
    height: number;
    txId: string;
    reason?: string;
  }>;
}

export const MAX_APPLICATION_NAME = 100;
export const MAX_REDIRECT_URIS = 10;
export const MAX_REDIRECT_URI_LENGTH = 512;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const applicationKey = (did: string) => `app/${did}`;

/** Reads an application by its DID. */
export function readApplication(state: StateReader, did: string): ApplicationRecord | undefined {
  const raw = state.get(applicationKey(did));
  return raw === undefined ? undefined : (JSON.parse(raw) as ApplicationRecord);
}

function nameField(value: unknown): string {
  ensure(
    typeof value === 'string' &&
      value.trim() === value &&
      value.length > 0 &&
      value.length <= MAX_APPLICATION_NAME &&
      // No control characters: a wallet prints the name to a person.
      !/\p{Cc}/u.test(value),
    ErrorCode.Malformed,
    `name must be 1-${MAX_APPLICATION_NAME} printable characters without surrounding spaces`,
  );
  return value;
}

/**
 * A redirect URI as OAuth 2.0 Security BCP wants it: absolute, no fragment, https — or http
 * on a loopback host (a developer's machine, a CLI). Compared by exact string, never by prefix.
 */
export function redirectUriField(value: unknown): string {
  ensure(
    typeof value === 'string' && value.length > 0 && value.length <= MAX_REDIRECT_URI_LENGTH,
    ErrorCode.Malformed,
    `a redirect URI is a string of at most ${MAX_REDIRECT_URI_LENGTH} characters`,
  );
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DdiError(ErrorCode.Malformed, `not an absolute URI: ${value}`);
  }
  ensure(url.hash === '' && !value.includes('#'), ErrorCode.Malformed, `${value} has a fragment`);
  ensure(
    url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)),
    ErrorCode.Malformed,
    `${value} must be https (http only on a loopback host)`,
  );
  ensure(url.username === '' && url.password === '', ErrorCode.Malformed, `${value} has userinfo`);
  return value;
}

function redirectUrisField(value: unknown): string[] {
  ensure(
    Array.isArray(value) && value.length > 0 && value.length <= MAX_REDIRECT_URIS,
    ErrorCode.Malformed,
    `redirectUris must be 1-${MAX_REDIRECT_URIS} URIs`,
  );
  const uris = value.map(redirectUriField);
  ensure(new Set(uris).size === uris.length, ErrorCode.Malformed, 'redirectUris has duplicates');
  return uris;
}

function write(ctx: TxContext, record: ApplicationRecord): void {
  ctx.state.set(applicationKey(record.did), JSON.stringify(record));
}

function historyEntry(
  ctx: TxContext,
  change: ApplicationRecord['history'][number]['change'],
  reason?: string,
) {
  return {
    change,
    time: ctx.time,
    height: ctx.height,
    txId: ctx.txId,
    ...(reason ? { reason } : {}),
  };
}

/** The application, which its own DID's key (the signer) must be; `notFound` otherwise. */
function ownApplication(ctx: TxContext): ApplicationRecord {
  const signer = authorizeDidSigner(ctx, singleProof(ctx));
  const record = readApplication(ctx.state, signer);
  if (!record) throw new DdiError(ErrorCode.NotFound, `${signer} is not a registered application`);
  return record;
}

/** app.register: an application's DID registers itself (its key signs), active at once. */
const register: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['name', 'redirectUris']);
  const name = nameField(p.name);
  const redirectUris = redirectUrisField(p.redirectUris);
  const did = authorizeDidSigner(ctx, singleProof(ctx));
  if (readApplication(ctx.state, did)) {
    throw new DdiError(ErrorCode.Conflict, `${did} is already a registered application`);
  }
  write(ctx, {
    did,
    name,
    redirectUris,
    status: 'active',
    accreditationRequired: false,
    bridge: false,
    version: 1,
    history: [historyEntry(ctx, 'registered')],
  });
};

/** app.update: the application changes its name or redirect URIs (naming the version it replaces). */
const update: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['name', 'redirectUris', 'previousVersion']);
  ensure(
    p.name !== undefined || p.redirectUris !== undefined,
    ErrorCode.Malformed,
    'app.update changes name and/or redirectUris',
  );
  const name = p.name === undefined ? undefined : nameField(p.name);
  const redirectUris = p.redirectUris === undefined ? undefined : redirectUrisField(p.redirectUris);
  const record = ownApplication(ctx);
  previousVersionField(p.previousVersion, record.version, record.did);
  write(ctx, {
    ...record,
    ...(name !== undefined ? { name } : {}),
    ...(redirectUris !== undefined ? { redirectUris } : {}),
    version: record.version + 1,
    history: [...record.history, historyEntry(ctx, 'updated')],
  });
};

/** The application a governance transaction names in `did`. */
function namedApplication(value: unknown): (state: StateReader) => ApplicationRecord {
  ensure(typeof value === 'string', ErrorCode.Malformed, 'did must be a DID');
  const did = parseDdiDid(value);
  return (state) => {
    const record = readApplication(state, did);
    if (!record) throw new DdiError(ErrorCode.NotFound, `${did} is not a registered application`);
    return record;
  };
}

/** app.setStatus: the regulator suspends an application, or reinstates it. */
const setStatus: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['did', 'status', 'previousVersion', 'reason']);
  const find = namedApplication(p.did);
  ensure(
    p.status === 'active' || p.status === 'suspended',
    ErrorCode.Malformed,
    'status must be active or suspended',
  );
  const status = p.status as ApplicationStatus;
  const reason = optionalReason(p.reason);
  authorizeGovernance(ctx);
  const record = find(ctx.state);
  previousVersionField(p.previousVersion, record.version, record.did);
  ensure(record.status !== status, ErrorCode.Conflict, `${record.did} is already ${status}`);
  write(ctx, {
    ...record,
    status,
    version: record.version + 1,
    history: [...record.history, historyEntry(ctx, status, reason)],
  });
};

/**
 * app.requireAccreditation: the regulator decides that an application may sign people in
 * only while it holds an applicationServiceProvider accreditation (trust registry).
 */
const requireAccreditation: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['did', 'required', 'previousVersion', 'reason']);
  const find = namedApplication(p.did);
  ensure(typeof p.required === 'boolean', ErrorCode.Malformed, 'required must be true or false');
  const reason = optionalReason(p.reason);
  authorizeGovernance(ctx);
  const record = find(ctx.state);
  previousVersionField(p.previousVersion, record.version, record.did);
  ensure(
    record.accreditationRequired !== p.required,
    ErrorCode.Conflict,
    `${record.did} already has accreditationRequired = ${String(p.required)}`,
  );
  write(ctx, {
    ...record,
    accreditationRequired: p.required,
    version: record.version + 1,
    history: [
      ...record.history,
      historyEntry(ctx, p.required ? 'accreditationRequired' : 'accreditationWaived', reason),
    ],
  });
};

/**
 * app.setBridge: the regulator authorizes an application as a login bridge — one that asks
 * wallets on behalf of other registered applications — or withdraws that authorization.
 */
const setBridge: TxHandler = (ctx) => {
  const p = payloadFields(ctx, ['did', 'bridge', 'previousVersion', 'reason']);
  const find = namedApplication(p.did);
  ensure(typeof p.bridge === 'boolean', ErrorCode.Malformed, 'bridge must be true or false');
  const reason = optionalReason(p.reason);
  authorizeGovernance(ctx);
  const record = find(ctx.state);
  previousVersionField(p.previousVersion, record.version, record.did);
  ensure(
    (record.bridge === true) !== p.bridge,
    ErrorCode.Conflict,
    `${record.did} already has bridge = ${String(p.bridge)}`,
  );
  write(ctx, {
    ...record,
    bridge: p.bridge,
    version: record.version + 1,
    history: [
      ...record.history,
      historyEntry(ctx, p.bridge ? 'bridgeAuthorized' : 'bridgeRevoked', reason),
    ],
  });
};

/** Why an application may not sign people in now (absent: it may). */
export type ApplicationRefusal =
  | 'unregisteredApplication'
  | 'applicationSuspended'
  | 'applicationDidDeactivated'
  | 'applicationNotAccredited';

/** An application's record with what follows from it at a moment: may it sign people in? */
export interface ApplicationStanding {
  application: ApplicationRecord;
  /** Whether it holds an applicationServiceProvider accreditation at `at` (and why not). */
  accreditation: { required: boolean; held: boolean; reason?: string };
  mayAuthenticate: boolean;
  refusal?: ApplicationRefusal;
}

/**
 * The one rule wallets, bridges and the HTTP API apply: an application signs people in only
 * while registered, active, its DID not deactivated, and accredited where the regulator
 * requires it (the trust registry's answer, chain and blocklist included).
 */
export function applicationStanding(
  state: StateReader,
  did: string,
  at: number,
): ApplicationStanding | undefined {
  const application = readApplication(state, did);
  if (!application) return undefined;
  const answer = checkAccreditation(state, {
    subject: did,
    role: 'applicationServiceProvider',
    at,
  });
  const accreditation = {
    required: application.accreditationRequired,
    held: answer.accredited,
    ...(answer.accredited ? {} : { reason: answer.reason }),
  };
  const didRecord = readDidRecord(state, did);
  let refusal: ApplicationRefusal | undefined;
  if (application.status === 'suspended') refusal = 'applicationSuspended';
  else if (!didRecord || didRecord.deactivated) refusal = 'applicationDidDeactivated';
  else if (application.accreditationRequired && !answer.accredited)
    refusal = 'applicationNotAccredited';
  return {
    application,
    accreditation,
    mayAuthenticate: refusal === undefined,
    ...(refusal ? { refusal } : {}),
  };
}

export const applicationRegistryHandlers: Record<string, TxHandler> = {
  'app.register': register,
  'app.update': update,
  'app.setStatus': setStatus,
  'app.requireAccreditation': requireAccreditation,
  'app.setBridge': setBridge,
};
