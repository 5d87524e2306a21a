import { type FilterNode, filterReferences } from '../../metrics/filter-expression.ts';
import type { SemanticLayer } from '../../metrics/semantic-layer.ts';
import type { Leaf } from './series-plan.ts';
import { type Interval, SUB_DAILY } from './trends-spec.ts';

/** Columns `user_daily` shares with `events`, so filters and breakdowns on them read the rollup as is. */
const ROLLUP_COLUMNS = new Set(['event', 'user_id']);

/**
 * Whether a leaf can read the `user_daily` rollup (one row per user, UTC day and event name, with the
 * event count) and get exactly what `events` gives: days in UTC (the rollup's days are UTC days), whole
 * days as buckets, a math the rollup holds (event counts, distinct users, trailing-window users), and
 * filters and breakdowns only on what is the same for every event of a user's day and name (user
 * columns, cohorts, the event name).
 */
export function canUseRollup(
  layer: SemanticLayer,
  leaf: Leaf,
  breakdown: readonly string[],
  interval: Interval,
  timeZone: string,
): boolean {
  if (timeZone !== 'UTC' || SUB_DAILY.has(interval)) return false;
  const kind = leaf.aggregate.kind;
  if (kind !== 'total' && kind !== 'unique' && kind !== 'window') return false;
  return breakdown.every((ref) => rollupDimension(layer, ref)) && rollupFilters(layer, leaf.filters);
}

/**
 * Whether filters read only what the rollup keeps per user, day and event name, so that the rollup's
 * `first_ts` gives each user's first matching event exactly (in any time zone: it is a timestamp).
 */
export function rollupFilters(layer: SemanticLayer, filters: readonly FilterNode[]): boolean {
  return filters.every((f) => rollupFilter(layer, f));
}

function rollupDimension(layer: SemanticLayer, ref: string): boolean {
  const dimension = layer.dimension(ref);
  return dimension.kind === 'user' || (dimension.kind === 'event' && ROLLUP_COLUMNS.has(dimension.column));
}

function rollupFilter(layer: SemanticLayer, node: FilterNode): boolean {
  const refs = filterReferences(node);
  // Cohorts are subqueries over events keyed by user_id, which the rollup has.
  return (
    refs.refs.every((ref) => rollupDimension(layer, ref)) &&
    refs.named.every((name) => rollupFilter(layer, layer.filter(name)))
  );
}
