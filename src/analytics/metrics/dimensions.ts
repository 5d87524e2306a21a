import { PROMOTED_NUMBER_FIELDS, PROMOTED_STRING_FIELDS } from '../../data/events/event.ts';

/** Where a dimension's values come from. */
export type ResolvedDimension =
  | { kind: 'event'; column: string; numeric: boolean }
  | { kind: 'user'; column: string; numeric: boolean }
  | { kind: 'property'; key: string };

/** Columns of `events` a query may slice or filter by (besides the promoted fields). */
const EVENT_COLUMNS: Record<string, boolean> = {
  event: false,
  user_id: false,
  event_id: false,
  ...Object.fromEntries(PROMOTED_STRING_FIELDS.map((f) => [f, false])),
  ...Object.fromEntries(PROMOTED_NUMBER_FIELDS.map((f) => [f, true])),
};

/** Columns of `users` (`user.source`); numeric ones compare as numbers. */
const USER_COLUMNS: Record<string, boolean> = {
  first_event: false,
  source: false,
  campaign: false,
  gender: false,
  age: true,
  country: false,
  city: false,
  os: false,
  device: false,
  app_version: false,
  platform: false,
  exp_group: false,
  events: true,
};

export const EVENT_DIMENSIONS = Object.keys(EVENT_COLUMNS);
export const USER_DIMENSIONS = Object.keys(USER_COLUMNS).map((c) => `user.${c}`);

/**
 * Resolves a built-in reference: an event column (`os`), a user column (`user.source`) or a property
 * (`properties.plan`). Named dimensions of the metrics layer are resolved first, by the semantic layer.
 * Returns undefined for anything else.
 */
export function resolveBuiltInDimension(ref: string): ResolvedDimension | undefined {
  if (Object.hasOwn(EVENT_COLUMNS, ref))
    return { kind: 'event', column: ref, numeric: EVENT_COLUMNS[ref] === true };
  if (ref.startsWith('user.')) {
    const column = ref.slice('user.'.length);
    if (Object.hasOwn(USER_COLUMNS, column))
      return { kind: 'user', column, numeric: USER_COLUMNS[column] === true };
    return undefined;
  }
  if (ref.startsWith('properties.') && ref.length > 'properties.'.length)
    return { kind: 'property', key: ref.slice('properties.'.length) };
  return undefined;
}
