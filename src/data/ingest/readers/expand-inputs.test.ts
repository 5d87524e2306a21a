import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandInputs, sourceFor } from './expand-inputs.ts';
import { tempDir } from './reader-test-kit.ts';

let dir = '';
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const files = [
    'data/b.ndjson',
    'data/a.jsonl.gz',
    'data/sub/c.csv',
    'data/sub/d.TSV',
    'data/sub/e.parquet',
    'data/sub/f.json',
    'data/notes.txt',
    'data/.hidden.ndjson',
    'data/.cache/g.ndjson',
    'odd.log',
    'events.parquet.gz',
  ];
  for (const file of files) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), '');
  }
  await mkdir(path.join(dir, 'empty'));
});
afterAll(() => cleanup());

const at = (...parts: string[]) => path.join(dir, ...parts);

describe('expandInputs', () => {
  it('reads `-` as standard input, sniffed as json unless a format is given', async () => {
    expect(await expandInputs(['-'])).toEqual([{ path: '-', format: 'json', gzip: false }]);
    expect(await expandInputs(['-'], 'csv')).toEqual([{ path: '-', format: 'csv', gzip: false }]);
  });

  it('expands a directory to its known files, recursively, sorted, without hidden ones', async () => {
    expect(await expandInputs([at('data')])).toEqual([
      { path: at('data/a.jsonl.gz'), format: 'ndjson', gzip: true },
      { path: at('data/b.ndjson'), format: 'ndjson', gzip: false },
      { path: at('data/sub/c.csv'), format: 'csv', gzip: false },
      { path: at('data/sub/d.TSV'), format: 'csv', gzip: false },
      { path: at('data/sub/e.parquet'), format: 'parquet', gzip: false },
      { path: at('data/sub/f.json'), format: 'json', gzip: false },
    ]);
  });

  it('expands a glob to its matches, sorted', async () => {
    const sources = await expandInputs([`${dir}/data/**/*.{csv,TSV}`]);
    expect(sources.map((s) => s.path)).toEqual([at('data/sub/c.csv'), at('data/sub/d.TSV')]);
  });

  it('keeps a plain file as given, reads a file named twice once, and lets --format win', async () => {
    const sources = await expandInputs([at('odd.log'), at('data/b.ndjson'), at('data')], 'ndjson');
    expect(sources.map((s) => [path.relative(dir, s.path), s.format])).toEqual([
      ['odd.log', 'ndjson'],
      ['data/b.ndjson', 'ndjson'],
      ['data/a.jsonl.gz', 'ndjson'],
      ['data/sub/c.csv', 'ndjson'],
      ['data/sub/d.TSV', 'ndjson'],
      ['data/sub/e.parquet', 'ndjson'],
      ['data/sub/f.json', 'ndjson'],
    ]);
  });

  it('names a path or glob that matches nothing (SL_INGEST_INPUT_NOT_FOUND)', async () => {
    await expect(expandInputs([at('missing.ndjson')])).rejects.toMatchObject({
      code: 'SL_INGEST_INPUT_NOT_FOUND',
      message: `${at('missing.ndjson')} does not exist`,
    });
    await expect(expandInputs([`${dir}/*.nothing`])).rejects.toMatchObject({
      code: 'SL_INGEST_INPUT_NOT_FOUND',
      message: `no file matches ${dir}/*.nothing`,
    });
    await expect(expandInputs([at('empty')])).rejects.toMatchObject({ code: 'SL_INGEST_INPUT_NOT_FOUND' });
  });

  it('refuses unknown extensions, parquet in gzip, and parquet on stdin (SL_INGEST_UNKNOWN_FORMAT)', async () => {
    await expect(expandInputs([at('odd.log')])).rejects.toMatchObject({ code: 'SL_INGEST_UNKNOWN_FORMAT' });
    await expect(expandInputs([at('events.parquet.gz')])).rejects.toMatchObject({
      code: 'SL_INGEST_UNKNOWN_FORMAT',
    });
    await expect(expandInputs(['-'], 'parquet')).rejects.toMatchObject({ code: 'SL_INGEST_UNKNOWN_FORMAT' });
    await expect(expandInputs(['-'], 'xml' as never)).rejects.toMatchObject({
      code: 'SL_INGEST_UNKNOWN_FORMAT',
    });
  });
});

describe('sourceFor', () => {
  it.each([
    ['a.ndjson', 'ndjson', false],
    ['a.jsonl', 'ndjson', false],
    ['a.JSON.GZ', 'json', true],
    ['a.csv.gz', 'csv', true],
    ['a.tsv', 'csv', false],
    ['a.parquet', 'parquet', false],
  ])('%s -> %s (gzip %s)', (file, format, gzip) => {
    expect(sourceFor(file)).toEqual({ path: file, format, gzip });
  });
});
