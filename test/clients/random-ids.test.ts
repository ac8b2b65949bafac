import { describe, expect, it } from 'vitest';
import { randomNonce } from '../../src/clients/sdk/lib/registry-transaction.ts';

describe('generated ids', () => {
  it('are 16 base64url characters that never start like a command-line option', () => {
    // One in 32 raw base64url strings starts with - or _: 5,000 draws would show it.
    const ids = Array.from({ length: 5000 }, () => randomNonce());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{15}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
