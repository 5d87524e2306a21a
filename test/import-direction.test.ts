import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The arrows of DESIGN.md: code may import only from its own area or from an area to its left.
 * `errors` is the shared vocabulary of coded errors and sits below everything; `config` (the project
 * file, which will declare metrics and reports) and `demo` (which drives ingestion) sit just below the
 * surfaces; `server` is the HTTP surface and `cli` the outermost one: `sightline serve` and `keys` start
 * the server and manage its keys, so the CLI may import the server and nothing imports the CLI.
 */
const LAYERS: Record<string, number> = {
  errors: 0,
  math: 1,
  data: 2,
  analytics: 3,
  automation: 4,
  config: 5,
  demo: 5,
  server: 6,
  cli: 7,
};

const SRC = path.resolve(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

function areaOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0]!;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function violations(files: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const from = areaOf(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2]!;
      if (!specifier.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), specifier);
      if (!target.startsWith(SRC)) continue;
      const to = areaOf(target);
      if (to === from) continue;
      const allowed = LAYERS[to]! < LAYERS[from]! || (to === 'errors' && from !== 'errors');
      if (!allowed) found.push(`${path.relative(SRC, file)} imports ${specifier} (${from} -> ${to})`);
    }
  }
  return found;
}

describe('import direction', () => {
  const files = sourceFiles(SRC);

  it('every folder under src is a known layer', () => {
    const areas = new Set(files.map(areaOf));
    for (const area of areas) expect(Object.keys(LAYERS)).toContain(area);
  });

  it('no module imports from a layer to its right (math <- data <- analytics <- automation <- server/cli)', () => {
    expect(violations(files)).toEqual([]);
  });

  it('math is pure: it imports no node built-ins that do I/O', () => {
    const impure = files
      .filter((f) => areaOf(f) === 'math')
      .filter((f) =>
        /from\s+['"]node:(fs|net|http|https|child_process|worker_threads)/.test(readFileSync(f, 'utf8')),
      );
    expect(impure).toEqual([]);
  });
});
