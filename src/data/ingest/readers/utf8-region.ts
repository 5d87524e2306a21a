import { isUtf8 } from 'node:buffer';

/**
 * The part of a chunk known to be valid UTF-8, found with one native check: a chunk boundary may split a
 * character, so the check skips continuation bytes at the start and an incomplete character at the end.
 * Records inside [start, end) need no check of their own; records crossing it are checked one by one.
 * (One check per chunk instead of per record also avoids a Buffer view per record, which costs more in
 * garbage collection than the check itself.)
 */
export function validUtf8Region(chunk: Buffer): { start: number; end: number } {
  const n = chunk.length;
  let start = 0;
  while (start < n && start < 3 && (chunk[start]! & 0xc0) === 0x80) start++;
  let end = n;
  let lead = n - 1;
  while (lead > start && lead > n - 4 && (chunk[lead]! & 0xc0) === 0x80) lead--;
  if (lead >= start) {
    const b = chunk[lead]!;
    const length = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (lead + length > n) end = lead;
  }
  return isUtf8(chunk.subarray(start, end)) ? { start, end } : { start: 0, end: 0 };
}
