import type { FunnelAttemptsInput } from '../funnel-attempts.ts';
import { ident, join, raw, type Sql, sql } from '../sql.ts';
import {
  exclusionColumn,
  groupColumns,
  nextWhere,
  orderKey,
  range,
  sequenceCtes,
  stepColumn,
  windowMicros,
} from './sequence.ts';

/**
 * Strict funnels: the chain from a start is the start and the events right after it, so one pass of
 * `lead` over every event of the user gives each start's level and step times (no joins). The earliest
 * start among those reaching the furthest step completes first. Exclusions can only fall on chain events
 * (nothing else lies between consecutive events), or after step `from` of a chain that stopped early;
 * the second needs the next exclusion event after the step `from` event, a second pass.
 */
export function duckdbStrictAttempts(input: FunnelAttemptsInput): Sql {
  const n = input.steps;
  const W = windowMicros(input);
  const g = groupColumns(input);
  const gList = g.length > 0 ? sql`, ${join(g)}` : sql``;
  const lead = (column: Sql, offset: number) => sql`lead(${column}, ${raw(String(offset))}) OVER w`;
  const name = (prefix: string, i: number) => ident(`${prefix}${i}`);
  const windowColumns: Sql[] = [];
  for (const m of range(2, n)) {
    windowColumns.push(sql`${lead(stepColumn(m), m - 1)} AS ${name('a', m)}`);
    windowColumns.push(sql`${lead(sql`us`, m - 1)} AS ${name('v', m)}`);
    windowColumns.push(sql`${lead(sql`key`, m - 1)} AS ${name('q', m)}`);
  }
  input.exclusions.forEach((x, e) => {
    const col = exclusionColumn(e + 1);
    // Chain events strictly between step `from` and step `to` that are themselves exclusion events.
    for (let offset = x.from; offset <= x.to - 2; offset++)
      windowColumns.push(sql`${lead(col, offset)} AS ${ident(`b${e + 1}_${offset}`)}`);
    windowColumns.push(sql`${nextWhere(sql`us`, col)} AS ${name('nx', e + 1)}`);
  });
  const ctes: Sql[] = [sequenceCtes(input, { windowColumns, ties: 'split' })];
  let source = sql`seq`;
  if (input.exclusions.length > 0) {
    // The next exclusion event after the step-`from` event, which is `from` - 1 events after the start.
    const shifted = input.exclusions.map((x, e) => {
      const next = name('nx', e + 1);
      return sql`${x.from === 1 ? sql`${next}` : lead(sql`${next}`, x.from - 1)} AS ${name('nf', e + 1)}`;
    });
    ctes.push(
      sql`seq2 AS (SELECT *, ${join(shifted)} FROM seq WINDOW w AS (PARTITION BY user_id ORDER BY key))`,
    );
    source = sql`seq2`;
  }
  // The level of each start: how many of the following events match the next steps within the window.
  const reaches = (m: number) => sql`coalesce(${name('a', m)} AND ${name('v', m)} - us <= ${W}, FALSE)`;
  const level = sql`CASE ${join(
    range(2, n).map((m) => sql`WHEN NOT ${reaches(m)} THEN ${raw(String(m - 1))}`),
    ' ',
  )} ELSE ${raw(String(n))} END`;
  const starts = sql`SELECT *, ${level} AS level FROM ${source} WHERE entry`;
  const voids = input.exclusions.map((x, e) => {
    const between = range(x.from, x.to - 2).map((offset) => sql`${ident(`b${e + 1}_${offset}`)}`);
    const full =
      between.length > 0 ? sql`(level >= ${raw(String(x.to))} AND (${join(between, ' OR ')}))` : sql`FALSE`;
    const partial = sql`(level >= ${raw(String(x.from))} AND level < ${raw(String(x.to))} AND ${name('nf', e + 1)} - us <= ${W})`;
    return sql`coalesce(${full} OR ${partial}, FALSE)`;
  });
  const isVoid = voids.length > 0 ? join(voids, ' OR ') : sql`FALSE`;
  const completion = sql`CASE level ${join(
    range(2, n).map((m) => sql`WHEN ${raw(String(m))} THEN ${name('q', m)}`),
    ' ',
  )} ELSE key END`;
  ctes.push(sql`st AS (SELECT *, ${isVoid} AS void, ${completion} AS done FROM (${starts}) AS s)`);
  const order = orderKey(
    [
      { value: sql`${raw(String(n))} - level`, bound: n },
      { value: sql`CASE WHEN void THEN 1 ELSE 0 END`, bound: 1 },
    ],
    sql`done`,
  );
  const pick = (column: Sql) => sql`arg_min_null(${column}, ${order})`;
  const times = range(1, n).map((k) => {
    const value = k === 1 ? sql`us` : sql`CASE WHEN level >= ${raw(String(k))} THEN ${name('v', k)} END`;
    return sql`${pick(value)} AS ${name('t', k)}`;
  });
  return sql`WITH ${join(ctes)} SELECT user_id${gList}, max(level) AS level, ${pick(sql`void`)} AS excluded, ${pick(sql`done`)} AS c_rank, ${pick(sql`key`)} AS s_rank, ${join(times)} FROM st GROUP BY user_id${gList}`;
}
