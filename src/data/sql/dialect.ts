import { SightlineError } from '../../errors/index.ts';
import type { EngineName, SqlValue } from '../warehouse/warehouse.ts';
import type { Sql } from './sql.ts';

/** What an engine can do; a query that needs a missing capability fails at first use, naming both. */
export interface DialectCapabilities {
  /** WITH … AS (…) common table expressions. */
  readonly cte: boolean;
  /** OVER (…) window functions. */
  readonly windowFunctions: boolean;
  /** ASOF joins (the nearest following row per key). */
  readonly asofJoin: boolean;
  /** IANA time zones in date arithmetic. */
  readonly timeZones: boolean;
}

export type Capability = keyof DialectCapabilities;

/** Calendar units for buckets and retention periods. Weeks start on Monday (ISO 8601). */
export type TimeUnit = 'hour' | 'day' | 'week' | 'month';

/**
 * Everything the analytics layer needs to know about one engine's SQL. Insight compilers build `Sql`
 * fragments and ask the dialect only for the parts that differ between engines.
 *
 * Time: event times are stored as UTC timestamps without a zone. `localTime` turns one into the wall-clock
 * time of a zone; buckets, days and periods are computed on wall-clock time; `utcFromLocal` goes back for
 * range filters.
 */
export interface Dialect {
  readonly name: EngineName;
  readonly capabilities: DialectCapabilities;

  quoteIdentifier(name: string): string;
  /** The tested escaper: a literal for any bindable value. */
  literal(value: SqlValue): string;
  /** Renders a fragment to one SQL text, every value inlined through `literal`. */
  render(fragment: Sql): string;

  /** Throws SL_DIALECT_CAPABILITY when the engine lacks `capability`; `use` says what needed it. */
  require(capability: Capability, use: string): void;

  /** The wall-clock time in `timeZone` of a UTC timestamp (the same timestamp when the zone is UTC). */
  localTime(utc: Sql, timeZone: string): Sql;
  /** The UTC timestamp of a wall-clock time in `timeZone`. */
  utcFromLocal(local: Sql, timeZone: string): Sql;
  /** The start of the unit that contains a timestamp. */
  truncate(unit: TimeUnit, timestamp: Sql): Sql;
  /** `timestamp` plus `count` units (count may be negative). */
  addUnits(unit: TimeUnit, timestamp: Sql, count: Sql | number): Sql;
  /** Whole units from the start of `from`'s unit to the start of `to`'s unit (an integer). */
  unitsBetween(unit: TimeUnit, from: Sql, to: Sql): Sql;
  /** Seconds since 1970-01-01 as a double, microseconds kept. */
  epochSeconds(timestamp: Sql): Sql;
  /** A timestamp literal from an ISO string (`2026-09-01 00:00:00`). */
  timestamp(iso: string): Sql;
  /** A property of the JSON `properties` column as text (NULL when absent). */
  jsonText(json: Sql, key: string): Sql;
  /** A property of the JSON column as a double (NULL when absent or not numeric). */
  jsonNumber(json: Sql, key: string): Sql;
  /** The continuous percentile (linear interpolation between order statistics, as numpy's default). */
  percentile(expression: Sql, fraction: number): Sql;
  /** True when `text` contains `needle` (case-sensitive); NULL when `text` is NULL. */
  containsText(text: Sql, needle: Sql): Sql;
  /** A value cast to text. */
  toText(expression: Sql): Sql;
  /** A value cast to double, NULL when it is not a number. */
  toNumber(expression: Sql): Sql;
}

export function capabilityError(dialect: string, capability: Capability, use: string): SightlineError {
  return new SightlineError(
    'SL_DIALECT_CAPABILITY',
    `${use} needs the capability "${capability}", which the ${dialect} dialect does not have`,
  );
}
