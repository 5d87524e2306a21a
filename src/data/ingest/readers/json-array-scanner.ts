import { isUtf8 } from 'node:buffer';
import { jsonRecord } from './json-record.ts';
import { excerptEnd, OversizedRecord } from './raw-excerpt.ts';
import type { FramedRecord } from './types.ts';
import { validUtf8Region } from './utf8-region.ts';

const NL = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

export function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === NL || c === CR || c === 0x09;
}

// Where the scanner is, between chunks.
const BEFORE_ARRAY = 0; // before the opening bracket
const EXPECT_ELEMENT = 1; // after `[` or `,`
const IN_ELEMENT = 2;
const AFTER_ELEMENT = 3; // expecting `,` or `]`
const AFTER_ARRAY = 4; // only whitespace may follow
const TRAILING_GARBAGE = 5;

/**
 * The byte-level state machine behind frameJsonArray: it tracks strings, escapes and nesting depth to
 * find where each top-level element of a JSON array ends, across chunk boundaries, and turns each element
 * into a record (JSON.parse of just that element). See frameJsonArray for how damage is reported.
 */
export class ArrayScanner {
  batch: FramedRecord[] = [];
  private state = BEFORE_ARRAY;
  private line = 1;
  private ordinal = 0;
  // The element being scanned.
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** True for numbers, true/false/null (and garbage): they end at a delimiter rather than a bracket. */
  private scalar = false;
  private startLine = 0;
  private missingComma = false;
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private oversized: OversizedRecord | null = null;
  private newlineBuf: Buffer | null = null;
  /** The region of the current chunk known to be valid UTF-8. */
  private validStart = 0;
  private validEnd = 0;
  private nextNewline = 0;

  constructor(
    private readonly maxRecordBytes: number,
    private readonly skip: number,
  ) {}

  take(): FramedRecord[] {
    const batch = this.batch;
    this.batch = [];
    return batch;
  }

  scan(chunk: Buffer): void {
    const valid = validUtf8Region(chunk);
    this.validStart = valid.start;
    this.validEnd = valid.end;
    const n = chunk.length;
    let i = 0;
    // Start of the current element (or garbage) within this chunk, when it is in progress.
    let start = this.state === IN_ELEMENT || this.state === TRAILING_GARBAGE ? 0 : -1;
    while (i < n) {
      const c = chunk[i]!;
      switch (this.state) {
        case IN_ELEMENT: {
          if (this.inString) {
            // Jump to the next quote; a run of backslashes before it decides whether it is escaped.
            if (this.escaped) {
              this.escaped = false;
              if (c === NL) this.line++;
              i++;
              continue;
            }
            const q = chunk.indexOf(QUOTE, i);
            const stop = q === -1 ? n : q;
            this.countNewlines(chunk, i, stop);
            if (q === -1) {
              this.escaped = trailingBackslashesOdd(chunk, i, n);
              i = n;
              continue;
            }
            if (trailingBackslashesOdd(chunk, i, q)) {
              i = q + 1;
              continue;
            }
            this.inString = false;
            i = q + 1;
            if (this.depth === 0) {
              this.endElement(chunk, start, i);
              start = -1;
            }
            continue;
          }
          if (this.scalar) {
            if (c === COMMA || c === CLOSE_BRACKET || isJsonWhitespace(c)) {
              this.endElement(chunk, start, i);
              start = -1;
              continue; // the delimiter is handled in AFTER_ELEMENT
            }
          } else if (c === QUOTE) this.inString = true;
          else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
          else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
            this.depth--;
            if (this.depth === 0) {
              i++;
              this.endElement(chunk, start, i);
              start = -1;
              continue;
            }
          } else if (c === NL) this.line++;
          i++;
          continue;
        }
        case EXPECT_ELEMENT:
        case AFTER_ELEMENT: {
          if (isJsonWhitespace(c)) {
            if (c === NL) this.line++;
          } else if (c === CLOSE_BRACKET) {
            // `[` then `]`, or a trailing comma before `]`: nothing is lost, so nothing is reported.
            this.state = AFTER_ARRAY;
          } else if (c === COMMA) {
            if (this.state === EXPECT_ELEMENT) this.emptySlot();
            this.state = EXPECT_ELEMENT;
          } else {
            this.missingComma = this.state === AFTER_ELEMENT;
            this.startElement(c);
            start = i;
            if (!this.scalar && c !== QUOTE) this.depth = 1;
            if (c === QUOTE) this.inString = true;
          }
          i++;
          continue;
        }
        case BEFORE_ARRAY: {
          if (c === OPEN_BRACKET) this.state = EXPECT_ELEMENT;
          else if (c === NL) this.line++;
          i++;
          continue;
        }
        case AFTER_ARRAY: {
          if (isJsonWhitespace(c)) {
            if (c === NL) this.line++;
            i++;
            continue;
          }
          this.state = TRAILING_GARBAGE;
          this.startLine = this.line;
          start = i;
          this.parts = [];
          this.partsBytes = 0;
          this.oversized = null;
          i = n;
          continue;
        }
        default: // TRAILING_GARBAGE: keep (a bounded part of) everything until the end
          i = n;
      }
    }
    if (start !== -1) this.keep(chunk, start, n);
    if (this.state === TRAILING_GARBAGE) this.countNewlines(chunk, start === -1 ? 0 : start, n);
  }

  /** At the end of input; returns true when the array was opened but never closed. */
  finish(failed: boolean): boolean {
    if (this.state === IN_ELEMENT) {
      this.emitKept(
        'truncated',
        failed ? 'the input ended inside this element' : 'the input ends inside this element',
      );
      return true;
    }
    if (this.state === TRAILING_GARBAGE) {
      this.emitKept('invalid_json', 'unexpected text after the end of the JSON array');
      return false;
    }
    return this.state === EXPECT_ELEMENT || this.state === AFTER_ELEMENT;
  }

  private startElement(c: number): void {
    this.state = IN_ELEMENT;
    this.startLine = this.line;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.scalar = c !== OPEN_BRACE && c !== OPEN_BRACKET && c !== QUOTE;
    this.parts = [];
    this.partsBytes = 0;
    this.oversized = null;
  }

  /** Hold buf[start, end) of the element in progress, or only count it once it is oversized. */
  private keep(buf: Buffer, start: number, end: number): void {
    if (this.oversized !== null) {
      this.oversized.extend(buf, start, end);
      return;
    }
    this.parts.push(buf.subarray(start, end));
    this.partsBytes += end - start;
    if (this.partsBytes > this.maxRecordBytes) {
      this.oversized = new OversizedRecord(this.startLine);
      for (const part of this.parts) this.oversized.extend(part, 0, part.length);
      this.parts = [];
    }
  }

  private endElement(chunk: Buffer, start: number, end: number): void {
    this.state = AFTER_ELEMENT;
    const reject = this.missingComma ? 'invalid_json' : null;
    const detail = this.missingComma ? 'expected "," or "]" before this element' : '';
    // The common case, an element inside one chunk, is parsed straight from the chunk.
    if (
      start !== -1 &&
      this.parts.length === 0 &&
      this.oversized === null &&
      end - start <= this.maxRecordBytes
    ) {
      this.emit(chunk, start, end, reject, detail, start >= this.validStart && end <= this.validEnd);
      return;
    }
    if (start !== -1) this.keep(chunk, start, end);
    this.emitKept(reject, detail);
  }

  private emptySlot(): void {
    const ordinal = this.ordinal++;
    if (ordinal < this.skip) return;
    this.batch.push({
      ordinal,
      line: this.line,
      reject: 'invalid_json',
      raw: '',
      bytes: 0,
      detail: 'empty array element (",,")',
    });
  }

  /** Emit the element held in parts/oversized. */
  private emitKept(reject: 'invalid_json' | 'truncated' | null, detail: string): void {
    const oversized = this.oversized;
    const parts = this.parts;
    this.parts = [];
    this.oversized = null;
    if (oversized === null) {
      const buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      this.emit(buf, 0, buf.length, reject, detail, false);
      return;
    }
    const ordinal = this.ordinal++;
    if (ordinal < this.skip) return;
    this.batch.push(
      reject === null
        ? oversized.toBroken(
            ordinal,
            'record_too_large',
            `the element is larger than ${this.maxRecordBytes} bytes`,
            false,
          )
        : oversized.toBroken(ordinal, reject, detail, false),
    );
  }

  /** Emit buf[start, end): parsed when `reject` is null, else rejected with an excerpt of it. */
  private emit(
    buf: Buffer,
    start: number,
    end: number,
    reject: 'invalid_json' | 'truncated' | null,
    detail: string,
    knownUtf8: boolean,
  ): void {
    const ordinal = this.ordinal++;
    if (ordinal < this.skip) return;
    const line = this.startLine;
    const bytes = end - start;
    if (reject !== null) {
      // Trailing garbage can be any length: keep an excerpt.
      const cut = excerptEnd(buf, start, end);
      const broken: FramedRecord = {
        ordinal,
        line,
        reject,
        raw: buf.toString('utf8', start, cut),
        bytes,
        detail,
      };
      if (cut < end) broken.rawTruncated = true;
      this.batch.push(broken);
      return;
    }
    const raw = buf.toString('utf8', start, end);
    if (!knownUtf8 && !isUtf8(buf.subarray(start, end))) {
      this.batch.push({
        ordinal,
        line,
        reject: 'invalid_utf8',
        raw,
        bytes,
        detail: 'the element is not valid UTF-8',
      });
      return;
    }
    this.batch.push(jsonRecord(ordinal, line, raw, bytes));
  }

  /**
   * Count the newlines in buf[from, to). The position of the next newline is cached per chunk: searching
   * afresh for every string would scan to the end of the line each time, quadratic in the line length.
   */
  private countNewlines(buf: Buffer, from: number, to: number): void {
    if (this.newlineBuf !== buf || this.nextNewline < from) {
      this.newlineBuf = buf;
      this.nextNewline = indexOrEnd(buf, from);
    }
    while (this.nextNewline < to) {
      this.line++;
      this.nextNewline = indexOrEnd(buf, this.nextNewline + 1);
    }
  }
}

function indexOrEnd(buf: Buffer, from: number): number {
  const at = buf.indexOf(NL, from);
  return at === -1 ? buf.length : at;
}

/** Whether buf[from, to) ends in an odd run of backslashes (so the byte at `to` is escaped). */
function trailingBackslashesOdd(buf: Buffer, from: number, to: number): boolean {
  let k = to - 1;
  while (k >= from && buf[k] === BACKSLASH) k--;
  return (to - 1 - k) % 2 === 1;
}
