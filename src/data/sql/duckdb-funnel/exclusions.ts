import type { FunnelAttemptsInput } from '../funnel-attempts.ts';
import { ident, join, raw, type Sql, sql } from '../sql.ts';
import { forwardChainCtes, nextPointers } from './ordered.ts';
import {
  exclusionColumn,
  groupColumns,
  nextWhere,
  range,
  sequenceCtes,
  stepColumn,
  windowMicros,
} from './sequence.ts';

/**
 * Ordered funnels with exclusions. Which attempts an exclusion voids depends on how far they got, so
 * first the furthest level L per user and group is found without exclusions (`forwardChainCtes`); then,
 * from every start, the chains of exactly L steps that no exclusion voids:
 *
 * - an exclusion (from, to) with to <= L must have no event strictly between steps `from` and `to`: the
 *   chain's events from step `from` on stay in one segment between exclusion events (a running count
 *   of them, `ci<e>`, is equal, minus the step event itself when it is one). The first event of step
 *   `from` after the previous step may lie in a segment that cannot complete, so step `from` is tried
 *   in every segment within the window (the first matching event after each exclusion event);
 * - an exclusion with from <= L < to voids a chain with an exclusion event after its step `from` and
 *   within W of its start: the step `from` event must come at or after the last exclusion event at or
 *   before start + W (an ASOF join on time).
 *
 * Otherwise each step takes the first matching event after the previous one, as without exclusions. A
 * group with no such chain is `excluded`; else the chain completing first, then starting last, then
 * with the earliest events in between, is reported.
 */
export function duckdbExcludedAttempts(input: FunnelAttemptsInput): Sql {
  const n = input.steps;
  const W = windowMicros(input);
  const g = groupColumns(input);
  const gList = g.length > 0 ? sql`, ${join(g)}` : sql``;
  const gc = groupColumns(input, 'c');
  const gcList = gc.length > 0 ? sql`, ${join(gc)}` : sql``;
  const exclusions = input.exclusions.map((x, i) => ({ ...x, e: i + 1 }));
  const ci = (e: number) => ident(`ci${e}`);
  const z = (e: number) => ident(`z${e}`);
  const nxu = (e: number) => ident(`nxu${e}`);
  const u = (i: number) => ident(`u${i}`);
  const b = (m: number) => ident(`b${m}`);
  const n_ = (m: number) => ident(`n${m}`);
  const lit = (v: number) => raw(String(v));

  const windowColumns = [
    ...nextPointers(n),
    ...exclusions.map(
      ({ e }) =>
        sql`sum(CASE WHEN ${exclusionColumn(e)} THEN 1 ELSE 0 END) OVER (PARTITION BY user_id ORDER BY key ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ${ci(e)}`,
    ),
    ...exclusions
      .filter((x) => x.from === 1)
      .map(({ e }) => sql`${nextWhere(sql`us`, exclusionColumn(e))} AS ${nxu(e)}`),
  ];
  const ctes: Sql[] = [
    sequenceCtes(input, { windowColumns, ties: 'exact' }),
    ...forwardChainCtes(input, 'f'),
  ];
  // The first event of step `from` at or after each exclusion event, per (user, time): the latest
  // exclusion event of that time.
  for (const x of exclusions.filter((x) => x.from >= 2)) {
    const m = x.from;
    ctes.push(
      sql`${ident(`xt${x.e}`)} AS (SELECT user_id, us, max(key) AS key, arg_max(CASE WHEN ${stepColumn(m)} THEN key ELSE ${n_(m)} END, key) AS f FROM seq WHERE ${exclusionColumn(x.e)} GROUP BY user_id, us)`,
    );
  }

  // Level 1: the starts, with L; a start with an exclusion event after it within W is void when the
  // exclusion starts at step 1 and L is below its `to`.
  const startVoid = exclusions
    .filter((x) => x.from === 1)
    .map((x) => sql`(f.level < ${lit(x.to)} AND s.${nxu(x.e)} - s.us <= ${W})`);
  const sameGroup = input.groups.map((name) => sql`s.${ident(name)} IS NOT DISTINCT FROM f.${ident(name)}`);
  const firstZ = exclusions.filter((x) => x.from === 1).map((x) => sql`, s.${ci(x.e)} AS ${z(x.e)}`);
  ctes.push(
    sql`${b(1)} AS (SELECT s.user_id${join(
      input.groups.map((name) => sql`, s.${ident(name)}`),
      '',
    )}, f.level AS target, s.key AS s, s.us AS su, s.key AS p, s.us AS u1, CAST([] AS BIGINT[]) AS path, ${n >= 2 ? sql`s.n2` : sql`NULL`} AS nx${join(firstZ, '')} FROM seq AS s JOIN fres AS f ON ${join(
      [sql`f.user_id = s.user_id`, ...sameGroup],
      ' AND ',
    )} WHERE s.entry${startVoid.length > 0 ? sql` AND NOT coalesce(${join(startVoid, ' OR ')}, FALSE)` : sql``})`,
  );

  // Which carried z columns exist at level m (set at their step `from`).
  const zAt = (m: number) => exclusions.filter((x) => x.from <= m);
  for (const m of range(2, n)) {
    const fromHere = exclusions.filter((x) => x.from === m);
    const ak = (e: number) => ident(`ak${e}`);
    const af = (e: number) => ident(`af${e}`);
    const alias = (e: number) => ident(`a${e}`);
    // The lower bound: after the previous step, and at or after the last exclusion event within W of
    // the start, for the exclusions from this step that are partial for the group's L.
    const bound = (x: (typeof exclusions)[number]) =>
      sql`CASE WHEN c.target < ${lit(x.to)} THEN ${alias(x.e)}.key END`;
    const asof = fromHere.map(
      (x) =>
        sql` ASOF LEFT JOIN ${ident(`xt${x.e}`)} AS ${alias(x.e)} ON ${alias(x.e)}.user_id = c.user_id AND c.su + ${W} >= ${alias(x.e)}.us`,
    );
    const bounds = fromHere.map((x) => sql`, ${bound(x)} AS ${ak(x.e)}, ${alias(x.e)}.f AS ${af(x.e)}`);
    const lb = fromHere.length > 0 ? sql`greatest(c.p, ${join(fromHere.map(bound))})` : sql`c.p`;
    const firstCandidate = sql`CASE WHEN lb = p THEN nx ${join(
      fromHere.map((x) => sql`WHEN lb = ${ak(x.e)} THEN ${af(x.e)}`),
      ' ',
    )} END`;
    ctes.push(
      sql`${ident(`lb${m}`)} AS (SELECT *, ${firstCandidate} AS cand0 FROM (SELECT c.*${join(bounds, '')}, ${lb} AS lb FROM ${b(m - 1)} AS c${join(asof, '')} WHERE c.target >= ${lit(m)}) AS l)`,
    );
    const candidates: Sql[] = [sql`SELECT c.*, c.cand0 AS cand FROM ${ident(`lb${m}`)} AS c`];
    // Spawns: step m in every later segment, for the exclusions from step m that are full for L.
    for (const x of fromHere) {
      candidates.push(
        sql`SELECT c.*, CASE WHEN r.${stepColumn(m)} THEN r.key ELSE r.${n_(m)} END AS cand FROM ${ident(`lb${m}`)} AS c JOIN seq AS r ON r.user_id = c.user_id AND r.${exclusionColumn(x.e)} AND r.key > c.lb AND r.us <= c.su + ${W} WHERE c.target >= ${lit(x.to)}`,
      );
    }
    // Constraints: no exclusion event strictly between step `from` and this step, for the exclusions
    // that are full for L and span this step.
    const constraints = exclusions
      .filter((x) => x.from < m && m <= x.to)
      .map(
        (x) =>
          sql`(c.target < ${lit(x.to)} OR r.${ci(x.e)} - CASE WHEN r.${exclusionColumn(x.e)} THEN 1 ELSE 0 END = c.${z(x.e)})`,
      );
    const newZ = exclusions.filter((x) => x.from === m).map((x) => sql`, r.${ci(x.e)} AS ${z(x.e)}`);
    const keptZ = zAt(m - 1).map((x) => sql`, c.${z(x.e)}`);
    const next = m < n ? sql`r.${n_(m + 1)}` : sql`NULL`;
    ctes.push(
      sql`${b(m)} AS (SELECT DISTINCT ON (c.user_id${gcList}, c.s, r.key) c.user_id${gcList}, c.target, c.s, c.su, r.key AS p, list_append(c.path, r.key) AS path, ${next} AS nx${join(
        range(1, m - 1).map((i) => sql`, c.${u(i)}`),
        '',
      )}, r.us AS ${u(m)}${join(keptZ, '')}${join(newZ, '')} FROM (${join(candidates, ' UNION ALL ')}) AS c JOIN seq AS r ON r.user_id = c.user_id AND r.key = c.cand WHERE r.us - c.su <= ${W}${constraints.length > 0 ? sql` AND ${join(constraints, ' AND ')}` : sql``} ORDER BY c.user_id${gcList}, c.s, r.key, list_append(c.path, r.key))`,
    );
  }
  // Complete chains: those that reached their group's L.
  const complete = range(1, n).map((m) => {
    const times = range(1, n).map((i) => (i <= m ? sql`${u(i)}` : sql`CAST(NULL AS BIGINT) AS ${u(i)}`));
    return sql`SELECT user_id${gList}, p, s, path, ${join(times)} FROM ${b(m)} WHERE target = ${lit(m)}`;
  });
  ctes.push(sql`done AS (${join(complete, ' UNION ALL ')})`);
  const order = sql`row(p, -s, path)`;
  const pick = (column: Sql) => sql`arg_min_null(${column}, ${order})`;
  ctes.push(
    sql`kept AS (SELECT user_id${gList}, ${pick(sql`p`)} AS c_rank, ${pick(sql`s`)} AS s_rank, ${join(
      range(1, n).map((i) => sql`${pick(sql`${u(i)}`)} AS ${ident(`t${i}`)}`),
    )} FROM done GROUP BY user_id${gList})`,
  );
  const joinOn = join(
    [
      sql`k.user_id = f.user_id`,
      ...input.groups.map((name) => sql`k.${ident(name)} IS NOT DISTINCT FROM f.${ident(name)}`),
    ],
    ' AND ',
  );
  const fg = groupColumns(input, 'f');
  return sql`WITH ${join(ctes)} SELECT f.user_id${fg.length > 0 ? sql`, ${join(fg)}` : sql``}, f.level, k.user_id IS NULL AS excluded, coalesce(k.c_rank, f.c_rank) AS c_rank, coalesce(k.s_rank, f.s_rank) AS s_rank, ${join(
    range(1, n).map((i) => sql`k.${ident(`t${i}`)}`),
  )} FROM fres AS f LEFT JOIN kept AS k ON ${joinOn}`;
}
