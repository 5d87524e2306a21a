import { duckdbLiteral } from '../../src/data/sql/duckdb-dialect.ts';

/**
 * The best hand-written DuckDB query we know for the first-occurrence, day-period retention matrix, so
 * the benchmark can put Sightline's compiled query beside it (target: within 1.2x). It is written for
 * this one case and leans on what the case guarantees:
 *
 * - cohorts come from the `user_daily` rollup (UTC days, one row per user, day and event), and for
 *   `$any` straight from `users.first_seen`;
 * - when the return event is `$any` (or the start event itself), every cohort user is active on their
 *   cohort day, so day 0 of the same count is the cohort size;
 * - each user's active days are the bits of one UBIGINT when the range has at most 64 days (one hash
 *   aggregate per user; on the 18M-event demo it beat `SELECT DISTINCT user_id, day` and a join, the
 *   textbook form kept for longer ranges, by 10-25%);
 * - day numbers are date subtraction.
 *
 * Rows: (`cohort` DATE, `k` day after the cohort, 0 for the size, `users`), zero counts left out.
 * `from` and `to` are inclusive UTC dates; only days up to `to` count, which for day periods is exactly
 * "periods that have ended by the end of `to`".
 */
export interface RetentionReferenceQuery {
  startEvent: string;
  returnEvent: string;
  periods: number;
  from: string;
  to: string;
  project?: string;
}

export function retentionReferenceSql(q: RetentionReferenceQuery): string {
  const project = duckdbLiteral(q.project ?? 'default');
  const from = `DATE ${duckdbLiteral(q.from)}`;
  const to = `DATE ${duckdbLiteral(q.to)}`;
  const n = Math.trunc(q.periods);
  const cohorts =
    q.startEvent === '$any'
      ? `SELECT user_id, CAST(first_seen AS DATE) AS cohort FROM users
         WHERE project_id = ${project} AND first_seen >= CAST(${from} AS TIMESTAMP)
           AND first_seen < CAST(${to} + 1 AS TIMESTAMP)`
      : `SELECT user_id, min(day) AS cohort FROM user_daily
         WHERE project_id = ${project} AND event = ${duckdbLiteral(q.startEvent)} AND day <= ${to}
         GROUP BY user_id HAVING min(day) >= ${from}`;
  const returnFilter = q.returnEvent === '$any' ? '' : `AND event = ${duckdbLiteral(q.returnEvent)}`;
  // With $any (or the start event itself) as the return event, day 0 of the same count is the size.
  const sizesFromReturns = q.returnEvent === '$any' || q.returnEvent === q.startEvent;
  const first = sizesFromReturns ? 0 : 1;
  const days = Math.round((Date.parse(q.to) - Date.parse(q.from)) / 86_400_000) + 1;
  let counts: string;
  if (days <= 64) {
    // Each user's active days as the bits of one UBIGINT: one hash aggregate per user.
    const masks = `SELECT user_id, bit_or(CAST(1 AS UBIGINT) << CAST(day - ${from} AS UBIGINT)) AS mask
      FROM user_daily WHERE project_id = ${project} AND day >= ${from} AND day <= ${to} ${returnFilter}
      GROUP BY user_id`;
    counts = `SELECT c.cohort, k.k, count(*) AS users
      FROM c JOIN (${masks}) AS m ON m.user_id = c.user_id CROSS JOIN range(${first}, ${n + 1}) AS k(k)
      WHERE c.cohort - ${from} + k.k < ${days}
        AND ((m.mask >> CAST(c.cohort - ${from} + k.k AS UBIGINT)) & CAST(1 AS UBIGINT)) = 1
      GROUP BY c.cohort, k.k`;
  } else {
    const active = `SELECT DISTINCT user_id, day FROM user_daily
      WHERE project_id = ${project} AND day >= ${from} AND day <= ${to} ${returnFilter}`;
    counts = `SELECT c.cohort, a.day - c.cohort AS k, count(*) AS users
      FROM c JOIN (${active}) AS a ON a.user_id = c.user_id AND a.day - c.cohort BETWEEN ${first} AND ${n}
      GROUP BY c.cohort, a.day - c.cohort`;
  }
  const sizes = sizesFromReturns
    ? ''
    : 'SELECT cohort, 0 AS k, count(*) AS users FROM c GROUP BY cohort UNION ALL ';
  return `WITH c AS MATERIALIZED (${cohorts}) ${sizes}${counts}`;
}
