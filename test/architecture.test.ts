import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { REPO_ROOT } from './helpers/node-process.ts';

// Layers import downward only: core → ledger → services → clients (DESIGN.md).
const LAYERS = ['core', 'ledger', 'services', 'clients'] as const;
const SRC = join(REPO_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function layerOf(path: string): number {
  const top = relative(SRC, path).split('/')[0] as (typeof LAYERS)[number];
  return LAYERS.indexOf(top);
}

describe('architecture', () => {
  it('has every source file inside one of the four layers', () => {
    for (const file of sourceFiles(SRC)) expect(layerOf(file), file).toBeGreaterThanOrEqual(0);
  });

  it('never imports from a higher layer', () => {
    const violations: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
        const target = resolve(dirname(file), match[1]!);
        if (!target.startsWith(SRC)) continue;
        if (layerOf(target) > layerOf(file))
          violations.push(`${relative(REPO_ROOT, file)} imports ${match[1]}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('has a README in each layer folder', () => {
    for (const layer of LAYERS)
      expect(statSync(join(SRC, layer, 'README.md')).isFile(), layer).toBe(true);
  });
});
