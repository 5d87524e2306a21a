import type { AnyOrderComponents, FunnelAttemptsInput } from '../funnel-attempts.ts';
import { ident, join, raw, type Sql, sql } from '../sql.ts';
import { distinctAnyOrderSteps, duckdbDistinctAnyOrderAttempts } from './any-order-distinct.ts';
import { groupColumns, orderKey, range, sequenceCtes, stepColumn, windowMicros } from './sequence.ts';

/** The non-empty subsets of a component's definitions, as lists of indexes. */
function subsets(size: number): number[][] {
  const out: number[][] = [];
  for (let mask = 1; mask < 1 << size; mask++)
    out.push(range(0, size - 1).filter((i) => (mask & (1 << i)) !== 0));
  return out;
}

/** The sets of steps whose event counts `matchingSize` reads: per component, each non-empty subset. */
export function matchingSubsets(components: AnyOrderComponents): number[][] {
  return components.flatMap((definitions) =>
    subsets(definitions.length).map((chosen) => chosen.map((i) => (definitions[i] as { step: number }).step)),
  );
}

/**
 * How many steps the events counted by `count` can fill, each event one step it matches and each step one
 * event: a maximum bipartite matching. By König's theorem it is the minimum, over sets S of step
 * definitions, of (steps outside S) + (events matching some definition in S); an optimal S takes all
 * copies of a definition or none, and definitions of different components never share an event, so the
 * minimum is taken per component and summed. `count(columns, steps)` counts the events matching any of
 * the match columns `columns` of the steps `steps` (one of `matchingSubsets`).
 */
export function matchingSize(
  components: AnyOrderComponents,
  count: (columns: Sql[], steps: readonly number[]) => Sql,
): Sql {
  const perComponent = components.map((definitions) => {
    const all = definitions.reduce((sum, d) => sum + d.multiplicity, 0);
    const terms = [
      raw(String(all)),
      ...subsets(definitions.length).map((chosen) => {
        const outside = definitions
          .filter((_, i) => !chosen.includes(i))
          .reduce((sum, d) => sum + d.multiplicity, 0);
        const steps = chosen.map((i) => (definitions[i] as { step: number }).step);
        const matched = count(steps.map(stepColumn), steps);
        return outside > 0 ? sql`${raw(String(outside))} + ${matched}` : matched;
      }),
    ];
    return terms.length === 1 ? (terms[0] as Sql) : sql`least(${join(terms)})`;
  });
  return join(perComponent, ' + ');
}

/**
 * Any-order funnels whose steps may share events (the same event twice, or with two filters, or `$any`);
 * distinct steps take the one pass of `duckdbDistinctAnyOrderAttempts`. An attempt starts at an entry event and takes the matching events in the next W
 * (a time range, so events at the same time count whatever their order). Its level is the matching size
 * of the counts over that range, one RANGE window pass. Reporting the attempt needs when it filled each
 * step; only one attempt per user and group is reported, so that is done on the events of its range
 * alone: among the attempts reaching the furthest level, completion times grow with the start time (a
 * later start sees a subset of the events of an earlier one, within the same W), so the earliest such
 * attempt gives the earliest completion c; the latest entry whose events up to c still reach the level
 * completes then too and is reported; its step times are the first times its events fill 1, 2, … steps.
 */
export function duckdbAnyOrderAttempts(input: FunnelAttemptsInput): Sql {
  const n = input.steps;
  const components = input.components;
  if (!components) throw new Error('an any-order funnel needs its step components');
  if (distinctAnyOrderSteps(components)) return duckdbDistinctAnyOrderAttempts(input);
  const W = windowMicros(input);
  const g = groupColumns(input);
  const gList = g.length > 0 ? sql`, ${join(g)}` : sql``;
  const partition = join([sql`user_id`, ...g]);
  const own = (name: string) => ident(`own_${name}`);
  const matchColumns = components.flat().map((d) => stepColumn(d.step));
  const counted = (order: Sql, by: Sql) => (columns: Sql[]) =>
    sql`count(CASE WHEN ${join(columns, ' OR ')} THEN 1 END) OVER (PARTITION BY ${by} ORDER BY ${order})`;
  const forward = counted(sql`us RANGE BETWEEN CURRENT ROW AND ${W} FOLLOWING`, sql`user_id`);
  const prefix = counted(sql`us RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`, partition);
  // This time and everything later, as a running count backwards (the default frame of a descending
  // order): DuckDB streams it, where a frame to the partition's end can scan (see `nextWhere`).
  const suffix = counted(sql`us DESC`, partition);
  const sameGroup = input.groups.map((name) => sql`${own(name)} IS NOT DISTINCT FROM ${ident(name)}`);
  const candidate = join([sql`entry`, ...sameGroup, sql`reach >= target`], ' AND ');
  const times = range(1, n).map(
    (k) =>
      sql`min(CASE WHEN target >= ${raw(String(k))} AND filled >= ${raw(String(k))} THEN us END) AS ${ident(`t${k}`)}`,
  );
  const ctes: Sql[] = [
    sequenceCtes(input, { windowColumns: [], ties: 'ignore' }),
    // 1. The level of every attempt (the matching size of its range), and per user and group the
    //    furthest level and the earliest entry reaching it.
    sql`lv AS (SELECT *, ${matchingSize(components, forward)} AS level FROM seq)`,
    sql`best AS (SELECT user_id${gList}, max(level) AS target, arg_min(us, ${orderKey([{ value: sql`${raw(String(n))} - level`, bound: n }], sql`us`)}) AS first_us FROM lv WHERE entry GROUP BY user_id${gList})`,
    // 2. The events of that attempt's range; c: the first time its events fill `target` steps.
    sql`ev AS (SELECT ${join([sql`b.user_id`, ...groupColumns(input, 'b')])}, b.target, s.us, s.key, s.entry${join(
      input.groups.map((name) => sql`, s.${ident(name)} AS ${own(name)}`),
      '',
    )}, ${join(matchColumns.map((c) => sql`s.${c}`))} FROM best AS b JOIN seq AS s ON s.user_id = b.user_id AND s.us >= b.first_us AND s.us <= b.first_us + ${W})`,
    sql`pre AS (SELECT *, ${matchingSize(components, prefix)} AS filled FROM ev)`,
    sql`done AS (SELECT *, min(CASE WHEN filled >= target THEN us END) OVER (PARTITION BY ${partition}) AS c FROM pre)`,
    // 3. The latest entry of the group whose events up to c still fill `target` steps starts the
    //    reported attempt.
    sql`suf AS (SELECT * EXCLUDE (filled), ${matchingSize(components, suffix)} AS reach FROM done WHERE us <= c)`,
    sql`pick AS (SELECT * EXCLUDE (reach), max(CASE WHEN ${candidate} THEN key END) OVER (PARTITION BY ${partition}) AS a_key, max(CASE WHEN ${candidate} THEN us END) OVER (PARTITION BY ${partition}) AS a_us FROM suf)`,
    // 4. Its step times: the first times its events fill 1, 2, … steps.
    sql`tim AS (SELECT *, ${matchingSize(components, prefix)} AS filled FROM pick WHERE us >= a_us)`,
  ];
  return sql`WITH ${join(ctes)} SELECT user_id${gList}, any_value(target) AS level, FALSE AS excluded, any_value(c) AS c_rank, any_value(a_key) AS s_rank, ${join(times)} FROM tim GROUP BY user_id${gList}`;
}
