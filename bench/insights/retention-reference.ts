import { duckdbLiteral } from '../../src/data/sql/duckdb-dialect.ts';

/**
 * The best hand-written DuckDB query we know for the first-occurrence, day-period retention matrix, so
 * the benchmark can put Sightline's compiled query beside it (target: within 1.2x). It is written for
 * this one case and leans on what the case guarantees:
 *
 * - cohorts come from the `user_daily` rollup (UTC days, one row per user, day and event), and for
 *   `$any` straight from `users.first_seen`;
 * - when the return event is `$any` (or the start event itself), every cohort user is active on their
 *   cohort day, so day 0 of the same join is the cohort size and one join gives the whole matrix;
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
  const activeDays = (since: string) =>
    `SELECT DISTINCT user_id, day FROM user_daily
     WHERE project_id = ${project} AND day >= ${since} AND day <= ${to} ${returnFilter}`;
  if (q.returnEvent === '$any' || q.returnEvent === q.startEvent)
    return `SELECT c.cohort, a.day - c.cohort AS k, count(*) AS users
      FROM (${cohorts}) AS c JOIN (${activeDays(from)}) AS a
        ON a.user_id = c.user_id AND a.day - c.cohort BETWEEN 0 AND ${n}
      GROUP BY c.cohort, a.day - c.cohort`;
  return `WITH c AS MATERIALIZED (${cohorts})
    SELECT cohort, 0 AS k, count(*) AS users FROM c GROUP BY cohort
    UNION ALL
    SELECT c.cohort, a.day - c.cohort AS k, count(*) AS users
    FROM c JOIN (${activeDays(`${from} + 1`)}) AS a
      ON a.user_id = c.user_id AND a.day - c.cohort BETWEEN 1 AND ${n}
    GROUP BY c.cohort, a.day - c.cohort`;
}
