import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GroundTruth } from './ground-truth.ts';
import type { MalformedKind } from './plan.ts';

/**
 * Reads a generated demo back and classifies every line the way ingestion's accounting must: valid,
 * duplicate (an event_id seen before) or malformed by kind. Independent of the generator's own
 * counters, so tests can check the ground truth against the files. For tests and small runs: it holds
 * every valid event in memory.
 */

export interface DemoEvent {
  event_id: string;
  user_id: string;
  event: string;
  timestamp: string;
  ms: number;
  [key: string]: unknown;
}

export interface DemoFileRead {
  path: string;
  lines: number;
  validEvents: number;
  duplicateLines: number;
  malformed: Record<MalformedKind, number>;
  /** Raw text of the malformed lines, with the line that follows each. */
  malformedLines: { kind: MalformedKind; text: string; next: string | undefined }[];
  /** Duplicate lines that differ from the first copy of their event_id (must be none). */
  duplicatesDiffering: number;
}

export interface DemoRead {
  groundTruth: GroundTruth;
  files: DemoFileRead[];
  events: DemoEvent[];
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function readDemo(outDir: string): DemoRead {
  const groundTruth = JSON.parse(readFileSync(join(outDir, 'ground-truth.json'), 'utf8')) as GroundTruth;
  const seen = new Map<string, string>();
  const events: DemoEvent[] = [];
  const files: DemoFileRead[] = [];
  for (const file of groundTruth.files) {
    const text = readFileSync(join(outDir, file.path), 'utf8');
    if (!text.endsWith('\n')) throw new Error(`${file.path} does not end with a newline`);
    const lines = text.slice(0, -1).split('\n');
    const read: DemoFileRead = {
      path: file.path,
      lines: lines.length,
      validEvents: 0,
      duplicateLines: 0,
      malformed: { truncated_json: 0, missing_user_id: 0, invalid_timestamp: 0 },
      malformedLines: [],
      duplicatesDiffering: 0,
    };
    lines.forEach((line, index) => {
      const record = parse(line);
      if (typeof record === 'string') {
        read.malformed[record]++;
        read.malformedLines.push({ kind: record, text: line, next: lines[index + 1] });
        return;
      }
      const first = seen.get(record.event_id);
      if (first !== undefined) {
        read.duplicateLines++;
        if (first !== line) read.duplicatesDiffering++;
        return;
      }
      seen.set(record.event_id, line);
      record.ms = Date.parse(record.timestamp);
      read.validEvents++;
      events.push(record);
    });
    files.push(read);
  }
  return { groundTruth, files, events };
}

/** The record, or the kind of flaw that makes ingestion reject it. */
function parse(line: string): DemoEvent | MalformedKind {
  let record: DemoEvent;
  try {
    record = JSON.parse(line) as DemoEvent;
  } catch {
    return 'truncated_json';
  }
  if (typeof record.user_id !== 'string' || record.user_id === '') return 'missing_user_id';
  const ts = record.timestamp;
  if (typeof ts !== 'string' || !ISO_MS.test(ts) || Number.isNaN(Date.parse(ts))) return 'invalid_timestamp';
  return record;
}
