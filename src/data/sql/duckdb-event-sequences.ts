import type { PathCountsInput } from './event-sequences.ts';
import { raw, type Sql, sql } from './sql.ts';

/**
 * DuckDB's side of per-user event sequences (sessions and paths): window functions over each user's
 * events in (ts, ord) order. DuckDB sorts each partition once per window specification, so expressions
 * that share one (lag of ts and of the event; the running session number and the position) share a sort.
 */

/** Microseconds as an integer literal, for comparing with differences of `epoch_us`. */
function micros(seconds: number): Sql {
  return raw(String(Math.round(seconds * 1e6)));
}

/** A new session starts when there is no previous event or more than the gap passed since it. */
function startsSession(gapSeconds: number): Sql {
  return sql`CASE WHEN previous_ts IS NULL OR epoch_us(ts) - epoch_us(previous_ts) > ${micros(gapSeconds)} THEN 1 ELSE 0 END`;
}

export function duckdbSessionize(events: Sql, gapSeconds: number): Sql {
  return sql`SELECT * EXCLUDE (previous_ts), CAST(sum(session_start) OVER (PARTITION BY user_id ORDER BY ts, ord ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS BIGINT) AS session_index FROM (SELECT *, ${startsSession(gapSeconds)} AS session_start FROM (SELECT *, lag(ts) OVER (PARTITION BY user_id ORDER BY ts, ord) AS previous_ts FROM (${events}) AS session_events) AS with_previous) AS with_starts`;
}

export function duckdbAddSeconds(timestamp: Sql, seconds: number): Sql {
  return sql`(${timestamp} + to_microseconds(CAST(${micros(seconds)} AS BIGINT)))`;
}

/** The rows of each path with their step (`user_id`, `path_id`, `step`, `event`), for the anchor mode. */
function positioned(input: PathCountsInput): Sql {
  const n = raw(String(Math.trunc(input.steps)));
  const anchor = input.anchor;
  if (!anchor)
    return sql`SELECT user_id, path_id, step, event FROM (SELECT user_id, session_index AS path_id, user_pos - min(user_pos) OVER (PARTITION BY user_id, session_index) + 1 AS step, event FROM path_numbered) AS sessions WHERE step <= ${n}`;
  const marked = sql`SELECT *, min(CASE WHEN event = ${anchor.event} THEN user_pos END) OVER (PARTITION BY user_id) AS anchor_pos, min(CASE WHEN event = ${anchor.event} THEN session_index END) OVER (PARTITION BY user_id) AS anchor_session FROM path_numbered`;
  return anchor.direction === 'after'
    ? sql`SELECT user_id, 1 AS path_id, user_pos - anchor_pos + 1 AS step, event FROM (${marked}) AS marked WHERE session_index = anchor_session AND user_pos >= anchor_pos AND user_pos < anchor_pos + ${n}`
    : sql`SELECT user_id, 1 AS path_id, anchor_pos - user_pos + 1 AS step, event FROM (${marked}) AS marked WHERE session_index = anchor_session AND user_pos <= anchor_pos AND user_pos > anchor_pos - ${n}`;
}

/**
 * Paths in one statement: the path steps are computed once (MATERIALIZED) and read by the node, link,
 * dropped-link and top-path aggregations.
 */
export function duckdbPathCounts(input: PathCountsInput): Sql {
  const topLinks = raw(String(Math.trunc(input.topLinks)));
  const topPaths = raw(String(Math.trunc(input.topPaths)));
  // Time order along a path: ascending steps, except when they are counted back from the anchor.
  const timeOrder = raw(input.anchor?.direction === 'before' ? 'step DESC' : 'step');
  const collapse = input.collapseRepeats ? sql` WHERE session_start = 1 OR event <> previous_event` : sql``;
  return sql`WITH path_raw AS (SELECT user_id, ts, ord, event, lag(ts) OVER w AS previous_ts, lag(event) OVER w AS previous_event FROM (${input.events}) AS path_input WINDOW w AS (PARTITION BY user_id ORDER BY ts, ord)), path_kept AS (SELECT user_id, ts, ord, event, previous_event, ${startsSession(input.gapSeconds)} AS session_start FROM path_raw), path_numbered AS (SELECT user_id, event, CAST(sum(session_start) OVER w AS BIGINT) AS session_index, row_number() OVER w AS user_pos FROM path_kept${collapse} WINDOW w AS (PARTITION BY user_id ORDER BY ts, ord ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)), path_steps AS MATERIALIZED (SELECT user_id, path_id, step, event, lead(event) OVER (PARTITION BY user_id, path_id ORDER BY ${timeOrder}) AS to_event FROM (${positioned(input)}) AS positioned), path_links AS MATERIALIZED (SELECT step, event, to_event, count(DISTINCT user_id) AS users, row_number() OVER (ORDER BY count(DISTINCT user_id) DESC, step, event, to_event) AS link_rank FROM path_steps WHERE to_event IS NOT NULL GROUP BY step, event, to_event) SELECT 'node' AS kind, step, event, CAST(NULL AS VARCHAR) AS to_event, CAST(NULL AS VARCHAR) AS path, count(DISTINCT user_id) AS users FROM path_steps GROUP BY step, event UNION ALL SELECT 'link', step, event, to_event, NULL, users FROM path_links WHERE link_rank <= ${topLinks} UNION ALL SELECT 'dropped', (SELECT count(*) FROM path_links WHERE link_rank > ${topLinks}), NULL, NULL, NULL, (SELECT count(DISTINCT s.user_id) FROM path_steps AS s JOIN path_links AS l ON l.step = s.step AND l.event = s.event AND l.to_event = s.to_event WHERE l.link_rank > ${topLinks}) UNION ALL SELECT 'path', NULL, NULL, NULL, path, users FROM (SELECT path, count(DISTINCT user_id) AS users FROM (SELECT user_id, path_id, CAST(to_json(list(event ORDER BY ${timeOrder})) AS VARCHAR) AS path FROM path_steps GROUP BY user_id, path_id) AS per_path GROUP BY path ORDER BY users DESC, path LIMIT ${topPaths}) AS top_paths`;
}
