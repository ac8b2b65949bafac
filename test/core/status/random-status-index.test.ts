import { describe, expect, it } from 'vitest';
import { DdiError } from '../../../src/core/errors.ts';
import { randomStatusIndex } from '../../../src/core/status/index.ts';

describe('randomStatusIndex', () => {
  it('never returns a taken index and stays inside the list', () => {
    const size = 64;
    const taken = new Set<number>();
    for (let i = 0; i < size; i++) {
      const index = randomStatusIndex(size, (j) => taken.has(j), 100_000);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(index).toBeLessThan(size);
      expect(taken.has(index)).toBe(false);
      taken.add(index);
    }
    expect(taken.size).toBe(size);
  });

  it('is not sequential: the first picks spread over the whole list', () => {
    const picks = Array.from({ length: 200 }, () => randomStatusIndex(1_048_576, () => false));
    // Sequential allocation would give 0..199; random picks land in every eighth of the list.
    const eighths = new Set(picks.map((i) => Math.floor(i / 131_072)));
    expect(eighths.size).toBe(8);
    expect(new Set(picks).size).toBeGreaterThan(190);
  });

  it('is uniform over a size that is not a power of two (no modulo bias)', () => {
    const size = 3;
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[randomStatusIndex(size, () => false)]!++;
    // Each count is Binomial(30000, 1/3): sd ≈ 82, so ±500 is over six sd.
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('gives up with conflict when the list is full, and refuses a bad size', () => {
    const err = (() => {
      try {
        randomStatusIndex(16, () => true, 50);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DdiError);
    expect((err as DdiError).code).toBe('conflict');
    expect(() => randomStatusIndex(0, () => false)).toThrow(DdiError);
    expect(() => randomStatusIndex(2 ** 32 + 1, () => false)).toThrow(DdiError);
  });
});
