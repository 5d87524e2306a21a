import { hash } from 'node:crypto';
import type { EventRow } from './event.ts';

/**
 * Deterministic ids for events that arrive without one, so that re-ingesting the same file (or the same
 * event exported twice with another key order or timestamp format) deduplicates instead of doubling.
 *
 * The id hashes the canonical form of the normalised row: every column except `event_id`, in sorted
 * column order, with the timestamp already in microseconds. `row.properties` must have been written by
 * `sortedJson` (keys sorted at every depth) for the id not to depend on the key order of the input.
 * 32 base64url characters keep 192 bits of SHA-256, far beyond any collision risk at our volumes.
 */
export function deriveEventId(row: Omit<EventRow, 'event_id'>): string {
  const values: unknown[] = new Array(CANONICAL_COLUMNS.length);
  for (let i = 0; i < CANONICAL_COLUMNS.length; i++) values[i] = row[CANONICAL_COLUMNS[i]!];
  return 'h_' + hash('sha256', JSON.stringify(values), 'base64url').slice(0, 32);
}

/** Every column but event_id; a Record so that adding a column to EventRow fails to compile here. */
const HASHED_COLUMNS: Record<Exclude<keyof EventRow, 'event_id'>, true> = {
  user_id: true,
  event: true,
  ts_us: true,
  properties: true,
  session_id: true,
  source: true,
  campaign: true,
  os: true,
  device: true,
  country: true,
  city: true,
  app_version: true,
  platform: true,
  exp_group: true,
  gender: true,
  post_id: true,
  receiver_id: true,
  age: true,
  latency_ms: true,
};
const CANONICAL_COLUMNS = (Object.keys(HASHED_COLUMNS) as (keyof typeof HASHED_COLUMNS)[]).sort();

/** JSON text with the keys of every object sorted (by UTF-16 code units, like Array.prototype.sort). */
export function sortedJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const item = value[i];
      out += item === undefined ? 'null' : sortedJson(item);
    }
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  // Flat objects already in key order (common: small property bags) go to the native serialiser.
  if (isSortedAndFlat(obj)) return JSON.stringify(obj);
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = obj[key];
    if (item === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(key) + ':' + sortedJson(item);
  }
  return out + '}';
}

function isSortedAndFlat(obj: Record<string, unknown>): boolean {
  let previous = '';
  for (const key in obj) {
    if (key < previous) return false;
    const item = obj[key];
    if (typeof item === 'object' && item !== null) return false;
    previous = key;
  }
  return true;
}
