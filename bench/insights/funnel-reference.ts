// The reference of the funnel benchmark: the window-function formulation of an ordered funnel, as
// PostHog built funnels before its per-user UDF. For each step k, one window pass over every user's
// events keeps the latest start of a chain reaching step k - 1 among the earlier events (a running
// maximum), and an event of step k continues it when that start is within the window. One sorted window
// pass per step; the same definition as the insight (steps in order, equal times in order, the attempt
// that gets furthest counts, entry within the dates, later steps up to a window past them).

export interface FunnelReferenceOptions {
  steps: readonly string[];
  windowSeconds: number;
  /** Inclusive UTC dates (YYYY-MM-DD). */
  from: string;
  to: string;
  project?: string;
}

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** SQL with one row per step: `step` (1-based) and `users` who reached it. */
export function funnelReferenceSql(options: FunnelReferenceOptions): string {
  const n = options.steps.length;
  const W = Math.trunc(options.windowSeconds) * 1_000_000;
  const start = `TIMESTAMP '${options.from} 00:00:00'`;
  const end = `TIMESTAMP '${nextDay(options.to)} 00:00:00'`;
  const matches = options.steps.map((name, i) => `event = ${quote(name)} AS m${i + 1}`);
  const firstStep = `CASE ${options.steps.map((name, i) => `WHEN event = ${quote(name)} THEN ${i}`).join(' ')} END`;
  const window =
    'WINDOW w AS (PARTITION BY user_id ORDER BY ts, idx, event_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)';
  let query = `SELECT user_id, ts, event_id, ${firstStep} AS idx, ${matches.join(', ')}, CASE WHEN event = ${quote(options.steps[0] as string)} AND ts < ${end} THEN epoch_us(ts) END AS s1 FROM events WHERE project_id = ${quote(options.project ?? 'default')} AND ts >= ${start} AND ts < ${end} + to_microseconds(${W}) AND event IN (${[...new Set(options.steps)].map(quote).join(', ')})`;
  for (let k = 2; k <= n; k++)
    query = `SELECT *, CASE WHEN m${k} AND epoch_us(ts) - max(s${k - 1}) OVER w <= ${W} THEN max(s${k - 1}) OVER w END AS s${k} FROM (${query}) AS l${k - 1} ${window}`;
  const level = `CASE ${Array.from({ length: n }, (_, i) => `WHEN s${n - i} IS NOT NULL THEN ${n - i}`).join(' ')} ELSE 0 END`;
  const steps = Array.from({ length: n }, (_, i) => `SELECT ${i + 1} AS step`).join(' UNION ALL ');
  return `SELECT s.step, count(u.user_id) AS users FROM (${steps}) AS s LEFT JOIN (SELECT user_id, max(${level}) AS level FROM (${query}) AS l GROUP BY user_id) AS u ON u.level >= s.step GROUP BY s.step ORDER BY s.step`;
}
