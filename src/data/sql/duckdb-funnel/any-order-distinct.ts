import type { AnyOrderComponents, FunnelAttemptsInput } from '../funnel-attempts.ts';
import { ident, join, raw, type Sql, sql } from '../sql.ts';
import { groupColumns, range, stepColumn, windowMicros } from './sequence.ts';

/** True when no event can match two steps and no step repeats: every component is one single step. */
export function distinctAnyOrderSteps(components: AnyOrderComponents): boolean {
  return components.every((c) => c.length === 1 && c[0]?.multiplicity === 1);
}

/**
 * Any-order funnels whose steps are distinct (`distinctAnyOrderSteps`), one sort of the user's events.
 *
 * Each event gets, per step i, the time of the first event at or after it that matches i (`n<i>`, the
 * minimum over the events at or after its time, so events at the same time see each other). An attempt
 * starting at an entry at time t then takes the steps with n_i ≤ t + W: that count is its level, and
 * since each step is one event, the time it fills k steps is the k-th smallest of those n_i. Its
 * completion is the largest. Per user and group the reported attempt is the one with the furthest level,
 * then the earliest completion, then the latest start, taken by one `arg_max` per step over a HUGEINT
 * that orders like that triple.
 *
 * This replaces the four window passes of `duckdbAnyOrderAttempts` with one. The minimum runs from the
 * user's last event back (descending, the default frame: this row, its peers and everything later),
 * which DuckDB streams in one pass; a frame from the current row to the end, or `lead`/`first_value …
 * IGNORE NULLS`, scan ahead row by row, quadratic in one user's events (see `nextWhere`).
 */
export function duckdbDistinctAnyOrderAttempts(input: FunnelAttemptsInput): Sql {
  const n = input.steps;
  const steps = range(1, n);
  const W = windowMicros(input);
  const g = groupColumns(input);
  const gList = g.length > 0 ? sql`, ${join(g)}` : sql``;
  const next = (i: number) => ident(`n${i}`);
  const inWindow = (i: number) => ident(`w${i}`);
  const last = (i: number) => ident(`l${i}`);
  const pointers = steps.map((i) => sql`min(CASE WHEN ${stepColumn(i)} THEN us END) OVER nw AS ${next(i)}`);
  const windowed = steps.map(
    (i) => sql`CASE WHEN ${next(i)} <= us + ${W} THEN ${next(i)} END AS ${inWindow(i)}`,
  );
  const level = join(
    steps.map((i) => sql`CAST(${inWindow(i)} IS NOT NULL AS INTEGER)`),
    ' + ',
  );
  const completion = n === 1 ? inWindow(1) : sql`greatest(${join(steps.map(inWindow))})`;
  // level · 2^120 − completion · 2^56 + start: epoch microseconds stay below 2^56 (until the year 4253), so the
  // completion decides between attempts of one level and the start between those completing together.
  const rank = sql`CAST(level AS HUGEINT) * ${raw(String(2n ** 120n))} - CAST(c AS HUGEINT) * ${raw(String(2n ** 56n))} + us`;
  const times = sql`list_sort([${join(steps.map(last))}], 'ASC', 'NULLS LAST')`;
  const ctes = [
    sql`nx AS (SELECT user_id, us, entry${gList}, ${join(pointers)} FROM (SELECT *, epoch_us(ts) AS us FROM (${input.events}) AS fe) AS fu WINDOW nw AS (PARTITION BY user_id ORDER BY us DESC))`,
    sql`aw AS (SELECT user_id, us${gList}, ${join(windowed)} FROM nx WHERE entry)`,
    sql`al AS (SELECT *, ${level} AS level, ${completion} AS c FROM aw)`,
    sql`ab AS (SELECT user_id${gList}, max(level) AS level, arg_max(c, ${rank}) AS c_rank, arg_max(us, ${rank}) AS s_rank, ${join(
      steps.map((i) => sql`arg_max_null(${inWindow(i)}, ${rank}) AS ${last(i)}`),
    )} FROM al GROUP BY user_id${gList})`,
  ];
  const stepTimes = steps.map((k) => sql`${times}[${raw(String(k))}] AS ${ident(`t${k}`)}`);
  return sql`WITH ${join(ctes)} SELECT user_id${gList}, level, FALSE AS excluded, c_rank, s_rank, ${join(stepTimes)} FROM ab`;
}
