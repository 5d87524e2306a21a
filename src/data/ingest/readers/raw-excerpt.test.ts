import { describe, expect, it } from 'vitest';
import { excerptEnd, MAX_RAW_BYTES, OversizedRecord } from './raw-excerpt.ts';

describe('excerptEnd', () => {
  it('keeps short ranges whole and cuts long ones at a character boundary', () => {
    expect(excerptEnd(Buffer.from('abc'), 0, 3, 2)).toBe(2);
    const euro = Buffer.from('€€'); // 3 bytes each
    expect(excerptEnd(euro, 0, 6, 4)).toBe(3);
    expect(excerptEnd(euro, 0, 6, 6)).toBe(6);
    expect(excerptEnd(Buffer.from('a😀'), 0, 5, 3)).toBe(1);
  });
});

describe('OversizedRecord', () => {
  it('counts every byte but keeps only the first MAX_RAW_BYTES', () => {
    const record = new OversizedRecord(7);
    const chunk = Buffer.alloc(50_000, 0x61);
    for (let i = 0; i < 10; i++) record.extend(chunk, 0, chunk.length);
    record.extend(Buffer.from('\r'), 0, 1);
    expect(record.toBroken(3, 'record_too_large', 'big')).toEqual({
      ordinal: 3,
      line: 7,
      reject: 'record_too_large',
      raw: 'a'.repeat(MAX_RAW_BYTES),
      rawTruncated: true,
      bytes: 500_000,
      detail: 'big',
    });
    expect(record.toBroken(3, 'truncated', 'cut', false).bytes).toBe(500_001);
  });
});
