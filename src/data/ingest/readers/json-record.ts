import type { FramedRecord } from './types.ts';

/** Parses one framed JSON text: a parsed record, or an `invalid_json` reject carrying the parser's message. */
export function jsonRecord(ordinal: number, line: number, raw: string, bytes: number): FramedRecord {
  try {
    return { ordinal, line, value: JSON.parse(raw), bytes, raw };
  } catch (error) {
    return { ordinal, line, reject: 'invalid_json', raw, bytes, detail: (error as Error).message };
  }
}
