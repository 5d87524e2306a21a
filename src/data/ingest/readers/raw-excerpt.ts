import type { BrokenRecord } from './types.ts';

/**
 * How much of an oversized record is kept for the dead-letter file. Records within the size limit keep
 * their whole raw text when rejected (it is bounded by maxRecordBytes); only records over the limit are
 * cut, so that a multi-gigabyte line never has to be held in memory.
 */
export const MAX_RAW_BYTES = 64 * 1024;

/** The end of at most `maxBytes` of buf[start, end), moved back so that no UTF-8 character is split. */
export function excerptEnd(buf: Buffer, start: number, end: number, maxBytes = MAX_RAW_BYTES): number {
  if (end - start <= maxBytes) return end;
  let cut = start + maxBytes;
  // Continuation bytes are 10xxxxxx; a character is at most 4 bytes.
  for (let k = 0; k < 3 && cut > start && (buf[cut]! & 0xc0) === 0x80; k++) cut--;
  return cut;
}

/** A record that arrived whole in one buffer but is over the size limit, rejected with an excerpt of it. */
export function oversizedInBuffer(
  buf: Buffer,
  start: number,
  end: number,
  ordinal: number,
  line: number,
  detail: string,
): BrokenRecord {
  return {
    ordinal,
    line,
    reject: 'record_too_large',
    raw: buf.toString('utf8', start, excerptEnd(buf, start, end)),
    rawTruncated: true,
    bytes: end - start,
    detail,
  };
}

const HEAD_BYTES = MAX_RAW_BYTES + 4; // a few more, to find the character boundary at the cut

/**
 * A record known to be over the size limit, possibly spanning many chunks: it keeps the first
 * MAX_RAW_BYTES and only counts the rest, so memory stays bounded whatever the record's length.
 */
export class OversizedRecord {
  private head: Buffer;
  private bytes = 0;
  private lastByte = -1;

  constructor(
    /** 1-based line where the record starts. */
    readonly line: number,
  ) {
    this.head = Buffer.alloc(0);
  }

  /** Account for buf[start, end), keeping bytes only while the head is short. */
  extend(buf: Buffer, start: number, end: number): void {
    if (end <= start) return;
    this.bytes += end - start;
    this.lastByte = buf[end - 1]!;
    if (this.head.length < HEAD_BYTES) {
      const take = buf.subarray(start, Math.min(end, start + HEAD_BYTES - this.head.length));
      this.head = Buffer.concat([this.head, take]);
    }
  }

  /** The record as rejected. A CR just before the newline is not counted as the record's. */
  toBroken(ordinal: number, reject: BrokenRecord['reject'], detail: string, stripCr = true): BrokenRecord {
    const bytes = stripCr && this.lastByte === 0x0d ? this.bytes - 1 : this.bytes;
    return {
      ordinal,
      line: this.line,
      reject,
      raw: this.head.toString('utf8', 0, excerptEnd(this.head, 0, this.head.length)),
      rawTruncated: true,
      bytes,
      detail,
    };
  }
}
