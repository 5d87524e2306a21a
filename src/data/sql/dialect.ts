import { SightlineError } from '../../errors/index.ts';
import type { EngineName, SqlValue } from '../warehouse/warehouse.ts';
import type { PathCountsInput, SessionRowsInput } from './event-sequences.ts';
import type { FunnelAttemptsInput } from './funnel-attempts.ts';
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
  /** GROUP BY GROUPING SETS (…) with GROUPING(col): several aggregations in one pass over the input. */
  readonly groupingSets: boolean;
}

export type Capability = keyof DialectCapabilities;

/**
 * Calendar units for buckets and retention periods. Weeks start on Monday (ISO 8601); `15m` is the
 * quarter of an hour (quarters start at :00, :15, :30 and :45).
 */
export type TimeUnit = '15m' | 'hour' | 'day' | 'week' | 'month';

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
  /** The timestamp at 00:00 of a DATE value (the rollup's `day`), comparable with `timestamp(…)`. */
  dateToTimestamp(date: Sql): Sql;
  /**
   * Trailing-window activity, the core of WAU/MAU ("active on one of the `window` days ending on a day").
   * `source` is a subquery with the `keys` columns (for example a breakdown key), `user_id` and `day`, an
   * integer day number in 0 … max(day of `counts`); each of `counts` asks for one window length on one
   * day number. The result is a subquery with the `keys` columns, `window_days`, `day` and `n`: the number of
   * distinct users of that key active on at least one day of day − window + 1 … day, for every key with an
   * active user (n may be 0). Several window lengths (WAU and MAU) come from one pass. Both engines fold
   * each user's active days into 64-bit masks in one hash aggregation (`bit_or` on DuckDB, `groupBitOr` on
   * ClickHouse), with no sort, and test each counted window's mask against them.
   */
  trailingActiveUsers(
    source: Sql,
    keys: readonly string[],
    counts: readonly { window: number; day: number }[],
  ): Sql;
  /** Days since 1970-01-01 of a timestamp at a (wall-clock) midnight, as an integer. */
  dayNumber(midnight: Sql): Sql;
  /**
   * The first `limit` rows of the subquery `rows` in `order`, each with one more column, `row_count`:
   * how many rows `rows` has in all, from one evaluation of `rows` (a breakdown's top N of M values).
   */
  topRows(rows: Sql, order: Sql, limit: number): Sql;
  /**
   * The value of `value` at the row with the smallest `order` (compared left to right), as an aggregate;
   * a NULL value counts like any other (the breakdown of a user's first event may be NULL).
   */
  argMin(value: Sql, order: readonly Sql[]): Sql;
  /**
   * The core of retention. `starts` is a subquery with `user_id`, `cohort` (an integer period) and
   * `breakdown`, one row per user and cohort; `returns` has (`user_id`, `period`) rows of return
   * activity on the same period axis (repeats allowed). The result has rows (`cohort`, `breakdown`,
   * `k`, `users`): `k` = 0 is the cohort's size, `k` = 1 … `periods` the number of its users active in
   * period cohort + k. Every period of both lies in 0 … `span` - 1. Per-user period sets (bits, or a
   * join beyond 64 periods) on DuckDB; per-user arrays of periods in one pass on ClickHouse.
   */
  retentionCounts(input: { starts: Sql; returns: Sql; periods: number; span: number }): Sql;
  /**
   * The core of lifecycle. `activity` is a subquery of (`user_id`, `period`) rows (repeats allowed)
   * with periods -1 … `periods` - 1; `firsts` has (`user_id`, `period`): the period of each user's first
   * matching event ever. The result has rows (`period`, `status`, `users`) for periods 0 … `periods` - 1:
   * among users active in the period, `new` (first event in it), `returning` (active in the period
   * before), `resurrecting` (neither); and `dormant`, users active in the period before but not in this
   * one (a positive count here). Per-user period sets on DuckDB; per-user arrays on ClickHouse.
   */
  lifecycleCounts(input: { activity: Sql; firsts: Sql; periods: number }): Sql;
  /**
   * As an aggregate: how many distinct values `period` takes, an integer known to lie in
   * 0 … `periods` - 1 (stickiness: the intervals a user was active on).
   */
  countDistinctPeriods(period: Sql, periods: number): Sql;
  /** `timestamp` plus a number of seconds (negative goes back; whole microseconds). */
  addSeconds(timestamp: Sql, seconds: number): Sql;
  /** The core of sessions: see `SessionRowsInput` for the definition and the rows it returns. */
  sessionRows(input: SessionRowsInput): Sql;
  /** The core of paths: see `PathCountsInput` for the definition and the rows it returns. */
  pathCounts(input: PathCountsInput): Sql;
  /**
   * The core of funnels: per user and group, the furthest step of the user's attempts and the step times
   * of the one reported; see `FunnelAttemptsInput` for the definition and the rows it returns. Sorted
   * events, pointers and joins on DuckDB; per-user arrays in one pass (`windowFunnel`-like) on ClickHouse.
   */
  funnelAttempts(input: FunnelAttemptsInput): Sql;
  /**
   * As an aggregate: the `limit` smallest non-NULL values of a text expression, ascending, as a list
   * (for example the first user ids of a group, to list them).
   */
  smallestValues(expression: Sql, limit: number): Sql;
  /** True when a text expression equals one of `values` (`x IN (…)`, in the engine's fastest form). */
  oneOf(expression: Sql, values: readonly string[]): Sql;
}

export function capabilityError(dialect: string, capability: Capability, use: string): SightlineError {
  return new SightlineError(
    'SL_DIALECT_CAPABILITY',
    `${use} needs the capability "${capability}", which the ${dialect} dialect does not have`,
  );
}
