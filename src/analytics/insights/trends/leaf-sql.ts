import type { TimeUnit } from '../../../data/sql/dialect.ts';
import { and, ident, join, raw, type Sql, sql } from '../../../data/sql/sql.ts';
import { compileFilter, dimensionSql, numericDimensionSql } from '../../metrics/compile-filter.ts';
import type { QueryScope } from '../../metrics/query-scope.ts';
import { addDays, type DateRange, daysBetween } from '../date-range.ts';
import { ANY_EVENT, eventScan, scopeFor } from '../event-scan.ts';
import type { InsightContext } from '../insight-context.ts';
import { wallClockSql } from '../zone-offsets.ts';
import { bucketsFor } from './buckets.ts';
import type { Statistic } from './math.ts';
import type { Leaf } from './series-plan.ts';
import type { Interval } from './trends-spec.ts';

/** A breakdown value as the database gives it: text, or null for a missing value. */
export type BreakdownValue = string | null;

/**
 * How rows are keyed: `raw` gives the breakdown values as columns k0, k1, k2 (for ranking); `groups`
 * gives one column g, the index of the kept combination a row belongs to, or -1 for "other" (without a
 * breakdown every row is group 0).
 */
export type Keys = { kind: 'raw' } | { kind: 'groups'; kept: readonly (readonly BreakdownValue[])[] };

export interface LeafQuery {
  ctx: InsightContext;
  leaf: Leaf;
  range: DateRange;
  interval: Interval;
  breakdown: readonly string[];
  keys: Keys;
  /** Read the `user_daily` rollup instead of `events` (only where rollup-eligibility.ts allows it). */
  rollup: boolean;
  /**
   * For first_time: each user's first matching event time from the rollup's `first_ts` (or, for any
   * event without filters, from `users.first_seen`).
   */
  rollupFirsts?: boolean;
}

/** The key columns of a query's rows. */
export function keyColumns(query: Pick<LeafQuery, 'keys' | 'breakdown'>): string[] {
  return query.keys.kind === 'raw' ? query.breakdown.map((_, i) => `k${i}`) : ['g'];
}

/**
 * The rows of one leaf. For trailing-window maths (`shape: 'days'`): see {@link windowRowsSql}; for every other math (`shape: 'buckets'`): (bucket, keys, value), one row per bucket and key
 * that has matching events.
 */
export function leafRowsSql(query: LeafQuery): { sql: Sql; shape: 'buckets' | 'days' } {
  const { leaf } = query;
  const aggregate = leaf.aggregate;
  const keys = join(keyColumns(query).map((k) => ident(k)));
  const unit: TimeUnit = query.interval;

  if (aggregate.kind === 'window') return { sql: windowRowsSql(query, [aggregate.days]), shape: 'days' };

  let value: Sql;
  let from: Sql;
  if (aggregate.kind === 'per_user') {
    const scan = scanSql(query, { unit });
    from = sql`(SELECT bucket, ${keys}, user_id, count(*) AS events FROM (${scan}) AS s GROUP BY bucket, ${keys}, user_id) AS per_user`;
    value = statisticSql(query, aggregate.statistic, sql`events`);
  } else if (aggregate.kind === 'property') {
    from = sql`(${scanSql(query, { unit, property: aggregate.property })}) AS s`;
    value = statisticSql(query, aggregate.statistic, sql`v`);
  } else {
    const options = {
      unit,
      firstTime: aggregate.kind === 'first_time',
      eventCount: aggregate.kind === 'total',
    };
    from = sql`(${scanSql(query, options)}) AS s`;
    value =
      aggregate.kind === 'total'
        ? query.rollup
          ? sql`sum(n)`
          : sql`count(*)`
        : sql`count(DISTINCT user_id)`;
  }
  return {
    sql: sql`SELECT bucket, ${keys}, ${value} AS value FROM ${from} GROUP BY bucket, ${keys}`,
    shape: 'buckets',
  };
}

function statisticSql(query: LeafQuery, statistic: Statistic, of: Sql): Sql {
  switch (statistic.fn) {
    case 'sum':
      // A sum over no values is 0, as for a bucket without events.
      return sql`COALESCE(sum(${of}), 0)`;
    case 'avg':
    case 'min':
    case 'max':
      return sql`${raw(statistic.fn)}(${of})`;
    case 'percentile':
      return query.ctx.dialect.percentile(of, statistic.fraction);
  }
}

/** The range's first and last local days as timestamps at local midnight. */
export function localBounds(query: Pick<LeafQuery, 'ctx' | 'range'>): { first: Sql; last: Sql } {
  const d = query.ctx.dialect;
  return {
    first: d.timestamp(`${query.range.from} 00:00:00`),
    last: d.timestamp(`${query.range.to} 00:00:00`),
  };
}

interface ScanOptions {
  /** The unit of the `bucket` column (local). */
  unit: TimeUnit;
  /** Also read this many local days before the range (for trailing windows). */
  lookbackDays?: number;
  /** A numeric dimension to select as `v`. */
  property?: string;
  /** Keep only each user's first matching event ever. */
  firstTime?: boolean;
  /** Select the rollup's event count as `n`. */
  eventCount?: boolean;
}

/**
 * Matching rows with the columns `bucket` (the local start of the row's unit), `user_id`, the key
 * columns, and `v` (a property) or `n` (the rollup's event count) when asked for.
 */
function scanSql(query: LeafQuery, options: ScanOptions): Sql {
  const { ctx, leaf } = query;
  const d = ctx.dialect;
  const range =
    options.lookbackDays && options.lookbackDays > 0
      ? { ...query.range, from: addDays(query.range.from, -options.lookbackDays) }
      : query.range;
  const scope = scopeFor(ctx, query.range);
  const time = query.rollup
    ? d.dateToTimestamp(scope.column('day'))
    : wallClockSql(d, scope.column('ts'), range.timeZone, range.from, range.to);
  const bucket = options.unit === 'day' && query.rollup ? time : d.truncate(options.unit, time);
  const columns = [
    sql`${bucket} AS bucket`,
    sql`${scope.column('user_id')} AS user_id`,
    ...keySql(query, scope),
    options.property ? sql`${numericDimensionSql(scope, options.property)} AS v` : sql``,
    query.rollup && options.eventCount ? sql`${scope.column('events')} AS n` : sql``,
  ].filter((c) => !c.isEmpty);

  if (query.rollup) {
    const conditions = [
      sql`${scope.column('project_id')} = ${ctx.project}`,
      sql`${time} >= ${d.timestamp(`${range.from} 00:00:00`)}`,
      sql`${time} <= ${d.timestamp(`${range.to} 00:00:00`)}`,
      leaf.event === ANY_EVENT ? sql`` : sql`${scope.column('event')} = ${leaf.event}`,
      ...leaf.filters.map((f) => compileFilter(scope, f)),
    ];
    return sql`SELECT ${join(columns)} FROM user_daily ${ident(scope.eventsAlias)}${scope.usersJoin()} WHERE ${and(conditions)}`;
  }
  const eventRange =
    range === query.range
      ? range
      : { ...range, start: d.utcFromLocal(d.timestamp(`${range.from} 00:00:00`), range.timeZone) };
  const conditions = options.firstTime ? [firstEventCondition(query, scope)] : [];
  return eventScan(ctx, scope, eventRange, {
    columns,
    events: [leaf.event],
    filters: leaf.filters,
    conditions,
  });
}

/** `k0, k1 …` (the breakdown values as text) or `g` (the kept combination's index, -1 for other). */
function keySql(query: LeafQuery, scope: QueryScope): Sql[] {
  const values = query.breakdown.map((ref) => dimensionSql(scope, ref));
  if (query.keys.kind === 'raw') return values.map((v, i) => sql`${v} AS ${ident(`k${i}`)}`);
  if (query.breakdown.length === 0) return [sql`0 AS g`];
  const branches = query.keys.kept.map((combination, index) => {
    const matches = and(
      combination.map((value, i) =>
        value === null ? sql`${values[i] as Sql} IS NULL` : sql`${values[i] as Sql} = ${value}`,
      ),
    );
    return sql`WHEN ${matches} THEN ${raw(String(index))}`;
  });
  if (branches.length === 0) return [sql`-1 AS g`];
  return [sql`CASE ${join(branches, ' ')} ELSE -1 END AS g`];
}

/**
 * The row is its user's first matching event ever (from the beginning of the data, not of the range).
 * Two matching events at the same first instant both qualify, so such a user counts in the group of each.
 */
function firstEventCondition(query: LeafQuery, scope: QueryScope): Sql {
  const { ctx, leaf } = query;
  const inner = scope.nested();
  if (query.rollupFirsts && leaf.event === ANY_EVENT && leaf.filters.length === 0) {
    // New users: the users table keeps each user's first event time.
    const users = sql`SELECT user_id, first_seen FROM users WHERE project_id = ${ctx.project} AND first_seen < ${query.range.end}`;
    return sql`(${scope.column('user_id')}, ${scope.column('ts')}) IN (${users})`;
  }
  // The rollup's first_ts is the earliest event of a user's day and name, so the earliest first_ts
  // before the end is the earliest such event.
  const ts = inner.column(query.rollupFirsts ? 'first_ts' : 'ts');
  const conditions = [
    sql`${inner.column('project_id')} = ${ctx.project}`,
    sql`${ts} < ${query.range.end}`,
    leaf.event === ANY_EVENT ? sql`` : sql`${inner.column('event')} = ${leaf.event}`,
    ...leaf.filters.map((f) => compileFilter(inner, f)),
  ];
  const table = raw(query.rollupFirsts ? 'user_daily' : 'events');
  const firsts = sql`SELECT ${inner.column('user_id')}, min(${ts}) FROM ${table} ${ident(inner.eventsAlias)}${inner.usersJoin()} WHERE ${and(conditions)} GROUP BY ${inner.column('user_id')}`;
  return sql`(${scope.column('user_id')}, ${scope.column('ts')}) IN (${firsts})`;
}

/**
 * The top `limit` key combinations by the leaf's total over the range (the sum of its values over the
 * buckets), largest first, ties by the values in ascending order with missing values last; each row also
 * carries `row_count`, the number of combinations there are.
 */
export function rankingSql(query: LeafQuery, limit: number): Sql {
  const rows = leafRowsSql({ ...query, keys: { kind: 'raw' } });
  const columns = keyColumns({ ...query, keys: { kind: 'raw' } });
  const keys = join(columns.map((k) => ident(k)));
  const weight = rows.shape === 'days' ? sql`n` : sql`value`;
  const totals = sql`SELECT ${keys}, sum(${weight}) AS total FROM (${rows.sql}) AS v GROUP BY ${keys}`;
  const order = join([sql`total DESC NULLS LAST`, ...columns.map((k) => sql`${ident(k)} ASC NULLS LAST`)]);
  return query.ctx.dialect.topRows(totals, order, limit);
}

/**
 * Trailing-window rows (keys, window_days, day, n) for several window lengths of one leaf in one pass (WAU and
 * MAU of the same events read the data once): n users active in the `window` days ending on local day
 * `day`, a day number counted from the base of the longest window, for each bucket's last day.
 */
export function windowRowsSql(query: LeafQuery, windows: readonly number[]): Sql {
  const d = query.ctx.dialect;
  const longest = Math.max(...windows);
  const keys = join(keyColumns(query).map((k) => ident(k)));
  const scan = scanSql(query, { unit: 'day', lookbackDays: longest - 1 });
  const base = windowBase(query, longest);
  const day = sql`${d.dayNumber(sql`bucket`)} - ${d.dayNumber(d.timestamp(`${base} 00:00:00`))}`;
  const active = sql`SELECT ${keys}, user_id, ${day} AS ${ident('day')} FROM (${scan}) AS s`;
  const days = countedDays(query).map((date) => daysBetween(base, date));
  const counts = windows.flatMap((window) => days.map((dayNumber) => ({ window, day: dayNumber })));
  return d.trailingActiveUsers(active, keyColumns(query), counts);
}

/** The first local day a trailing window of `windowDays` reaches: day number 0 of a window query. */
export function windowBase(query: Pick<LeafQuery, 'range'>, windowDays: number): string {
  return addDays(query.range.from, -(windowDays - 1));
}

/** The local days a trailing-window math is counted on: each bucket's (clipped) last day. */
export function countedDays(query: Pick<LeafQuery, 'range' | 'interval'>): string[] {
  const { from, to, timeZone } = query.range;
  return bucketsFor(query.interval, from, to, timeZone).map((bucket) => bucket.lastDay);
}
