import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DdiError } from '../../../src/core/errors.ts';
import {
  STATUS_INDEX_FILE,
  StatusIndexAllocator,
} from '../../../src/services/status/status-index-allocator.ts';
import { tempDir } from '../../helpers/temp-node.ts';

const { dir, cleanup } = tempDir('ddi-status-alloc-');
afterAll(cleanup);
const owner = 'did:ddi:issuer';

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(DdiError);
    return (err as DdiError).code;
  }
  throw new Error('expected an error');
}

describe('StatusIndexAllocator', () => {
  it('hands out distinct, spread-out indexes, and every index of a small list once', () => {
    const allocator = StatusIndexAllocator.open(join(dir, 'unique.sqlite'));
    const big = { owner, listId: 'list-big-1', size: 131_072 };
    const drawn = Array.from({ length: 2000 }, () => allocator.allocate(big));
    expect(new Set(drawn).size).toBe(2000);
    for (const i of drawn) expect(i >= 0 && i < big.size).toBe(true);
    // Random, not sequential: the first 2000 draws are not 0..1999, and fall in both halves.
    expect(drawn.filter((i) => i < 2000).length).toBeLessThan(200);
    expect(drawn.filter((i) => i >= big.size / 2).length).toBeGreaterThan(800);
    expect(drawn.filter((i) => i >= big.size / 2).length).toBeLessThan(1200);

    // A small list fills completely, through the fallback for nearly full lists.
    const small = { owner, listId: 'list-small', size: 300 };
    const all = Array.from({ length: 300 }, () => allocator.allocate(small));
    expect([...all].sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(codeOf(() => allocator.allocate(small))).toBe('conflict');
    // Lists are apart: another list of the same owner starts empty.
    expect(allocator.allocatedCount({ owner, listId: 'list-other' })).toBe(0);
    allocator.close();
  });

  it('remembers its allocations across a reopen, and never reuses them', () => {
    const file = join(dir, STATUS_INDEX_FILE);
    const list = { owner, listId: 'list-durable', size: 64 };
    const first = StatusIndexAllocator.open(file);
    const before = Array.from({ length: 40 }, () => first.allocate(list));
    first.close();
    const second = StatusIndexAllocator.open(file);
    expect(second.allocatedCount(list)).toBe(40);
    for (const i of before) expect(second.isTaken(list, i)).toBe(true);
    const after = Array.from({ length: 24 }, () => second.allocate(list));
    expect(new Set([...before, ...after]).size).toBe(64);
    expect(codeOf(() => second.allocate(list))).toBe('conflict');
    expect(codeOf(() => second.allocate({ ...list, size: 0 }))).toBe('malformed');
    second.close();
  });

  it('hands out at most `capacity` indexes of a list, still drawn from all of it', () => {
    const allocator = StatusIndexAllocator.open(join(dir, 'capacity.sqlite'));
    const list = { owner, listId: 'list-capped', size: 131_072, capacity: 50 };
    const drawn = Array.from({ length: 50 }, () => allocator.allocate(list));
    expect(new Set(drawn).size).toBe(50);
    // Spread over the whole list, not packed into the first `capacity` entries.
    expect(Math.max(...drawn)).toBeGreaterThan(50_000);
    expect(codeOf(() => allocator.allocate(list))).toBe('conflict');
    expect(allocator.allocatedCount(list)).toBe(50);
    // A larger capacity lets the same list go on.
    expect(allocator.allocate({ ...list, capacity: 51 })).toBeGreaterThanOrEqual(0);
    for (const capacity of [0, 131_073, 1.5]) {
      expect(codeOf(() => allocator.allocate({ ...list, capacity }))).toBe('malformed');
    }
    expect(allocator.allocatedCount(list)).toBe(51);
    allocator.close();
  });
});
