import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ByteStream, MIN_FIRST_CHUNK_BYTES, openInput } from './open-input.ts';
import { tempDir } from './reader-test-kit.ts';

let dir = '';
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

async function collect(stream: ByteStream): Promise<{ data: Buffer; chunks: Buffer[] }> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return { data: Buffer.concat(chunks), chunks };
}

async function* from(...chunks: (string | Buffer)[]): AsyncGenerator<Buffer | string> {
  yield* chunks;
}

describe('openInput', () => {
  it('reads a plain file in large chunks and counts the bytes consumed', async () => {
    const file = path.join(dir, 'plain.ndjson');
    const content = Buffer.alloc(3 * 1024 * 1024 + 5, 0x61);
    await writeFile(file, content);
    const stream = openInput({ path: file, format: 'ndjson', gzip: false });
    const { data, chunks } = await collect(stream);
    expect(data.equals(content)).toBe(true);
    expect(chunks[0]!.length).toBe(1024 * 1024);
    expect(stream.bytesConsumed).toBe(content.length);
    expect(stream.failure).toBeUndefined();
  });

  it('gunzips .gz files and counts compressed bytes', async () => {
    const file = path.join(dir, 'a.ndjson.gz');
    const compressed = gzipSync('hello\nworld\n');
    await writeFile(file, compressed);
    const stream = openInput({ path: file, format: 'ndjson', gzip: true });
    expect((await collect(stream)).data.toString()).toBe('hello\nworld\n');
    expect(stream.bytesConsumed).toBe(compressed.length);
  });

  it('reads concatenated gzip members (as `cat a.gz b.gz` makes)', async () => {
    const file = path.join(dir, 'multi.ndjson.gz');
    await writeFile(file, Buffer.concat([gzipSync('a\n'), gzipSync('b\n')]));
    expect((await collect(openInput({ path: file, format: 'ndjson', gzip: true }))).data.toString()).toBe(
      'a\nb\n',
    );
  });

  it('yields what was decoded before a truncated gzip stream ended, then sets failure', async () => {
    const text = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'z'.repeat(i % 40)}`).join('\n');
    const compressed = gzipSync(text);
    const file = path.join(dir, 'cut.gz');
    await writeFile(file, compressed.subarray(0, compressed.length - 100));
    const stream = openInput({ path: file, format: 'ndjson', gzip: true });
    const { data } = await collect(stream);
    expect(data.length).toBeGreaterThan(text.length - 2000);
    expect(text.startsWith(data.toString())).toBe(true);
    expect(stream.failure).toMatch(
      /^the gzip stream is truncated or corrupt \(unexpected end of file\) after \d+ compressed bytes$/,
    );
  });

  it('reports corrupt gzip data as a failure instead of throwing', async () => {
    const compressed = Buffer.from(gzipSync('x'.repeat(100000) + Math.random()));
    compressed.fill(0x55, 20, 40);
    const file = path.join(dir, 'corrupt.gz');
    await writeFile(file, compressed);
    const stream = openInput({ path: file, format: 'ndjson', gzip: true });
    await collect(stream);
    expect(stream.failure).toContain('the gzip stream is truncated or corrupt');
  });

  it('throws SL_INGEST_READ_FAILED for a .gz file that is not gzip', async () => {
    const file = path.join(dir, 'fake.ndjson.gz');
    await writeFile(file, '{"a":1}\n');
    await expect(collect(openInput({ path: file, format: 'ndjson', gzip: true }))).rejects.toMatchObject({
      code: 'SL_INGEST_READ_FAILED',
      message: `${file} is named .gz but is not gzip-compressed`,
    });
  });

  it('throws SL_INGEST_INPUT_NOT_FOUND for a missing file and SL_INGEST_READ_FAILED for a directory', async () => {
    const missing = path.join(dir, 'missing.ndjson');
    await expect(collect(openInput({ path: missing, format: 'ndjson', gzip: false }))).rejects.toMatchObject({
      code: 'SL_INGEST_INPUT_NOT_FOUND',
    });
    const sub = path.join(dir, 'sub');
    await mkdir(sub);
    await expect(collect(openInput({ path: sub, format: 'ndjson', gzip: false }))).rejects.toMatchObject({
      code: 'SL_INGEST_READ_FAILED',
    });
  });

  it('reads an empty file and an empty .gz file as no bytes', async () => {
    const empty = path.join(dir, 'empty.ndjson');
    const emptyGz = path.join(dir, 'empty.ndjson.gz');
    await writeFile(empty, '');
    await writeFile(emptyGz, '');
    expect((await collect(openInput({ path: empty, format: 'ndjson', gzip: false }))).chunks).toEqual([]);
    const gz = openInput({ path: emptyGz, format: 'ndjson', gzip: true });
    expect((await collect(gz)).chunks).toEqual([]);
    expect(gz.failure).toBeUndefined();
  });

  it('sniffs gzip on stdin and merges tiny leading chunks so the first holds at least 4 bytes', async () => {
    const compressed = gzipSync('{"a":1}\n');
    const bytes = [...compressed].map((b) => Buffer.from([b]));
    const gz = await collect(
      openInput({ path: '-', format: 'json', gzip: false }, { stdin: from(...bytes) }),
    );
    expect(gz.data.toString()).toBe('{"a":1}\n');

    const plain = await collect(
      openInput({ path: '-', format: 'json', gzip: false }, { stdin: from('a', 'b', 'cde', 'f') }),
    );
    expect(plain.chunks[0]!.length).toBeGreaterThanOrEqual(MIN_FIRST_CHUNK_BYTES);
    expect(plain.data.toString()).toBe('abcdef');
    const short = await collect(
      openInput({ path: '-', format: 'json', gzip: false }, { stdin: from('[', ']') }),
    );
    expect(short.chunks.map(String)).toEqual(['[]']);
  });

  it('refuses to be iterated twice', async () => {
    const stream = openInput({ path: '-', format: 'json', gzip: false }, { stdin: from('abcd') });
    await collect(stream);
    await expect(collect(stream)).rejects.toThrow('only once');
  });
});
