// Public surface of core/status: credential status lists in both standard encodings.
export {
  TokenStatus,
  isStatusBits,
  packTokenStatuses,
  packedLength,
  readPackedStatus,
  unpackTokenStatuses,
  writePackedStatus,
} from './packed-statuses.ts';
export type { StatusBits } from './packed-statuses.ts';
export {
  decodeTokenStatusList,
  encodeTokenStatusList,
  encodeTokenStatusListBytes,
} from './token-status-list.ts';
export type { TokenStatusList, TokenStatusListReader } from './token-status-list.ts';
export {
  BITSTRING_MIN_ENTRIES,
  bitstringForPurpose,
  decodeBitstring,
  encodeBitstring,
  packBitstring,
} from './bitstring-status-list.ts';
export type { BitstringReader, BitstringStatusPurpose } from './bitstring-status-list.ts';
export { randomStatusIndex } from './random-status-index.ts';
