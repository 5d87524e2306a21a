/**
 * The event model: one accepted event as it is stored in `events`.
 *
 * Promoted dimensions are the fields people slice by; they get their own columns so that filters and
 * breakdowns read one narrow column instead of parsing JSON. Everything else lives in `properties`.
 */
export const PROMOTED_STRING_FIELDS = [
  'session_id',
  'source',
  'campaign',
  'os',
  'device',
  'country',
  'city',
  'app_version',
  'platform',
  'exp_group',
  'gender',
  'post_id',
  'receiver_id',
] as const;

export const PROMOTED_NUMBER_FIELDS = ['age', 'latency_ms'] as const;

export type PromotedStringField = (typeof PROMOTED_STRING_FIELDS)[number];
export type PromotedNumberField = (typeof PROMOTED_NUMBER_FIELDS)[number];

/** A validated, normalised event. Timestamps are integer microseconds since the Unix epoch, UTC. */
export type EventRow = {
  event_id: string;
  user_id: string;
  event: string;
  ts_us: number;
  /** JSON text of the remaining fields (an object), or null when there are none. */
  properties: string | null;
} & { [K in PromotedStringField]: string | null } & { [K in PromotedNumberField]: number | null };

/**
 * What makes two events the same for live capture: the id at the same timestamp (see
 * EventBatch.duplicates in the warehouse's event store).
 */
export function eventKey(event: Pick<EventRow, 'event_id' | 'ts_us'>): string {
  return `${event.ts_us}\u0000${event.event_id}`;
}

/** Why a record was rejected. The codes are stable: they are written to the dead-letter file. */
export const REJECT_REASONS = {
  invalid_json: 'the line is not valid JSON',
  invalid_utf8: 'the bytes are not valid UTF-8',
  not_an_object: 'the record is not a JSON object',
  missing_user_id: 'no non-empty user id (user_id, userId, distinct_id, anonymousId)',
  missing_event: 'no non-empty event name (event, action, type)',
  missing_timestamp: 'no timestamp (timestamp, time, ts)',
  invalid_timestamp: 'the timestamp is not ISO 8601 or epoch seconds, milliseconds or microseconds',
  timestamp_out_of_range: 'the timestamp is before 2000-01-01 or more than one day in the future',
  record_too_large: 'the record is larger than the record size limit',
  field_too_large: 'a field is longer than its size limit',
  invalid_field: 'a promoted field has a value of the wrong type (for example a non-numeric age)',
  truncated: 'the input ended in the middle of a record (truncated file or compressed stream)',
} as const;

export type RejectReason = keyof typeof REJECT_REASONS;

/** Size limits. Oversized records and fields are rejected, never truncated. */
export interface IngestLimits {
  /** Bytes of one raw record (one NDJSON line, one JSON array element, one CSV row). */
  maxRecordBytes: number;
  /** Characters of `user_id`, `event_id`, `event` and every promoted string field. */
  maxIdChars: number;
  /** Characters of any other string value, anywhere in the record. */
  maxStringChars: number;
}

export const DEFAULT_LIMITS: IngestLimits = {
  maxRecordBytes: 1024 * 1024,
  maxIdChars: 512,
  maxStringChars: 64 * 1024,
};
