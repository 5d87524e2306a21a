import type { ParsedRecord } from '../ingest/readers/types.ts';
import type { EventRow, IngestLimits, RejectReason } from './event.ts';
import {
  EVENT_ID_SLOT,
  EVENT_SLOT,
  emptySlots,
  FIELD_TARGETS,
  FIRST_NUMBER_SLOT,
  FIRST_PROMOTED_SLOT,
  type PromotedField,
  SLOT,
  SLOT_COUNT,
  TIMESTAMP_SLOT,
  USER_ID_SLOT,
} from './event-fields.ts';
import { deriveEventId, sortedJson } from './event-id.ts';
import { applyMapping, type CompiledMapping, compileMapping, type FieldMapping } from './field-mapping.ts';
import { findLongString } from './find-long-string.ts';
import { extractFlat } from './layouts/flat.ts';
import { extractNested, isNestedRecord } from './layouts/nested.ts';
import { isPlainObject } from './object-path.ts';
import { parseTimestamp } from './timestamp.ts';

export type { FieldMapping } from './field-mapping.ts';

export interface NormalizerOptions {
  limits: IngestLimits;
  /** "Now" in epoch microseconds: timestamps more than a day after it are rejected. */
  nowUs: number;
  mapping?: FieldMapping;
}

export interface Rejection {
  reject: RejectReason;
  detail: string;
}

export type Normalizer = (record: ParsedRecord) => EventRow | Rejection;

/** 2000-01-01T00:00:00Z: older timestamps are almost always a unit or a default-value mistake. */
export const MIN_TIMESTAMP_US = 946_684_800_000_000;
/** Clock skew allowed for events "from the future". */
export const MAX_FUTURE_US = 86_400_000_000;

/** Index of each promoted field in the per-record `promoted` array. */
const P = Object.fromEntries(
  FIELD_TARGETS.slice(FIRST_PROMOTED_SLOT).map((name) => [name, SLOT[name] - FIRST_PROMOTED_SLOT]),
) as Readonly<Record<PromotedField, number>>;

export function isRejection(result: EventRow | Rejection): result is Rejection {
  return (result as Rejection).reject !== undefined;
}

/**
 * Turn a parsed record into an EventRow, or say why not. Checks run in the order of REJECT_REASONS that
 * a record can fail (not_an_object, record_too_large, missing_user_id, missing_event, missing_timestamp,
 * invalid_timestamp, timestamp_out_of_range, field_too_large, invalid_field) and the first failure wins.
 * Per record it does no schema validation and no regex: it runs for every line of every import.
 */
export function createNormalizer(options: NormalizerOptions): Normalizer {
  const { maxRecordBytes, maxIdChars, maxStringChars } = options.limits;
  const maxTimestampUs = options.nowUs + MAX_FUTURE_US;
  const mapping: CompiledMapping | null =
    options.mapping && Object.keys(options.mapping).length > 0 ? compileMapping(options.mapping) : null;

  return (record) => {
    const value = record.value;
    if (!isPlainObject(value)) return rejection('not_an_object', `the record is ${describe(value)}`);
    if (record.bytes > maxRecordBytes) {
      return rejection(
        'record_too_large',
        `the record has ${record.bytes} bytes, more than ${maxRecordBytes}`,
      );
    }

    const values = emptySlots();
    const source = mapping === null ? value : applyMapping(value, mapping, values);
    const rest = isNestedRecord(source) ? extractNested(source, values) : extractFlat(source, values);

    const userId = idText(values[USER_ID_SLOT]);
    if (userId === null) return rejection('missing_user_id', missingDetail('user id', values[USER_ID_SLOT]));
    const event = idText(values[EVENT_SLOT]);
    if (event === null) return rejection('missing_event', missingDetail('event name', values[EVENT_SLOT]));
    const rawTimestamp = values[TIMESTAMP_SLOT];
    if (rawTimestamp === undefined || (typeof rawTimestamp === 'string' && isBlank(rawTimestamp))) {
      return rejection('missing_timestamp', 'no timestamp');
    }
    const tsUs = parseTimestamp(rawTimestamp);
    if (tsUs === null) return rejection('invalid_timestamp', `${show(rawTimestamp)} is not a timestamp`);
    if (tsUs < MIN_TIMESTAMP_US || tsUs > maxTimestampUs) {
      return rejection(
        'timestamp_out_of_range',
        `${show(rawTimestamp)} is before 2000-01-01 or more than a day ahead`,
      );
    }

    const rawEventId = values[EVENT_ID_SLOT];
    const eventId = idText(rawEventId);
    let invalidField: string | null = null;
    if (eventId === null && rawEventId !== undefined && typeof rawEventId !== 'string') {
      invalidField = `event_id is ${describe(rawEventId)}, expected a string or a number`;
    }

    if (userId.length > maxIdChars) return tooLong('user_id', userId.length, maxIdChars);
    if (eventId !== null && eventId.length > maxIdChars)
      return tooLong('event_id', eventId.length, maxIdChars);
    if (event.length > maxIdChars) return tooLong('event', event.length, maxIdChars);

    const promoted: (string | number | null)[] = new Array(SLOT_COUNT - FIRST_PROMOTED_SLOT);
    for (let slot = FIRST_PROMOTED_SLOT; slot < FIRST_NUMBER_SLOT; slot++) {
      const v = values[slot];
      let text: string | null = null;
      if (typeof v === 'string') text = v === '' ? null : v;
      else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') text = String(v);
      else if (v !== undefined && v !== null) {
        invalidField ??= `${FIELD_TARGETS[slot]} is ${describe(v)}, expected a string`;
      }
      if (text !== null && text.length > maxIdChars)
        return tooLong(FIELD_TARGETS[slot]!, text.length, maxIdChars);
      promoted[slot - FIRST_PROMOTED_SLOT] = text;
    }
    for (let slot = FIRST_NUMBER_SLOT; slot < SLOT_COUNT; slot++) {
      const v = values[slot];
      const n = toNumber(v);
      if (n === undefined) invalidField ??= `${FIELD_TARGETS[slot]} is ${show(v)}, expected a number`;
      promoted[slot - FIRST_PROMOTED_SLOT] = n ?? null;
    }

    // No string can be longer than the record it is in, so small records skip the walk.
    // The extracted fields had their own checks; what is left becomes the properties.
    if (rest !== null && record.bytes > maxStringChars) {
      const path = findLongString(rest, maxStringChars);
      if (path !== null)
        return rejection('field_too_large', `${path} is longer than ${maxStringChars} characters`);
    }
    if (invalidField !== null) return rejection('invalid_field', invalidField);

    const row: EventRow = {
      event_id: eventId ?? '',
      user_id: userId,
      event,
      ts_us: tsUs,
      properties: null,
      session_id: promoted[P.session_id] as string | null,
      source: promoted[P.source] as string | null,
      campaign: promoted[P.campaign] as string | null,
      os: promoted[P.os] as string | null,
      device: promoted[P.device] as string | null,
      country: promoted[P.country] as string | null,
      city: promoted[P.city] as string | null,
      app_version: promoted[P.app_version] as string | null,
      platform: promoted[P.platform] as string | null,
      exp_group: promoted[P.exp_group] as string | null,
      gender: promoted[P.gender] as string | null,
      post_id: promoted[P.post_id] as string | null,
      receiver_id: promoted[P.receiver_id] as string | null,
      age: promoted[P.age] as number | null,
      latency_ms: promoted[P.latency_ms] as number | null,
    };
    if (eventId !== null) {
      row.properties = rest === null ? null : JSON.stringify(rest);
    } else {
      row.properties = rest === null ? null : sortedJson(rest);
      row.event_id = deriveEventId(row);
    }
    return row;
  };
}

function rejection(reject: RejectReason, detail: string): Rejection {
  return { reject, detail };
}

function tooLong(field: string, length: number, limit: number): Rejection {
  return rejection('field_too_large', `${field} has ${length} characters, more than ${limit}`);
}

/** An id-like value as text: a non-blank string as is, a finite number via String(); else null. */
function idText(v: unknown): string | null {
  if (typeof v === 'string') return isBlank(v) ? null : v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'bigint') return String(v);
  return null;
}

function isBlank(s: string): boolean {
  // Almost every id starts with a visible character; trim() only for the rest.
  return s.length === 0 || (s.charCodeAt(0) <= 0x20 && s.trim().length === 0);
}

/**
 * A promoted number: numbers as is, numeric strings (CSV gives only strings) parsed; undefined when the
 * value has the wrong type. Absent, null and blank strings are null.
 */
function toNumber(v: unknown): number | null | undefined {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  if (isBlank(v)) return null;
  return isDecimal(v) ? Number(v) : undefined;
}

/** `[+-]digits[.digits][e[+-]digits]`, surrounding blanks allowed; what Number() accepts minus hex and Infinity. */
function isDecimal(text: string): boolean {
  const s = text.trim();
  let i = 0;
  const n = s.length;
  if (s.charCodeAt(0) === 0x2b || s.charCodeAt(0) === 0x2d) i++;
  const intStart = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  let digits = i - intStart;
  if (i < n && s.charCodeAt(i) === 0x2e) {
    i++;
    const fracStart = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    digits += i - fracStart;
  }
  if (digits === 0) return false;
  if (i < n && (s.charCodeAt(i) | 0x20) === 0x65) {
    i++;
    if (i < n && (s.charCodeAt(i) === 0x2b || s.charCodeAt(i) === 0x2d)) i++;
    const start = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    if (i === start) return false;
  }
  return i === n;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

function missingDetail(what: string, v: unknown): string {
  if (v === undefined) return `no ${what}`;
  if (typeof v === 'string') return `the ${what} is blank`;
  return `the ${what} is ${describe(v)}, expected a string or a number`;
}

/** A value for an error message, cut short. */
function show(v: unknown): string {
  const text = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
