import { DdiError, ErrorCode } from '../../core/errors.ts';
import {
  DID_RESOLUTION_MEDIA_TYPE,
  parseDdiDid,
  renderDidDocument,
  toXmlDateTime,
} from '../../core/did/index.ts';
import type { DidResolutionResult } from '../../core/did/index.ts';
import type { Genesis } from '../../ledger/genesis.ts';
import { ProvenStateReader, verifyStateProofBundle } from '../../ledger/proofs/state-proof.ts';
import type { TrustAnchor } from '../../ledger/proofs/state-proof.ts';
import { readDidRecord } from '../../ledger/registries/did-state.ts';
import { checkAccreditation, ROLES } from '../../ledger/registries/trust-registry.ts';
import type { Accreditation, Role } from '../../ledger/registries/trust-registry.ts';
import type { Transport } from './transport.ts';
import type { TrustCheckQuery } from '../../services/registry-queries/trust-queries.ts';
import { statusEntry } from '../../services/registry-queries/status-list-query.ts';
import type { StatusEntryView } from '../../services/registry-queries/status-list-query.ts';

export type { TrustAnchor } from '../../ledger/proofs/state-proof.ts';

/** The anchor a light client starts from: the genesis' network and operators, majority quorum. */
export function trustAnchorFromGenesis(genesis: Genesis): TrustAnchor {
  const operators = genesis.operators.map((o) => o.publicKeyMultibase);
  return { chainId: genesis.chainId, operators, quorum: Math.floor(operators.length / 2) + 1 };
}

export interface LightClientOptions {
  /**
   * Refuse answers from blocks older than this (ms). Unset by default: a quiet network makes
   * no blocks, so an old head can be the current one; set it where freshness matters.
   */
  maxAgeMs?: number;
}

/** A verified answer: the value, and the block height whose signed state root proves it. */
export interface Verified<T> {
  value: T;
  height: number;
}

/**
 * Asks any node, trusts none: every answer comes with Merkle proofs against a header that a
 * quorum of the anchor's operators signed, and is recomputed here from the proven entries.
 * It remembers the highest height it has accepted and refuses older answers (`staleProof`),
 * so a node cannot roll a client back.
 */
export class LightClient {
  private seenHeight = 0;

  constructor(
    private readonly transport: Transport,
    readonly anchor: TrustAnchor,
    private readonly options: LightClientOptions = {},
  ) {}

  private verify(proof: Parameters<typeof verifyStateProofBundle>[0]): ProvenStateReader {
    const values = verifyStateProofBundle(proof, this.anchor, {
      minHeight: this.seenHeight,
      ...(this.options.maxAgeMs === undefined ? {} : { maxAgeMs: this.options.maxAgeMs }),
    });
    this.seenHeight = Math.max(this.seenHeight, proof.header.height);
    return new ProvenStateReader(values);
  }

  /** Resolves a DID's current document from proven state (historical versions are not proven). */
  async resolveDid(didInput: string): Promise<Verified<DidResolutionResult>> {
    const did = parseDdiDid(didInput);
    const answer = await this.transport.proveDidRecord(did);
    const state = this.verify(answer.proof);
    const record = readDidRecord(state, did);
    if (!record)
      throw new DdiError(
        ErrorCode.NotFound,
        `${did} is proven absent at height ${answer.proof.header.height}`,
      );
    return {
      height: answer.proof.header.height,
      value: {
        '@context': 'https://w3id.org/did-resolution/v1',
        didDocument: renderDidDocument(did, record.content),
        didResolutionMetadata: { contentType: DID_RESOLUTION_MEDIA_TYPE },
        didDocumentMetadata: {
          created: toXmlDateTime(record.created),
          ...(record.version > 1 ? { updated: toXmlDateTime(record.updated) } : {}),
          versionId: String(record.version),
          ...(record.deactivated ? { deactivated: true } : {}),
        },
      },
    };
  }

  /** "Was X accredited as R for T at t?", recomputed from proven registry entries. */
  async checkAccreditation(
    query: TrustCheckQuery,
  ): Promise<
    Verified<{ accredited: boolean; reason?: string; chain: Accreditation[]; at: string }>
  > {
    if (!ROLES.includes(query.role as Role))
      throw new DdiError(ErrorCode.Malformed, 'unknown role');
    const answer = await this.transport.proveTrustCheck(query);
    const state = this.verify(answer.proof);
    const at = Date.parse(answer.answer.at);
    if (query.at !== undefined && at !== Date.parse(query.at))
      throw new DdiError(ErrorCode.InvalidProof, 'the node answered about another time');
    const mine = checkAccreditation(state, {
      subject: parseDdiDid(query.subject),
      role: query.role as Role,
      ...(query.credentialType ? { credentialType: query.credentialType } : {}),
      ...(query.template ? { template: query.template } : {}),
      at,
    });
    if (mine.accredited !== answer.answer.accredited) {
      throw new DdiError(
        ErrorCode.InvalidProof,
        'the node claimed an answer its own proofs contradict',
      );
    }
    return {
      height: answer.proof.header.height,
      value: {
        accredited: mine.accredited,
        ...(mine.accredited ? {} : { reason: mine.reason }),
        chain: mine.chain,
        at: answer.answer.at,
      },
    };
  }

  /**
   * A credential's status (valid, revoked, suspended) at `index` of an issuer's list,
   * recomputed from the proven list record and page: a node cannot hide a revocation.
   */
  async statusOf(owner: string, listId: string, index: number): Promise<Verified<StatusEntryView>> {
    const answer = await this.transport.proveStatusEntry(owner, listId, index);
    const state = this.verify(answer.proof);
    // The same query the node ran, over proven entries only; a missing list is `notFound`.
    const mine = statusEntry(state, owner, listId, index);
    if (mine.value !== answer.entry.value || mine.index !== answer.entry.index) {
      throw new DdiError(
        ErrorCode.InvalidProof,
        'the node claimed a status its own proofs contradict',
      );
    }
    return { height: answer.proof.header.height, value: mine };
  }
}
