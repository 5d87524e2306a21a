import type { FunnelAttemptsInput } from '../funnel-attempts.ts';
import { ident, join, raw, type Sql, sql } from '../sql.ts';

/** `s1` … `s<n>` as identifiers. */
export function stepColumn(step: number): Sql {
  return sql`${ident(`s${step}`)}`;
}

/**
 * The next row's `value` in a user's events ordered by `key`, among the rows where `when` holds:
 * `lead(… IGNORE NULLS) OVER w` for a `value` that never decreases along `key` (the key, or the time),
 * written as a running minimum over the later rows. The sort is descending because DuckDB streams
 * running aggregates from the partition's start in one pass, while `lead … IGNORE NULLS` scans ahead
 * row by row and a minimum over the following rows falls back to a scan for most partition sizes: both
 * quadratic in one user's events (a 999,999-event user: 2.8 s against 0.08 s; see `npm run
 * bench:insights`, "one heavy user").
 */
export function nextWhere(value: Sql, when: Sql): Sql {
  return sql`min(CASE WHEN ${when} THEN ${value} END) OVER (PARTITION BY user_id ORDER BY key DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)`;
}

export function exclusionColumn(index: number): Sql {
  return sql`${ident(`x${index}`)}`;
}

/** The group columns, quoted, optionally qualified by a table alias. */
export function groupColumns(input: FunnelAttemptsInput, alias?: string): Sql[] {
  return input.groups.map((g) => (alias ? sql`${ident(alias, g)}` : sql`${ident(g)}`));
}

/** A window of W seconds in microseconds, as SQL text (an integer). */
export function windowMicros(input: FunnelAttemptsInput): Sql {
  return raw(String(Math.trunc(input.windowSeconds) * 1_000_000));
}

/**
 * One HUGEINT that orders like the list of its parts, each a BIGINT expression (and every part but the
 * last at most `bound` wide, counted from 0): cheaper as an `arg_min` key than a row() of them
 * (measured 240 ms against 340 ms over 1.9M rows).
 */
export function orderKey(parts: readonly { value: Sql; bound: number }[], last: Sql): Sql {
  let key = sql`CAST(${last} AS HUGEINT)`;
  let scale = 2n ** 64n;
  for (const part of [...parts].reverse()) {
    key = sql`CAST(${part.value} AS HUGEINT) * ${raw(String(scale))} + ${key}`;
    scale *= BigInt(part.bound + 1);
  }
  return key;
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

/**
 * How a user's events with the same time and first step (which differ only in event_id) are ordered:
 * `ignore` leaves them unordered (exact only when their order cannot change the result), `exact` sorts
 * every user by event_id too, `split` sorts only the users that have such ties by event_id.
 */
export type TieOrder = 'ignore' | 'split' | 'exact';

export interface SequenceOptions {
  /**
   * Window columns computed over each user's events in order, in the same pass that sorts them: SQL
   * items such as `lead(…) OVER w AS name`, where `w` orders by the column `key`.
   */
  windowColumns: readonly Sql[];
  ties: TieOrder;
  /**
   * Sort only the events of `fb` that meet this condition (on its columns, for example on `entries`);
   * `fb` is then materialized for the other uses of the caller.
   */
  sortOnly?: Sql;
}

/**
 * Common table expressions `fb` and `seq`. `fb`: the events of the users with an entry, from their first
 * entry to one window after the last (no other event can take part in an attempt; dropping them before
 * the sort is a hash join on the users and, for a funnel whose first step is rare such as a sign-up,
 * removes most events), with `us` (epoch microseconds), `k` = us * 32 + first matched step and
 * `entries` (the user's number of entries). `seq`: those events sorted per user, with `key` (a BIGINT
 * that orders the user's events by (ts, first matched step, event_id), unique per user unless `ties` is
 * `ignore`) and the window columns.
 *
 * Sorting by event_id as well costs about three times as much as sorting by a BIGINT alone (a
 * 36-character text; measured on 1.5M demo events), and event_id only orders events of one user with the
 * same time and first step, which are rare. So `key` is `k` where that suffices; with `split`, the users
 * that have such a tie (found by `lag(k) = k` in the same pass) are sorted again by (k, event_id), `key`
 * then being the row number, and their rows of the first pass dropped.
 */
export function sequenceCtes(input: FunnelAttemptsInput, options: SequenceOptions): Sql {
  const n = input.steps;
  const steps = range(1, n);
  const firstStep = sql`CASE ${join(
    steps.map((i) => sql`WHEN ${stepColumn(i)} THEN ${raw(String(i - 1))}`),
    ' ',
  )} ELSE ${raw(String(n))} END`;
  const carried = [
    sql`user_id`,
    sql`entry`,
    ...steps.map(stepColumn),
    ...input.exclusions.map((_, i) => exclusionColumn(i + 1)),
    ...groupColumns(input),
  ];
  const extra = options.windowColumns.length > 0 ? sql`, ${join(options.windowColumns)}` : sql``;
  const withId = options.ties === 'ignore' ? join(carried) : join([...carried, sql`event_id`]);
  // Only events from a user's first entry to one window after the last can take part in an attempt;
  // dropping the rest before the sort is cheap (a hash join on the users with an entry) and, for a
  // funnel whose first step is rare (a sign-up), removes most of the events.
  const spans = sql`SELECT user_id, min(epoch_us(ts)) AS lo, max(epoch_us(ts)) + ${windowMicros(input)} AS hi, count(*) AS entries FROM (${input.events}) AS fe WHERE entry GROUP BY user_id`;
  const events = sql`SELECT ${withId}, epoch_us(ts) AS us, epoch_us(ts) * 32 + ${firstStep} AS k FROM (${input.events}) AS fi`;
  const base = sql`SELECT fv.*, fs.entries FROM (${events}) AS fv JOIN (${spans}) AS fs ON fs.user_id = fv.user_id WHERE fv.us >= fs.lo AND fv.us <= fs.hi`;
  const fb = sql`fb AS${options.sortOnly || options.ties === 'split' ? sql` MATERIALIZED` : sql``} (${base})`;
  const from = options.sortOnly ? sql`fb WHERE ${options.sortOnly}` : sql`fb`;
  const window = sql`WINDOW w AS (PARTITION BY user_id ORDER BY key)`;
  const exact = (source: Sql) =>
    sql`SELECT * EXCLUDE (event_id, k)${extra} FROM (SELECT *, row_number() OVER (PARTITION BY user_id ORDER BY k, event_id) AS key FROM ${source}) AS sk ${window}`;
  switch (options.ties) {
    case 'ignore':
      return sql`${fb}, seq AS MATERIALIZED (SELECT *${extra} FROM (SELECT * EXCLUDE (k), k AS key FROM ${from}) AS fk ${window})`;
    case 'exact':
      return sql`${fb}, seq AS MATERIALIZED (${exact(from)})`;
    case 'split':
      return sql`${fb}, fw AS MATERIALIZED (SELECT * EXCLUDE (event_id), coalesce(lag(key) OVER w = key, FALSE) AS tied${extra} FROM (SELECT * EXCLUDE (k), k AS key FROM ${from}) AS fk ${window}), ft AS (SELECT DISTINCT user_id FROM fw WHERE tied), seq AS MATERIALIZED (SELECT * EXCLUDE (tied) FROM fw WHERE user_id NOT IN (SELECT user_id FROM ft) UNION ALL BY NAME ${exact(sql`fb WHERE user_id IN (SELECT user_id FROM ft)`)})`;
  }
}
