import { PROMOTED_NUMBER_FIELDS, PROMOTED_STRING_FIELDS } from '../event.ts';
import type { PromotedField } from '../event-fields.ts';
import { EVENT_ID_SLOT, EVENT_SLOT, SLOT, TIMESTAMP_SLOT, USER_ID_SLOT } from '../event-fields.ts';
import { hasKeys, isPlainObject, type JsonObject, setOwn, shallowCopy, takePath } from '../object-path.ts';

/**
 * The nested layout of Segment and PostHog messages:
 *   Segment  {"type":"track","event":"Order Completed","userId":"u1","anonymousId":"a1","messageId":"m1",
 *             "timestamp":"...","properties":{...},"context":{"os":{"name":"iOS"},"campaign":{...},...}}
 *   PostHog  {"event":"$pageview","distinct_id":"u1","uuid":"...","timestamp":"...",
 *             "properties":{"$os":"Mac OS X","$geoip_country_code":"US","$session_id":"...",...}}
 * A record is nested when it has a `properties` or `context` object, or a `distinct_id`, `userId` or
 * `anonymousId` key; the flat names (`user_id`, `action`, `os`, ...) are still understood as fallbacks.
 */
export function isNestedRecord(record: JsonObject): boolean {
  return (
    isPlainObject(record.properties) ||
    isPlainObject(record.context) ||
    record.distinct_id !== undefined ||
    record.userId !== undefined ||
    record.anonymousId !== undefined
  );
}

const USER_ID_KEYS = ['userId', 'distinct_id', 'anonymousId', 'user_id'];
const EVENT_ID_KEYS = ['event_id', 'messageId', 'uuid'];
const TIMESTAMP_KEYS = ['timestamp', 'originalTimestamp', 'sentAt', 'time', 'ts'];

/** Segment calls other than `track` carry no event name; they get PostHog's names for the same thing. */
const SEGMENT_TYPE_EVENTS: Readonly<Record<string, string>> = {
  identify: '$identify',
  page: '$pageview',
  screen: '$screen',
  group: '$groupidentify',
  alias: '$create_alias',
};

type Container = 'properties' | 'context' | 'traits';

/**
 * Where each promoted field lives in Segment (`context.*`, `traits.*`) and PostHog (`$`-prefixed
 * properties, person properties under `$set`), after the plain name at the top level and in `properties`. The first present one is
 * promoted and removed; the others stay in the properties.
 */
const NESTED_SOURCES: Partial<Record<PromotedField, ReadonlyArray<readonly [Container, readonly string[]]>>> =
  {
    os: [
      ['properties', ['$os']],
      ['context', ['os', 'name']],
    ],
    device: [
      ['properties', ['$device_type']],
      ['context', ['device', 'type']],
    ],
    app_version: [
      ['properties', ['$app_version']],
      ['context', ['app', 'version']],
    ],
    country: [
      ['properties', ['$geoip_country_code']],
      ['properties', ['$geoip_country_name']],
      ['context', ['location', 'country']],
    ],
    city: [
      ['properties', ['$geoip_city_name']],
      ['context', ['location', 'city']],
    ],
    session_id: [['properties', ['$session_id']]],
    source: [
      ['properties', ['utm_source']],
      ['context', ['campaign', 'source']],
    ],
    campaign: [
      ['properties', ['utm_campaign']],
      ['context', ['campaign', 'name']],
    ],
    // PostHog sets person properties with `$set` (what `identify` sends); `$set_once` stays in the
    // properties, since `users` keeps the latest value of an attribute, not the first.
    gender: [
      ['traits', ['gender']],
      ['context', ['traits', 'gender']],
      ['properties', ['$set', 'gender']],
    ],
    age: [
      ['traits', ['age']],
      ['context', ['traits', 'age']],
      ['properties', ['$set', 'age']],
    ],
  };

const PROMOTED = [...PROMOTED_STRING_FIELDS, ...PROMOTED_NUMBER_FIELDS];

/**
 * Fill the empty slots of `values` from a nested record and return the leftovers (null when none).
 * Leftovers: the remaining `properties` keys, then `context` and identify `traits` remainders under those
 * names (only when non-empty), then the remaining top-level keys. On a name clash the `properties` key
 * wins and the other value is dropped (Segment's and PostHog's top-level keys are transport metadata
 * such as `receivedAt`, `integrations` or `channel`, which rarely clash with event properties).
 */
export function extractNested(record: JsonObject, values: unknown[]): JsonObject | null {
  const top = shallowCopy(record);
  const containers: Record<Container, JsonObject | null> = {
    properties: takeObject(top, 'properties'),
    context: takeObject(top, 'context'),
    traits: takeObject(top, 'traits'),
  };
  const props = containers.properties;

  if (values[USER_ID_SLOT] === undefined) values[USER_ID_SLOT] = takeFirst(top, USER_ID_KEYS);
  if (values[EVENT_ID_SLOT] === undefined) values[EVENT_ID_SLOT] = takeFirst(top, EVENT_ID_KEYS);
  if (values[EVENT_SLOT] === undefined) values[EVENT_SLOT] = takeEvent(top);
  if (values[TIMESTAMP_SLOT] === undefined) values[TIMESTAMP_SLOT] = takeFirst(top, TIMESTAMP_KEYS);

  for (const field of PROMOTED) {
    const slot = SLOT[field];
    if (values[slot] !== undefined) continue;
    let value = take(top, field);
    if (value === undefined && props !== null) value = take(props, field);
    const sources = NESTED_SOURCES[field];
    if (sources !== undefined) {
      for (let i = 0; value === undefined && i < sources.length; i++) {
        const [name, path] = sources[i]!;
        const container = containers[name];
        if (container !== null) value = takePath(container, path);
      }
    }
    values[slot] = value;
  }
  if (values[SLOT.platform] === undefined && props !== null)
    values[SLOT.platform] = platformFromLib(props.$lib);

  const rest: JsonObject = props ?? {};
  for (const name of ['context', 'traits'] as const) {
    const leftover = containers[name];
    if (leftover !== null && hasKeys(leftover) && !Object.hasOwn(rest, name)) rest[name] = leftover;
  }
  for (const key in top) {
    if (!Object.hasOwn(rest, key)) setOwn(rest, key, top[key]);
  }
  return hasKeys(rest) ? rest : null;
}

/** Remove and return a present (not null) key. */
function take(obj: JsonObject, key: string): unknown {
  const value = obj[key];
  if (value === undefined || value === null || !Object.hasOwn(obj, key)) return undefined;
  delete obj[key];
  return value;
}

function takeFirst(obj: JsonObject, keys: readonly string[]): unknown {
  for (const key of keys) {
    const value = take(obj, key);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** A copy of an object-valued key, removed from `obj`; null when the key is absent or not an object. */
function takeObject(obj: JsonObject, key: string): JsonObject | null {
  const value = obj[key];
  if (!isPlainObject(value) || !Object.hasOwn(obj, key)) return null;
  delete obj[key];
  return shallowCopy(value);
}

function takeEvent(top: JsonObject): unknown {
  const event = take(top, 'event');
  if (event !== undefined) return event;
  const type = top.type;
  if (typeof type === 'string' && Object.hasOwn(SEGMENT_TYPE_EVENTS, type)) {
    delete top.type;
    return SEGMENT_TYPE_EVENTS[type];
  }
  return take(top, 'action');
}

/**
 * PostHog names the SDK in `$lib`: `web` for posthog-js, `posthog-ios`, `posthog-android`,
 * `posthog-react-native`, `posthog-node`, ... The platform is that name without the `posthog-` prefix.
 * `$lib` itself stays in the properties, since the platform is derived rather than moved.
 */
function platformFromLib(lib: unknown): string | undefined {
  if (typeof lib !== 'string' || lib.length === 0) return undefined;
  return lib.startsWith('posthog-') ? lib.slice('posthog-'.length) : lib;
}
