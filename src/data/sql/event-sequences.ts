import type { Sql } from './sql.ts';

/**
 * The input of `Dialect.sessionRows`, the core of the sessions insight.
 *
 * `events` is a subquery with the columns `user_id`, `ts`, `ord` (a tie-breaker: events of a user that
 * tie on both must be interchangeable for the result, which holds for any `ord` when nothing is carried) and the
 * `carry` columns, holding the events that count (already filtered) from `gapSeconds` before `start` to
 * `gapSeconds` after `end`. Each user's events, in (`ts`, `ord`) order, start a new session when more than
 * `gapSeconds` passed since the previous one (an equal gap continues it).
 *
 * The result has one row per session whose first event is in [`start`, `end`): `user_id`, `first_ts`,
 * `last_ts` and `events` (the last event and the number of events before `end`), `cut` (1 when the
 * session goes on at or after `end`, else 0) and the `carry` columns of its first event. The events before
 * `start` only decide whether the first events in the range continue an earlier session.
 */
export interface SessionRowsInput {
  events: Sql;
  gapSeconds: number;
  start: Sql;
  end: Sql;
  carry: readonly string[];
}

/**
 * Where a path is anchored: `after` follows the user's first `event` forwards (step 1 is the anchor,
 * step 2 the next event, …); `before` walks back from it (step 1 is the anchor, step 2 the event before
 * it, …).
 */
export interface PathAnchor {
  event: string;
  direction: 'after' | 'before';
}

/**
 * The input of `Dialect.pathCounts`, the core of the paths insight.
 *
 * `events` is a subquery with the columns `user_id`, `ts`, `ord` (a tie-breaker: events of a user that
 * tie on both must be interchangeable, as they are when `ord` is the event name) and
 * `event`: the events that take part (already filtered to the range, the names and the filters). Each
 * user's events, in (`ts`, `ord`) order, are cut into sessions wherever more than `gapSeconds` pass between
 * consecutive events (an equal gap continues the session). With `collapseRepeats`, an event whose name
 * equals the previous event's in the same session is dropped (A A B reads A B).
 *
 * Paths, each at most `steps` events of one session:
 * - no anchor: every session is a path, its first events (step 1 = the session's first event);
 * - anchor `after`: one path per user who did the anchor event, starting at the first one;
 * - anchor `before`: one path per such user, ending at the first one, steps counted backwards.
 *
 * The result has the columns (`kind`, `step`, `event`, `to_event`, `path`, `users`); `users` always counts
 * distinct users:
 * - `node`: users with `event` at `step`;
 * - `link`: users who went from `event` at `step` to `to_event` (the next event in time: at step + 1 for
 *   `after` and no anchor, at step − 1 for `before`), only the `topLinks` first when ranked by users
 *   descending, then step, event, to_event ascending;
 * - `dropped`: `step` holds the number of links ranked below `topLinks`, `users` the distinct users who
 *   took any of them (one row, zeros when none);
 * - `path`: `path` is a JSON array text of the path's events in time order; the `topPaths` first by
 *   users descending, then the JSON text ascending.
 */
export interface PathCountsInput {
  events: Sql;
  gapSeconds: number;
  steps: number;
  collapseRepeats: boolean;
  anchor: PathAnchor | undefined;
  topLinks: number;
  topPaths: number;
}
