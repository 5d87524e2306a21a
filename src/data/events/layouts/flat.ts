import { PROMOTED_NUMBER_FIELDS, PROMOTED_STRING_FIELDS } from '../event.ts';
import { EVENT_ID_SLOT, EVENT_SLOT, SLOT, TIMESTAMP_SLOT, USER_ID_SLOT } from '../event-fields.ts';
import { type JsonObject, setOwn } from '../object-path.ts';

/**
 * The flat layout: one level of keys, as our own exports and most hand-written NDJSON look.
 *   {"event_id": "...", "user_id": 42, "event": "click", "timestamp": "...", "os": "iOS", "price": 3}
 * `event` may be called `action`, and `timestamp` `time` or `ts` (the first of these present wins; the
 * unused ones stay in the properties). Promoted names go to their slots, every other key to the leftovers.
 */

const ALT_ACTION = 100;
const ALT_TIME = 101;
const ALT_TS = 102;

const FLAT_KEYS = new Map<string, number>([
  ['event_id', EVENT_ID_SLOT],
  ['user_id', USER_ID_SLOT],
  ['event', EVENT_SLOT],
  ['action', ALT_ACTION],
  ['timestamp', TIMESTAMP_SLOT],
  ['time', ALT_TIME],
  ['ts', ALT_TS],
]);
for (const name of [...PROMOTED_STRING_FIELDS, ...PROMOTED_NUMBER_FIELDS]) FLAT_KEYS.set(name, SLOT[name]);

/**
 * Fill the empty slots of `values` from a flat record; return the leftovers, or null when none are left.
 * Slots already filled (by the field mapping) are not searched: their keys here are ordinary data.
 * A known field holding null carries nothing and is dropped.
 */
export function extractFlat(record: JsonObject, values: unknown[]): JsonObject | null {
  let rest: JsonObject | null = null;
  let action: unknown;
  let time: unknown;
  let ts: unknown;
  for (const key in record) {
    const value = record[key];
    const code = FLAT_KEYS.get(key);
    if (code === undefined) {
      rest ??= {};
      setOwn(rest, key, value);
    } else if (code < ALT_ACTION) {
      if (values[code] !== undefined) {
        rest ??= {};
        rest[key] = value;
      } else if (value !== null) {
        values[code] = value;
      }
    } else if (code === ALT_ACTION) action = value;
    else if (code === ALT_TIME) time = value;
    else ts = value;
  }
  if (action !== undefined) {
    if (values[EVENT_SLOT] === undefined && action !== null) values[EVENT_SLOT] = action;
    else if (action !== null) {
      rest ??= {};
      rest.action = action;
    }
  }
  if (time !== undefined) {
    if (values[TIMESTAMP_SLOT] === undefined && time !== null) values[TIMESTAMP_SLOT] = time;
    else if (time !== null) {
      rest ??= {};
      rest.time = time;
    }
  }
  if (ts !== undefined) {
    if (values[TIMESTAMP_SLOT] === undefined && ts !== null) values[TIMESTAMP_SLOT] = ts;
    else if (ts !== null) {
      rest ??= {};
      rest.ts = ts;
    }
  }
  return rest;
}
