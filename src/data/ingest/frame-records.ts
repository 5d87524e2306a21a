import { jsonRecord } from './readers/json-record.ts';
import type { FramedRecord } from './readers/types.ts';

/**
 * Records that arrived in memory (an HTTP body) framed the way the file readers frame them, so that
 * validation, dead-lettering and accounting are those of `sightline ingest`.
 */

/**
 * One record per value, numbered from 0 (`line` is the 1-based position in the array). `bytes` is the
 * length of the value re-serialised as JSON: the size limit applies to the record, not to the body
 * (which has its own limit), and the serialisation is also the raw text a reject keeps.
 */
export function frameValues(values: readonly unknown[]): FramedRecord[] {
  const records = new Array<FramedRecord>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    let raw: string;
    try {
      raw = JSON.stringify(value) ?? 'null';
    } catch {
      // JSON.parse reads nesting of any depth but JSON.stringify recurses (RangeError past a few
      // thousand levels): such a value could not be stored as properties either.
      records[i] = { ordinal: i, line: i + 1, ...TOO_DEEP };
      continue;
    }
    records[i] = { ordinal: i, line: i + 1, value, bytes: Buffer.byteLength(raw), raw };
  }
  return records;
}

/** The reject of a value nested too deeply to serialise: its size is beyond what can be stored. */
export const TOO_DEEP = {
  reject: 'record_too_large',
  raw: '',
  bytes: 0,
  detail: 'the record is nested too deeply to serialise',
} as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * NDJSON text: one record per non-blank line (a trailing `\r` is dropped, as the file reader does).
 * A line that is not JSON becomes an `invalid_json` reject and a line with bytes that are not UTF-8 an
 * `invalid_utf8` one; the other lines are unaffected.
 */
export function frameNdjson(body: Buffer): FramedRecord[] {
  const records: FramedRecord[] = [];
  let ordinal = 0;
  let line = 0;
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf(0x0a, start);
    if (end === -1) end = body.length;
    line++;
    let stop = end;
    if (stop > start && body[stop - 1] === 0x0d) stop--;
    if (!isBlank(body, start, stop)) {
      const bytes = stop - start;
      const slice = body.subarray(start, stop);
      let text: string;
      try {
        text = utf8.decode(slice);
      } catch {
        records.push({
          ordinal: ordinal++,
          line,
          reject: 'invalid_utf8',
          raw: slice.toString('utf8'),
          bytes,
        });
        start = end + 1;
        continue;
      }
      records.push(jsonRecord(ordinal++, line, text, bytes));
    }
    start = end + 1;
  }
  return records;
}

function isBlank(body: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = body[i]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}
