import { describe, expect, it } from 'vitest';
import { findLongString } from './find-long-string.ts';

describe('findLongString', () => {
  it('finds the first long value anywhere and names its path', () => {
    expect(findLongString({ a: 'ok', b: [{ c: 'xxxx' }] }, 3)).toBe('b.0.c');
    expect(findLongString('xxxx', 3)).toBe('(the record)');
  });

  it('flags long keys', () => {
    expect(findLongString({ kkkk: 1 }, 3)).toBe('kkkk… (a key)');
  });

  it('returns null when every string fits, counting UTF-16 units', () => {
    expect(findLongString({ a: 'xxx', n: 12345, e: '😀' }, 3)).toBeNull();
    expect(findLongString({ e: '😀😀' }, 3)).toBe('e');
  });
});
