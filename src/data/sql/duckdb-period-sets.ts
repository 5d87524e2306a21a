import { ident, join, raw, type Sql, sql } from './sql.ts';

/**
 * DuckDB's cores of retention, lifecycle and stickiness. A user's active periods become the bits of one
 * UBIGINT, built by one hash aggregate per user, when the axis has at most 64 periods: on the 18M-event
 * demo that is about 25% cheaper than `SELECT DISTINCT user_id, period` (many more groups) followed by a
 * join or a window, and it is the per-user-array shape ClickHouse uses too. Longer axes fall back to
 * DISTINCT with a join (retention), a window (lifecycle) or count(DISTINCT) (stickiness).
 */
export const MASK_PERIODS = 64;

const mask = (period: Sql): Sql => sql`bit_or(CAST(1 AS UBIGINT) << CAST(${period} AS UBIGINT))`;
const bitAt = (bits: Sql, index: Sql): Sql =>
  sql`((${bits} >> CAST(${index} AS UBIGINT)) & CAST(1 AS UBIGINT))`;

export function duckdbRetentionCounts(input: {
  starts: Sql;
  returns: Sql;
  periods: number;
  span: number;
}): Sql {
  const n = raw(String(Math.trunc(input.periods)));
  // The starts are read twice (sizes, and the returns); MATERIALIZED computes them once.
  const sizes = sql`SELECT cohort, breakdown, 0 AS k, count(*) AS users FROM retention_starts GROUP BY cohort, breakdown`;
  if (input.span <= MASK_PERIODS) {
    const span = raw(String(Math.trunc(input.span)));
    return sql`WITH retention_starts AS MATERIALIZED (${input.starts}), retention_masks AS (SELECT user_id, ${mask(sql`period`)} AS mask FROM (${input.returns}) AS r GROUP BY user_id) ${sizes} UNION ALL SELECT s.cohort, s.breakdown, k.k, count(*) AS users FROM retention_starts AS s JOIN retention_masks AS m ON m.user_id = s.user_id CROSS JOIN range(1, ${n} + 1) AS k(k) WHERE s.cohort + k.k < ${span} AND ${bitAt(sql`m.mask`, sql`s.cohort + k.k`)} = 1 GROUP BY s.cohort, s.breakdown, k.k`;
  }
  return sql`WITH retention_starts AS MATERIALIZED (${input.starts}), retention_returns AS (SELECT DISTINCT user_id, period FROM (${input.returns}) AS r) ${sizes} UNION ALL SELECT s.cohort, s.breakdown, r.period - s.cohort AS k, count(*) AS users FROM retention_starts AS s JOIN retention_returns AS r ON r.user_id = s.user_id AND r.period > s.cohort AND r.period <= s.cohort + ${n} GROUP BY s.cohort, s.breakdown, r.period - s.cohort`;
}

/**
 * New users need no join: a user's first matching event is active in its period, and nobody is active
 * before it, so `new` is the count of firsts per period and `resurrecting` is the users active now and
 * not before, minus the new ones.
 */
export function duckdbLifecycleCounts(input: { activity: Sql; firsts: Sql; periods: number }): Sql {
  const n = raw(String(Math.trunc(input.periods)));
  if (input.periods + 1 <= MASK_PERIODS) {
    // Bit p + 1 is period p (so period -1 is bit 0); shifted by b, bit 1 is "active in b", bit 0 "in b - 1".
    const masks = sql`SELECT user_id, ${mask(sql`period + 1`)} AS mask FROM (${input.activity}) AS a GROUP BY user_id`;
    const flow = sql`SELECT period, bits, count(*) AS users FROM (SELECT b.b AS period, (m.mask >> CAST(b.b AS UBIGINT)) & CAST(3 AS UBIGINT) AS bits FROM (${masks}) AS m CROSS JOIN range(0, ${n}) AS b(b)) AS x WHERE bits <> 0 GROUP BY period, bits`;
    return sql`WITH lifecycle_new AS MATERIALIZED (SELECT period, count(*) AS users FROM (${input.firsts}) AS f WHERE period >= 0 AND period < ${n} GROUP BY period), lifecycle_flow AS MATERIALIZED (${flow}) SELECT period, 'new' AS status, users FROM lifecycle_new UNION ALL SELECT period, CASE WHEN bits = 3 THEN 'returning' ELSE 'dormant' END AS status, users FROM lifecycle_flow WHERE bits <> 2 UNION ALL SELECT f.period, 'resurrecting' AS status, f.users - coalesce(n.users, 0) AS users FROM lifecycle_flow AS f LEFT JOIN lifecycle_new AS n ON n.period = f.period WHERE f.bits = 2`;
  }
  // One sort per user gives both neighbours of each active period.
  return sql`WITH lifecycle_activity AS MATERIALIZED (SELECT user_id, period, lag(period) OVER w AS previous, lead(period) OVER w AS following FROM (SELECT DISTINCT user_id, period FROM (${input.activity}) AS d) AS a WINDOW w AS (PARTITION BY user_id ORDER BY period)), lifecycle_new AS MATERIALIZED (SELECT period, count(*) AS users FROM (${input.firsts}) AS f WHERE period >= 0 AND period < ${n} GROUP BY period), lifecycle_flow AS MATERIALIZED (SELECT period, CASE WHEN previous = period - 1 THEN 3 ELSE 2 END AS bits, count(*) AS users FROM lifecycle_activity WHERE period >= 0 GROUP BY ALL UNION ALL SELECT period + 1 AS period, 1 AS bits, count(*) AS users FROM lifecycle_activity WHERE period + 1 < ${n} AND (following IS NULL OR following > period + 1) GROUP BY period + 1) SELECT period, 'new' AS status, users FROM lifecycle_new UNION ALL SELECT period, CASE WHEN bits = 3 THEN 'returning' ELSE 'dormant' END AS status, users FROM lifecycle_flow WHERE bits <> 2 UNION ALL SELECT f.period, 'resurrecting' AS status, f.users - coalesce(n.users, 0) AS users FROM lifecycle_flow AS f LEFT JOIN lifecycle_new AS n ON n.period = f.period WHERE f.bits = 2`;
}

/** As an aggregate: the distinct values of `period`, known to lie in 0 … periods − 1. */
export function duckdbCountDistinctPeriods(period: Sql, periods: number): Sql {
  if (periods <= MASK_PERIODS) return sql`bit_count(${mask(period)})`;
  return sql`count(DISTINCT ${period})`;
}

/**
 * Trailing-window users (WAU, MAU) from per-user masks of active days: word w holds days 64w … 64w + 63,
 * so any span works with ⌈span/64⌉ words per user. One hash aggregate builds the masks; each counted
 * day's window becomes constant masks, and a user counts on that day when any word overlaps. On the
 * 18M-event demo this is about 1.7× faster than runs from a `lead()` per user (which sorts every user's
 * days).
 */
export function duckdbTrailingActiveUsers(
  source: Sql,
  keys: readonly string[],
  counts: readonly { window: number; day: number }[],
): Sql {
  const span = Math.max(0, ...counts.map((c) => c.day)) + 1;
  const words = Math.ceil(span / MASK_PERIODS);
  const wordNames = Array.from({ length: words }, (_, w) => `w${w}`);
  const one = sql`CAST(1 AS UBIGINT)`;
  const userWords = wordNames.map((name, w) => {
    const bit =
      words === 1
        ? sql`${one} << CAST(day AS UBIGINT)`
        : sql`CASE WHEN day >= ${raw(String(w * 64))} AND day < ${raw(String(w * 64 + 64))} THEN ${one} << CAST(day - ${raw(String(w * 64))} AS UBIGINT) ELSE CAST(0 AS UBIGINT) END`;
    return sql`bit_or(${bit}) AS ${ident(name)}`;
  });
  const keyList = keys.map((k) => ident(k));
  const userKeys = join([...keyList, sql`user_id`]);
  const masks = sql`SELECT ${userKeys}, ${join(userWords)} FROM (${source}) AS a GROUP BY ${userKeys}`;
  const windowRows = counts.map(({ window, day }) => {
    const literals = windowWords(day - window + 1, day, words).map(
      (bits) => sql`CAST(${raw(bits.toString())} AS UBIGINT)`,
    );
    return sql`(${raw(String(window))}, ${raw(String(day))}, ${join(literals)})`;
  });
  const windows = sql`(VALUES ${join(windowRows)}) AS d(${join([sql`window_days`, sql`day`, ...wordNames.map((n) => ident(n))])})`;
  const overlaps = wordNames.map(
    (name) => sql`(${ident('m', name)} & ${ident('d', name)}) <> CAST(0 AS UBIGINT)`,
  );
  const groupKeys = join([...keys.map((k) => ident('m', k)), sql`d.window_days`, sql`d.day`]);
  const counted = sql`sum(CASE WHEN ${join(overlaps, ' OR ')} THEN 1 ELSE 0 END)`;
  return sql`SELECT ${groupKeys}, ${counted} AS n FROM (${masks}) AS m CROSS JOIN ${windows} GROUP BY ${groupKeys}`;
}

/** The bits of days first … last (clipped at 0) as `words` 64-bit words. */
function windowWords(first: number, last: number, words: number): bigint[] {
  return Array.from({ length: words }, (_, w) => {
    const lo = Math.max(first, w * 64, 0);
    const hi = Math.min(last, w * 64 + 63);
    if (lo > hi) return 0n;
    const width = BigInt(hi - lo + 1);
    return ((1n << width) - 1n) << BigInt(lo - w * 64);
  });
}
