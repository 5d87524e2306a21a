import { isUtf8 } from 'node:buffer';
import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBUnionValue,
  type DuckDBValue,
  DuckDBVariantValue,
} from '@duckdb/node-api';
import { setOwn } from '../../events/object-path.ts';
import { civilFromDays, formatTimestampUs } from '../../events/timestamp.ts';

/**
 * A DuckDB value as a JSON-compatible value, so that Parquet rows look like the JSON records the
 * normaliser expects. `undefined` means "leave the key out" (SQL NULL, NaN, infinities):
 * - integers: numbers when safe (|v| <= 2^53 - 1), else decimal strings, so no digit is lost;
 * - DECIMAL: a number when it has at most 15 significant digits (a double keeps those exactly), else
 *   its decimal string;
 * - timestamps of every precision and time zone: ISO text `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC), which
 *   parseTimestamp reads back exactly; nanoseconds are truncated to microseconds;
 * - DATE: `YYYY-MM-DD`; TIME, INTERVAL, UUID and the rest: DuckDB's text form;
 * - BLOB: the text when it is UTF-8 (Parquet writers often store strings as plain binary), else DuckDB's
 *   escaped form (`\xFF...`);
 * - LIST/ARRAY: arrays (a NULL element stays null to keep positions), STRUCT: objects without null
 *   fields, MAP: an object when every key is a string or number, else an array of {key, value}.
 */
export function toJsonValue(value: DuckDBValue): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : undefined;
    case 'bigint':
      return value <= MAX_SAFE && value >= MIN_SAFE ? Number(value) : value.toString();
  }
  if (value === null) return undefined;
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) {
    return value.isFinite ? formatTimestampUs(value.micros) : value.toString();
  }
  if (value instanceof DuckDBStructValue) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value.entries)) {
      const item = toJsonValue(value.entries[key]!);
      if (item !== undefined) setOwn(out, key, item);
    }
    return out;
  }
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) {
    return value.items.map((item) => toJsonValue(item) ?? null);
  }
  if (value instanceof DuckDBDecimalValue) {
    // Up to 15 significant digits a double round-trips the decimal text exactly.
    const unscaled = value.value < 0n ? -value.value : value.value;
    return unscaled < DECIMAL_EXACT_BELOW ? value.toDouble() : value.toString();
  }
  if (value instanceof DuckDBDateValue) return value.isFinite ? civilFromDays(value.days) : value.toString();
  if (value instanceof DuckDBTimestampSecondsValue) {
    return value.isFinite ? formatTimestampUs(value.seconds * 1_000_000n) : value.toString();
  }
  if (value instanceof DuckDBTimestampMillisecondsValue) {
    return value.isFinite ? formatTimestampUs(value.millis * 1000n) : value.toString();
  }
  if (value instanceof DuckDBTimestampNanosecondsValue) {
    // BigInt division truncates toward zero; floor keeps pre-1970 values on the right microsecond.
    const nanos = value.nanos;
    const micros = nanos >= 0n ? nanos / 1000n : -((-nanos + 999n) / 1000n);
    return value.isFinite ? formatTimestampUs(micros) : value.toString();
  }
  if (value instanceof DuckDBMapValue) return mapToJson(value);
  if (value instanceof DuckDBBlobValue) {
    return isUtf8(value.bytes) ? Buffer.from(value.bytes).toString('utf8') : value.toString();
  }
  if (value instanceof DuckDBUnionValue || value instanceof DuckDBVariantValue)
    return toJsonValue(value.value);
  return value.toString();
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const DECIMAL_EXACT_BELOW = 10n ** 15n;
const MIN_SAFE = -MAX_SAFE;

function mapToJson(map: DuckDBMapValue): unknown {
  const simpleKeys = map.entries.every((e) => typeof e.key === 'string' || typeof e.key === 'number');
  if (!simpleKeys) {
    return map.entries.map((e) => ({ key: toJsonValue(e.key) ?? null, value: toJsonValue(e.value) ?? null }));
  }
  const out: Record<string, unknown> = {};
  for (const entry of map.entries) {
    const item = toJsonValue(entry.value);
    if (item !== undefined) setOwn(out, String(entry.key), item);
  }
  return out;
}
