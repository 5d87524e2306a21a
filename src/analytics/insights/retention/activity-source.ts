import { and, ident, join, raw, type Sql, sql } from '../../../data/sql/sql.ts';
import { compileFilter, dimensionSql } from '../../metrics/compile-filter.ts';
import type { FilterNode } from '../../metrics/filter-expression.ts';
import { QueryScope } from '../../metrics/query-scope.ts';
import type { SemanticLayer } from '../../metrics/semantic-layer.ts';
import type { DateRange } from '../date-range.ts';
import { ANY_EVENT } from '../event-scan.ts';
import type { InsightContext } from '../insight-context.ts';
import { wallClockSql } from '../zone-offsets.ts';
import type { PeriodAxis } from './local-periods.ts';

/**
 * Where per-user activity is read from: `events`, or the `user_daily` rollup (one row per user, UTC day
 * and event name) when it gives the same answer — the time zone is UTC, and the filter and breakdown only
 * read user columns or cohorts — so retention, stickiness and lifecycle read thousands of
 * rollup rows instead of millions of events. With user-level filters (in any time zone), a user's first
 * event ever (for `$any`) is `users.first_seen`. Ingestion maintains both from the same events, so the
 * answers agree.
 */
export type ActivityPath = 'rollup' | 'events';

/** One row of a scan, as expressions in its scope. */
export interface ActivityRow {
  userId: Sql;
  /** The time of the row: `ts` (events) or `day` (rollup). */
  time: Sql;
  /** The row's period on the axis. */
  period: Sql;
  /** Orders rows in time; ties in `ts` are broken by `event_id`, as the naive reading of a log would. */
  order: Sql[];
  /** A dimension's value in the row (text). */
  breakdown(ref: string): Sql;
}

export interface ScanOptions {
  /** An event name or `$any`. */
  event: string;
  /** The first local date read (inclusive); all history when absent. */
  since?: string | undefined;
  /** The local date after the last one read (exclusive). */
  until: string;
  select(row: ActivityRow): Sql[];
  distinct?: boolean;
  groupBy?(row: ActivityRow): Sql[];
  having?(row: ActivityRow): Sql;
}

export class ActivitySource {
  private constructor(
    private readonly ctx: InsightContext,
    private readonly range: DateRange,
    readonly axis: PeriodAxis,
    private readonly where: FilterNode | undefined,
    readonly path: ActivityPath,
    /** The filter and the breakdown read only user columns and cohorts (so `firstSeen` is exact). */
    readonly userLevel: boolean,
  ) {}

  /** The rollup when it is exact for this query, else `events`; `force` picks one (tests compare both). */
  static choose(
    ctx: InsightContext,
    range: DateRange,
    axis: PeriodAxis,
    options: { where: FilterNode | undefined; breakdown?: string | undefined; force?: ActivityPath },
  ): ActivitySource {
    const userLevel =
      (options.where === undefined || userLevelFilter(ctx.layer, options.where)) &&
      (options.breakdown === undefined || ctx.layer.dimension(options.breakdown).kind === 'user');
    const exact = range.timeZone === 'UTC' && userLevel;
    const path = options.force ?? (exact ? 'rollup' : 'events');
    if (path === 'rollup' && !exact)
      throw new Error('the rollup cannot answer a query with a time zone or event-level filters');
    return new ActivitySource(ctx, range, axis, options.where, path, userLevel);
  }

  /**
   * The period on the axis of a time of this source: a `ts` (UTC, made local) or, on the rollup, a `day`
   * or a UTC timestamp. Days are a subtraction of dates, portable SQL and cheaper than truncating both
   * sides (about 15% of the rollup's retention query).
   */
  periodOf(
    time: Sql,
    type: 'date' | 'timestamp' = this.path === 'rollup' ? 'date' : 'timestamp',
    window?: { since: string; until: string },
  ): Sql {
    const d = this.ctx.dialect;
    const local = this.path === 'rollup' ? time : this.wallClock(time, window);
    if (this.axis.unit === 'day') {
      const date = type === 'date' ? local : sql`CAST(${local} AS DATE)`;
      return sql`(${date} - CAST(${this.axis.origin} AS DATE))`;
    }
    return d.unitsBetween(this.axis.unit, d.timestamp(`${this.axis.origin} 00:00:00`), local);
  }

  /**
   * The wall-clock time of a UTC `ts`. Inside a window of local dates, `ts` plus the zone's offset, with a
   * CASE on the DST transitions in the window (see zone-offsets.ts); elsewhere the dialect's conversion.
   */
  private wallClock(time: Sql, window: { since: string; until: string } | undefined): Sql {
    const { timeZone } = this.range;
    if (window === undefined) return this.ctx.dialect.localTime(time, timeZone);
    return wallClockSql(this.ctx.dialect, time, timeZone, window.since, window.until);
  }

  /** The first instant of a local date, comparable with this source's times. */
  bound(date: string): Sql {
    const d = this.ctx.dialect;
    if (this.path === 'rollup') return sql`CAST(${date} AS DATE)`;
    return d.utcFromLocal(d.timestamp(`${date} 00:00:00`), this.range.timeZone);
  }

  /** `SELECT … FROM events e` (or `user_daily e`) `[LEFT JOIN users u] WHERE …` of one event's rows. */
  scan(options: ScanOptions): Sql {
    const scope = this.scope('e', 'u');
    const rollup = this.path === 'rollup';
    const time = scope.column(rollup ? 'day' : 'ts');
    const window = options.since === undefined ? undefined : { since: options.since, until: options.until };
    const row: ActivityRow = {
      userId: scope.column('user_id'),
      time,
      period: this.periodOf(time, undefined, window),
      order: rollup ? [time] : [time, scope.column('event_id')],
      breakdown: (ref) => dimensionSql(scope, ref),
    };
    // Everything that reads the scope is compiled before usersJoin() looks at it.
    const select = join(options.select(row));
    const groupBy = options.groupBy ? sql` GROUP BY ${join(options.groupBy(row))}` : sql``;
    const having = options.having ? sql` HAVING ${options.having(row)}` : sql``;
    const where = and([
      sql`${scope.column('project_id')} = ${this.ctx.project}`,
      options.since === undefined ? sql`` : sql`${time} >= ${this.bound(options.since)}`,
      sql`${time} < ${this.bound(options.until)}`,
      options.event === ANY_EVENT ? sql`` : sql`${scope.column('event')} = ${options.event}`,
      this.where ? compileFilter(scope, this.where) : sql``,
    ]);
    const table = raw(rollup ? 'user_daily' : 'events');
    const distinct = options.distinct ? raw('DISTINCT ') : sql``;
    return sql`SELECT ${distinct}${select} FROM ${table} ${ident('e')}${scope.usersJoin()} WHERE ${where}${groupBy}${having}`;
  }

  /**
   * Each user's first event ever (any name) is `users.first_seen`, in any time zone: `SELECT … FROM
   * users u WHERE …` of the users who pass the filter and whose first event falls in the local dates
   * [since, until) (all history when `since` is absent). Only when `userLevel`: the filter then holds for
   * all of a user's events or for none, and a breakdown is a user column.
   */
  firstSeen(options: { since?: string | undefined; until: string; select(row: ActivityRow): Sql[] }): Sql {
    if (!this.userLevel) throw new Error('users.first_seen is only exact for user-level filters');
    const d = this.ctx.dialect;
    const instant = (date: string): Sql =>
      d.utcFromLocal(d.timestamp(`${date} 00:00:00`), this.range.timeZone);
    // Both aliases name `users`: user columns and the user id read the same row, and no join is needed.
    const scope = this.scope('u', 'u');
    const time = scope.column('first_seen');
    const row: ActivityRow = {
      userId: scope.column('user_id'),
      time,
      period: this.periodOf(time, 'timestamp'),
      order: [time],
      breakdown: (ref) => dimensionSql(scope, ref),
    };
    const select = join(options.select(row));
    const where = and([
      sql`${scope.column('project_id')} = ${this.ctx.project}`,
      options.since === undefined ? sql`` : sql`${time} >= ${instant(options.since)}`,
      sql`${time} < ${instant(options.until)}`,
      this.where ? compileFilter(scope, this.where) : sql``,
    ]);
    return sql`SELECT ${select} FROM users ${ident('u')} WHERE ${where}`;
  }

  private scope(eventsAlias: string, usersAlias: string): QueryScope {
    const { ctx } = this;
    return new QueryScope(ctx.dialect, ctx.layer, ctx.project, this.range.end, eventsAlias, usersAlias);
  }
}

/**
 * True when a filter reads nothing that varies between a user's events: user columns, the user id,
 * cohorts, and named filters made of those.
 */
export function userLevelFilter(layer: SemanticLayer, node: FilterNode): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.items.every((item) => userLevelFilter(layer, item));
    case 'not':
      return userLevelFilter(layer, node.item);
    case 'named':
      return userLevelFilter(layer, layer.filter(node.name));
    case 'cohort':
      return true;
    default: {
      const dimension = layer.dimension(node.ref);
      return dimension.kind === 'user' || (dimension.kind === 'event' && dimension.column === 'user_id');
    }
  }
}
