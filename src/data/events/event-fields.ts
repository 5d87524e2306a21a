import { PROMOTED_NUMBER_FIELDS, PROMOTED_STRING_FIELDS } from './event.ts';

/**
 * The fields a record is searched for, in a fixed order. Layouts and the field mapping fill a `values`
 * array indexed by these slots (an array store is cheaper on the per-record path than a keyed object).
 */
export const FIELD_TARGETS = [
  'event_id',
  'user_id',
  'event',
  'timestamp',
  ...PROMOTED_STRING_FIELDS,
  ...PROMOTED_NUMBER_FIELDS,
] as const;

export type FieldTarget = (typeof FIELD_TARGETS)[number];
export type PromotedField = (typeof PROMOTED_STRING_FIELDS)[number] | (typeof PROMOTED_NUMBER_FIELDS)[number];

export const SLOT = Object.fromEntries(FIELD_TARGETS.map((name, i) => [name, i])) as Readonly<
  Record<FieldTarget, number>
>;

export const EVENT_ID_SLOT = SLOT.event_id;
export const USER_ID_SLOT = SLOT.user_id;
export const EVENT_SLOT = SLOT.event;
export const TIMESTAMP_SLOT = SLOT.timestamp;
/** Promoted string fields occupy [FIRST_PROMOTED_SLOT, FIRST_NUMBER_SLOT), numbers the rest. */
export const FIRST_PROMOTED_SLOT = SLOT[PROMOTED_STRING_FIELDS[0]];
export const FIRST_NUMBER_SLOT = SLOT[PROMOTED_NUMBER_FIELDS[0]];
export const SLOT_COUNT = FIELD_TARGETS.length;

/** A fresh values array: `undefined` means "not found yet". */
export function emptySlots(): unknown[] {
  return new Array<unknown>(SLOT_COUNT).fill(undefined);
}
