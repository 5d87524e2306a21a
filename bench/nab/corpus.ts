/**
 * The NAB corpus in `../shared/data/nab`: every series with its labelled windows as row indices.
 * Timestamps are NAB's `YYYY-MM-DD HH:MM:SS` in UTC.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RowWindow } from './scorer.ts';

export const NAB_DIR = path.resolve(import.meta.dirname, '../../../shared/data/nab');

export interface NabSeries {
  /** `group/name.csv`, as the labels name it. */
  readonly name: string;
  readonly times: Float64Array;
  readonly values: Float64Array;
  readonly windows: readonly RowWindow[];
}

/** Reads every series of the corpus (or those whose name contains `filter`), in name order. */
export function readNabCorpus(dir = NAB_DIR, filter?: string): NabSeries[] {
  const labels = JSON.parse(readFileSync(path.join(dir, 'labels/combined_windows.json'), 'utf8')) as Record<
    string,
    [string, string][]
  >;
  const out: NabSeries[] = [];
  for (const group of readdirSync(path.join(dir, 'data')).sort()) {
    if (group.endsWith('.md')) continue;
    for (const file of readdirSync(path.join(dir, 'data', group)).sort()) {
      const name = `${group}/${file}`;
      if (filter !== undefined && !name.includes(filter)) continue;
      out.push(readSeries(path.join(dir, 'data', name), name, labels[name] ?? []));
    }
  }
  return out;
}

function readSeries(file: string, name: string, windows: [string, string][]): NabSeries {
  const lines = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  const times = new Float64Array(lines.length);
  const values = new Float64Array(lines.length);
  const row = new Map<number, number>();
  lines.forEach((line, i) => {
    const comma = line.indexOf(',');
    times[i] = nabTime(line.slice(0, comma));
    values[i] = Number(line.slice(comma + 1));
    row.set(times[i]!, i);
  });
  const rowOf = (stamp: string): number => {
    const i = row.get(nabTime(stamp));
    if (i === undefined) throw new Error(`${name}: window edge ${stamp} is not a row`);
    return i;
  };
  return { name, times, values, windows: windows.map(([a, b]) => ({ first: rowOf(a), last: rowOf(b) })) };
}

function nabTime(stamp: string): number {
  return Date.parse(`${stamp.slice(0, 19).replace(' ', 'T')}Z`);
}
