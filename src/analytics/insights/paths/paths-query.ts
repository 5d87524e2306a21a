import type { PathAnchor } from '../../../data/sql/event-sequences.ts';
import { type Sql, sql } from '../../../data/sql/sql.ts';
import type { FilterNode } from '../../metrics/filter-expression.ts';
import type { DateRange } from '../date-range.ts';
import { ANY_EVENT, eventScan, scopeFor } from '../event-scan.ts';
import type { InsightContext } from '../insight-context.ts';

export interface PathsQuery {
  range: DateRange;
  filter: FilterNode | undefined;
  /** The event names that take part; undefined (or with `$any`) for every event. */
  events: readonly string[] | undefined;
  anchor: PathAnchor | undefined;
  steps: number;
  gapSeconds: number;
  collapseRepeats: boolean;
  top: number;
  topPaths: number;
}

export type PathCountRow = {
  kind: 'node' | 'link' | 'dropped' | 'path';
  step: number | null;
  event: string | null;
  to_event: string | null;
  path: string | null;
  users: number;
};

/**
 * The paths insight in one statement: the events of the range that take part (the names, the anchor
 * event even when the names leave it out, the filter), handed to the dialect's `pathCounts`, which cuts
 * them into sessions and paths and counts nodes, links and whole paths.
 */
export function pathsSql(ctx: InsightContext, q: PathsQuery): Sql {
  const scope = scopeFor(ctx, q.range);
  const names =
    q.events && !q.events.includes(ANY_EVENT)
      ? [...new Set([...q.events, ...(q.anchor ? [q.anchor.event] : [])])]
      : undefined;
  const events = eventScan(ctx, scope, q.range, {
    columns: [
      sql`${scope.column('user_id')} AS user_id`,
      sql`${scope.column('ts')} AS ts`,
      // Ties in time are ordered by event name: paths depend only on names, so events that tie on both
      // are interchangeable, and the sort needs no event id (which doubles its cost).
      sql`${scope.column('event')} AS ord`,
      sql`${scope.column('event')} AS event`,
    ],
    events: names,
    filters: [q.filter],
  });
  return ctx.dialect.pathCounts({
    events,
    gapSeconds: q.gapSeconds,
    steps: q.steps,
    collapseRepeats: q.collapseRepeats,
    anchor: q.anchor,
    topLinks: q.top,
    topPaths: q.topPaths,
  });
}
