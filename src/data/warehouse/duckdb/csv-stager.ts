import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventRow } from '../../events/event.ts';
import type { EventStager, StagedRows } from '../event-store.ts';

/** Column order of a staged file. */
export const STAGED_COLUMNS = [
  ['segment', 'INTEGER'],
  ['event_id', 'VARCHAR'],
  ['user_id', 'VARCHAR'],
  ['event', 'VARCHAR'],
  ['ts_us', 'BIGINT'],
  ['session_id', 'VARCHAR'],
  ['source', 'VARCHAR'],
  ['campaign', 'VARCHAR'],
  ['os', 'VARCHAR'],
  ['device', 'VARCHAR'],
  ['country', 'VARCHAR'],
  ['city', 'VARCHAR'],
  ['app_version', 'VARCHAR'],
  ['platform', 'VARCHAR'],
  ['exp_group', 'VARCHAR'],
  ['gender', 'VARCHAR'],
  ['post_id', 'VARCHAR'],
  ['receiver_id', 'VARCHAR'],
  ['age', 'INTEGER'],
  ['latency_ms', 'DOUBLE'],
  ['properties', 'VARCHAR'],
] as const;

/**
 * The staged format: tab-separated, quote and escape character U+0001. JSON text never holds a raw tab,
 * newline or U+0001 (JSON.stringify escapes control characters), so `properties` is written as it is;
 * the other fields need quoting only when they hold one of those characters, which one regular
 * expression over the joined fields detects. An empty field reads back as NULL.
 */
export const STAGED_DELIMITER = '\t';
export const STAGED_QUOTE = '\u0001';
const SPECIAL = /[\t\r\n\u0001]/;
const FLUSH_CHARS = 1 << 20;

function quoted(value: string | null): string {
  if (value === null || value === '') return '';
  return SPECIAL.test(value) ? `\u0001${value.replaceAll('\u0001', '\u0001\u0001')}\u0001` : value;
}

function n(value: number | null): string | number {
  return value === null ? '' : value;
}

/** The row's line with every string field checked and quoted on its own: the rare slow path. */
function carefulLine(r: EventRow, segment: number): string {
  return [
    segment,
    quoted(r.event_id),
    quoted(r.user_id),
    quoted(r.event),
    r.ts_us,
    quoted(r.session_id),
    quoted(r.source),
    quoted(r.campaign),
    quoted(r.os),
    quoted(r.device),
    quoted(r.country),
    quoted(r.city),
    quoted(r.app_version),
    quoted(r.platform),
    quoted(r.exp_group),
    quoted(r.gender),
    quoted(r.post_id),
    quoted(r.receiver_id),
    n(r.age),
    n(r.latency_ms),
  ].join('\t');
}

/**
 * Stages rows as a delimited file for DuckDB's parallel CSV reader, written as rows arrive (1 MiB at a
 * time), so a batch never sits in memory. Measured against the appender (one N-API call per value),
 * staging costs the JavaScript thread a fraction per row, and DuckDB parses the file on its own threads
 * while the next batch is validated.
 */
export class CsvStager implements EventStager {
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'sightline-stage-'));
  private files = 0;
  private fd: number | null = null;
  private file = '';
  private buffer = '';
  private rows = 0;
  private size = 0;
  private longest = 0;

  get count(): number {
    return this.rows;
  }

  get bytes(): number {
    return this.size;
  }

  add(r: EventRow, segment: number): void {
    let line =
      segment +
      '\t' +
      r.event_id +
      '\t' +
      r.user_id +
      '\t' +
      r.event +
      '\t' +
      r.ts_us +
      '\t' +
      (r.session_id ?? '') +
      '\t' +
      (r.source ?? '') +
      '\t' +
      (r.campaign ?? '') +
      '\t' +
      (r.os ?? '') +
      '\t' +
      (r.device ?? '') +
      '\t' +
      (r.country ?? '') +
      '\t' +
      (r.city ?? '') +
      '\t' +
      (r.app_version ?? '') +
      '\t' +
      (r.platform ?? '') +
      '\t' +
      (r.exp_group ?? '') +
      '\t' +
      (r.gender ?? '') +
      '\t' +
      (r.post_id ?? '') +
      '\t' +
      (r.receiver_id ?? '') +
      '\t' +
      n(r.age) +
      '\t' +
      n(r.latency_ms);
    // 19 tabs separate the fields above; any other tab, or a newline or quote character, needs quoting.
    if (!onlySeparators(line)) line = carefulLine(r, segment);
    line += `\t${r.properties ?? ''}\n`;
    this.buffer += line;
    this.size += line.length;
    if (line.length > this.longest) this.longest = line.length;
    this.rows++;
    if (this.buffer.length >= FLUSH_CHARS) this.writeBuffer();
  }

  async flush(): Promise<StagedRows> {
    this.writeBuffer();
    if (this.fd === null) this.openNext();
    closeSync(this.fd!);
    // Characters, not bytes: a non-ASCII row is at most three times longer in UTF-8.
    const staged = { count: this.rows, payload: this.file, longestRow: this.longest * 3 };
    this.fd = null;
    this.rows = 0;
    this.size = 0;
    this.longest = 0;
    return staged;
  }

  async dispose(): Promise<void> {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private openNext(): void {
    // Two files in turn: one may still be loading while the next batch is written.
    this.file = path.join(this.dir, `batch-${this.files++ % 2}.tsv`);
    this.fd = openSync(this.file, 'w');
  }

  private writeBuffer(): void {
    if (this.buffer.length === 0) return;
    if (this.fd === null) this.openNext();
    writeSync(this.fd!, this.buffer);
    this.buffer = '';
  }
}

/** True when the only special characters in the line are its separating tabs. */
function onlySeparators(line: string): boolean {
  let tabs = 0;
  for (let i = line.indexOf('\t'); i !== -1; i = line.indexOf('\t', i + 1)) tabs++;
  return tabs === STAGED_COLUMNS.length - 2 && !/[\r\n\u0001]/.test(line);
}
