import type { Dialect } from '../../../data/sql/dialect.ts';
import { ident, join, raw, type Sql, sql } from '../../../data/sql/sql.ts';
import { BREAKDOWN_COLUMN, BUCKET_COLUMN, OTHER_COLUMN } from './funnel-events.ts';
import type { HistogramBin } from './funnel-histogram.ts';

/** Which aggregation a result row belongs to. */
export const SET_ALL = 0;
export const SET_BREAKDOWN = 1;
export const SET_BUCKET = 2;

export interface FunnelAggregateQuery {
  /** `Dialect.funnelAttempts`: one row per user and group. */
  attempts: Sql;
  steps: number;
  groups: readonly string[];
  bins: readonly HistogramBin[];
  droppedAt: number | undefined;
  limit: number;
}

/** One row per set and key: users per step, step times, time to convert, dropped users. */
export interface FunnelAggregateRow {
  set_id: number;
  set_key: string | null;
  set_other: number;
  excluded_users: number;
  /** `c1` … `c<n>`, `med2` …, `mean2` …, `h0` …, and `ttc_median`, `ttc_mean`, `dropped`. */
  [column: string]: unknown;
}

/**
 * The statement that turns attempts into the result, one pass over them. With groups (breakdown values,
 * entry buckets) a user may have several attempts rows; each set (all, per breakdown value, per bucket)
 * needs one outcome per user, the furthest over the rows of that set, so the rows are repeated once per
 * set by a cross join with a constant table (portable to engines without GROUPING SETS) and reduced per
 * (set, key, user) first: the furthest level, and among the rows at that level one not excluded if any,
 * completing first, then starting last.
 */
export function funnelAggregateSql(d: Dialect, q: FunnelAggregateQuery): Sql {
  const n = q.steps;
  const t = (i: number) => ident(`t${i}`);
  const times = Array.from({ length: n }, (_, i) => t(i + 1));
  let perUser: Sql;
  if (q.groups.length === 0) {
    perUser = sql`SELECT ${raw(String(SET_ALL))} AS set_id, ${d.toText(sql`NULL`)} AS set_key, 0 AS set_other, user_id, level, excluded, ${join(times)} FROM (${q.attempts}) AS a`;
  } else {
    const sets = [SET_ALL];
    const key: Sql[] = [];
    if (q.groups.includes(BREAKDOWN_COLUMN)) {
      sets.push(SET_BREAKDOWN);
      key.push(sql`WHEN ${raw(String(SET_BREAKDOWN))} THEN a.${ident(BREAKDOWN_COLUMN)}`);
    }
    if (q.groups.includes(BUCKET_COLUMN)) {
      sets.push(SET_BUCKET);
      key.push(sql`WHEN ${raw(String(SET_BUCKET))} THEN ${d.toText(sql`a.${ident(BUCKET_COLUMN)}`)}`);
    }
    const other = q.groups.includes(OTHER_COLUMN)
      ? sql`CASE WHEN s.set_id = ${raw(String(SET_BREAKDOWN))} THEN a.${ident(OTHER_COLUMN)} ELSE 0 END`
      : sql`0`;
    const setTable = join(
      sets.map((s) => sql`SELECT ${raw(String(s))} AS set_id`),
      ' UNION ALL ',
    );
    const keyed = sql`SELECT s.set_id, CASE s.set_id ${join(key, ' ')} END AS set_key, ${other} AS set_other, a.* FROM (${q.attempts}) AS a CROSS JOIN (${setTable}) AS s`;
    const order = [sql`-level`, sql`excluded`, sql`c_rank`, sql`-s_rank`];
    perUser = sql`SELECT set_id, set_key, set_other, user_id, max(level) AS level, ${d.argMin(sql`excluded`, order)} AS excluded, ${join(
      times.map((c) => sql`${d.argMin(sql`${c}`, order)} AS ${c}`),
    )} FROM (${keyed}) AS r GROUP BY set_id, set_key, set_other, user_id`;
  }

  const reached = (k: number) => sql`NOT excluded AND level >= ${raw(String(k))}`;
  const seconds = (later: number, earlier: number) => sql`(${t(later)} - ${t(earlier)}) / 1e6`;
  const columns: Sql[] = [sql`count(CASE WHEN excluded THEN 1 END) AS excluded_users`];
  for (let k = 1; k <= n; k++)
    columns.push(sql`count(CASE WHEN ${reached(k)} THEN 1 END) AS ${ident(`c${k}`)}`);
  for (let k = 2; k <= n; k++) {
    const gap = sql`CASE WHEN ${reached(k)} THEN ${seconds(k, k - 1)} END`;
    columns.push(sql`${d.percentile(gap, 0.5)} AS ${ident(`med${k}`)}`);
    columns.push(sql`avg(${gap}) AS ${ident(`mean${k}`)}`);
  }
  const total = sql`CASE WHEN ${reached(n)} THEN ${seconds(n, 1)} END`;
  columns.push(sql`${d.percentile(total, 0.5)} AS ttc_median`, sql`avg(${total}) AS ttc_mean`);
  q.bins.forEach((bin, i) => {
    const last = i === q.bins.length - 1;
    const upper = last ? sql`<= ${raw(String(bin.toSeconds))}` : sql`< ${raw(String(bin.toSeconds))}`;
    columns.push(
      sql`count(CASE WHEN ${reached(n)} AND ${seconds(n, 1)} >= ${raw(String(bin.fromSeconds))} AND ${seconds(n, 1)} ${upper} THEN 1 END) AS ${ident(`h${i}`)}`,
    );
  });
  if (q.droppedAt !== undefined) {
    const dropped = sql`CASE WHEN set_id = ${raw(String(SET_ALL))} AND NOT excluded AND level = ${raw(String(q.droppedAt - 1))} THEN user_id END`;
    columns.push(sql`${d.smallestValues(dropped, q.limit)} AS dropped`);
  }
  return sql`SELECT set_id, set_key, set_other, ${join(columns)} FROM (${perUser}) AS u GROUP BY set_id, set_key, set_other`;
}
