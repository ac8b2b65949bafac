import { DdiError, ErrorCode } from '../../core/errors.ts';
import {
  DID_RESOLUTION_MEDIA_TYPE,
  parseDdiDid,
  parseVersionId,
  renderDidDocument,
  toXmlDateTime,
} from '../../core/did/index.ts';
import type {
  DidDocumentMetadata,
  DidResolutionResult,
  ResolutionOptions,
} from '../../core/did/index.ts';
import type { DidRecord } from '../../ledger/registries/did-registry.ts';
import { readDidRecord } from '../../ledger/registries/did-registry.ts';
import type { Ledger } from '../../ledger/ledger.ts';

const CONTEXT = 'https://w3id.org/did-resolution/v1' as const;

/** A failed resolution in DID Resolution's shape: no document, an error in the metadata. */
export function resolutionError(error: DdiError): DidResolutionResult {
  const known = ['invalidDid', 'notFound', 'methodNotSupported'] as const;
  const code = (known as readonly string[]).includes(error.code)
    ? (error.code as (typeof known)[number])
    : error.code === ErrorCode.Malformed
      ? 'invalidOptions'
      : 'internalError';
  return {
    '@context': CONTEXT,
    didDocument: null,
    didResolutionMetadata: { error: code, errorMessage: error.message },
    didDocumentMetadata: {},
  };
}

/**
 * Resolves a did:ddi DID against a node's committed state, at the current version or at
 * the version that `versionId` / `versionTime` selects. Throws DdiError for
 * invalidDid / methodNotSupported / notFound / malformed options.
 */
export function resolveDid(
  ledger: Ledger,
  didInput: string,
  options: ResolutionOptions = {},
): DidResolutionResult {
  const did = parseDdiDid(didInput);
  if (options.versionId !== undefined && options.versionTime !== undefined) {
    throw new DdiError(ErrorCode.Malformed, 'give versionId or versionTime, not both');
  }
  const current = readDidRecord(ledger.state, did);
  if (!current) throw new DdiError(ErrorCode.NotFound, `${did} is not on this ledger`);

  let record: DidRecord = current;
  let versionTime = current.updated;
  if (options.versionId !== undefined) {
    const row = ledger.store.getDidVersion(did, parseVersionId(options.versionId));
    if (!row) throw new DdiError(ErrorCode.NotFound, `${did} has no version ${options.versionId}`);
    record = JSON.parse(row.record) as DidRecord;
    versionTime = row.time;
  } else if (options.versionTime !== undefined) {
    const time = Date.parse(options.versionTime);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(options.versionTime) || Number.isNaN(time)) {
      throw new DdiError(
        ErrorCode.Malformed,
        'versionTime must be an XML Schema dateTime, e.g. 2026-01-01T00:00:00Z',
      );
    }
    // Metadata times have second precision, so a whole-second versionTime covers that second:
    // resolving at a version's own `created`/`updated` value returns that version.
    const hasFraction = /T\d{2}:\d{2}:\d{2}\.\d+/.test(options.versionTime);
    const row = ledger.store.getDidVersionAt(did, hasFraction ? time : time + 999);
    if (!row)
      throw new DdiError(ErrorCode.NotFound, `${did} did not exist at ${options.versionTime}`);
    record = JSON.parse(row.record) as DidRecord;
    versionTime = row.time;
  }

  const metadata: DidDocumentMetadata = {
    created: toXmlDateTime(record.created),
    versionId: String(record.version),
  };
  if (record.version > 1) metadata.updated = toXmlDateTime(versionTime);
  if (record.deactivated) metadata.deactivated = true;
  if (record.version < current.version) {
    const next = ledger.store.getDidVersion(did, record.version + 1);
    metadata.nextVersionId = String(record.version + 1);
    if (next) metadata.nextUpdate = toXmlDateTime(next.time);
  }
  return {
    '@context': CONTEXT,
    didDocument: renderDidDocument(did, record.content),
    didResolutionMetadata: { contentType: DID_RESOLUTION_MEDIA_TYPE },
    didDocumentMetadata: metadata,
  };
}
