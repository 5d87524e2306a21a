import { describe, expect, it } from 'vitest';
import { ArrayScanner, isJsonWhitespace } from './json-array-scanner.ts';

describe('ArrayScanner', () => {
  it('carries string, escape and depth state across chunks', () => {
    const scanner = new ArrayScanner(1024, 0);
    for (const part of ['[{"a":"x\\', '"]"}', ',{"b":[1,', '{"c":"\\\\"}]}', ']'])
      scanner.scan(Buffer.from(part));
    expect(scanner.finish(false)).toBe(false);
    expect(scanner.take()).toMatchObject([{ value: { a: 'x"]' } }, { value: { b: [1, { c: '\\' }] } }]);
  });

  it('reports an array left open after a complete element', () => {
    const scanner = new ArrayScanner(1024, 0);
    scanner.scan(Buffer.from('[1, 2,'));
    expect(scanner.take()).toMatchObject([{ value: 1 }, { value: 2 }]);
    expect(scanner.finish(false)).toBe(true);
    expect(scanner.take()).toEqual([]);
  });

  it('treats space, tab, CR and LF as JSON whitespace', () => {
    expect([0x20, 0x09, 0x0d, 0x0a, 0x0c].map(isJsonWhitespace)).toEqual([true, true, true, true, false]);
  });
});
