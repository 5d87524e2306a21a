import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAll, tempDir } from './reader-test-kit.ts';
import { byteStreamReader, hasBom, TRUNCATED_INPUT_WARNING } from './record-reader.ts';

let dir = '';
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

describe('byteStreamReader', () => {
  it('adds one truncation warning naming the file when the byte stream failed, and tracks bytes', async () => {
    const file = path.join(dir, 'cut.gz');
    const compressed = gzipSync('x'.repeat(100_000));
    await writeFile(file, compressed.subarray(0, compressed.length - 8));
    let decoded = 0;
    const reader = byteStreamReader(
      { path: file, format: 'ndjson', gzip: true },
      { maxRecordBytes: 10 },
      async function* (bytes) {
        for await (const chunk of bytes) decoded += chunk.length;
        yield [];
      },
    );
    await readAll(reader);
    expect(decoded).toBe(100_000);
    expect(reader.bytesConsumed).toBe(compressed.length - 8);
    expect(reader.warnings).toHaveLength(1);
    expect(reader.warnings[0]).toMatchObject({ code: TRUNCATED_INPUT_WARNING });
    expect(reader.warnings[0]!.message.startsWith(`${file}: the gzip stream is truncated or corrupt`)).toBe(
      true,
    );
  });

  it('detects a UTF-8 BOM', () => {
    expect(hasBom(Buffer.from('\uFEFF{'))).toBe(true);
    expect(hasBom(Buffer.from('{'))).toBe(false);
  });
});
