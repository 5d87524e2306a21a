import { describe, expect, it } from 'vitest';
import { validUtf8Region } from './utf8-region.ts';

describe('validUtf8Region', () => {
  const text = Buffer.from('aé😀b'); // 1 + 2 + 4 + 1 bytes

  it('covers a whole valid chunk', () => {
    expect(validUtf8Region(text)).toEqual({ start: 0, end: 8 });
  });

  it('leaves out a character split at either edge of the chunk', () => {
    expect(validUtf8Region(text.subarray(0, 5))).toEqual({ start: 0, end: 3 }); // cut inside 😀
    expect(validUtf8Region(text.subarray(2, 8))).toEqual({ start: 1, end: 6 }); // starts inside é
  });

  it('is empty when the chunk holds an invalid byte', () => {
    expect(validUtf8Region(Buffer.from([0x61, 0xff, 0x62]))).toEqual({ start: 0, end: 0 });
  });
});
