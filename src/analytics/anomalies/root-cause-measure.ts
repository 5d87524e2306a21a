/**
 * A metric of the metrics layer as something root-cause attribution can split by segment: an additive
 * measure (events, distinct users, a sum), or a ratio of two of them (a `ratio` metric, or an average as
 * sum / count). Metrics whose value per segment does not add up to or divide into the whole (percentiles,
 * minimums and maximums, new users, trailing-window users, formulas) are refused with a coded error.
 */
import { and, type Sql, sql } from '../../data/sql/sql.ts';
import { SightlineError } from '../../errors/index.ts';
import { compileFilter, numericDimensionSql } from '../metrics/compile-filter.ts';
import type { MetricDefinition } from '../metrics/definitions.ts';
import type { FilterNode } from '../metrics/filter-expression.ts';
import type { QueryScope } from '../metrics/query-scope.ts';
import type { SemanticLayer } from '../metrics/semantic-layer.ts';

const ANY_EVENT = '$any';

/** One additive part: what to aggregate over which events. */
export interface MeasurePart {
  /** The metric it comes from. */
  readonly metric: string;
  readonly event: string;
  readonly filters: readonly FilterNode[];
  /** Events, distinct users, the sum of a numeric property, or the number of events that have it. */
  readonly aggregate:
    | { kind: 'count' }
    | { kind: 'users' }
    | { kind: 'sum'; property: string }
    | { kind: 'present'; property: string };
}

/** An additive measure (`denominator` undefined) or a ratio numerator / denominator. */
export interface Measure {
  readonly metric: string;
  readonly label: string;
  readonly numerator: MeasurePart;
  readonly denominator: MeasurePart | undefined;
  /** What the additive measure counts, for sentences: `users`, `events`, or '' for sums and ratios. */
  readonly unit: string;
}

/** Resolves `metric` to a measure; throws SL_EXPLAIN_INVALID for types that cannot be attributed. */
export function resolveMeasure(layer: SemanticLayer, metric: string): Measure {
  const definition = layer.metric(metric);
  const label = definition.label ?? metric;
  if (definition.type === 'ratio') {
    const numerator = additivePart(layer, definition.numerator, metric);
    const denominator = additivePart(layer, definition.denominator, metric);
    return { metric, label, numerator, denominator, unit: '' };
  }
  if (definition.type === 'avg') {
    const base = { metric, event: definition.event, filters: ownFilters(layer, metric) };
    return {
      metric,
      label,
      numerator: { ...base, aggregate: { kind: 'sum', property: definition.property } },
      denominator: { ...base, aggregate: { kind: 'present', property: definition.property } },
      unit: '',
    };
  }
  const part = additivePart(layer, metric, metric);
  const unit =
    part.aggregate.kind === 'users'
      ? 'users'
      : part.aggregate.kind === 'count'
        ? part.event === ANY_EVENT
          ? 'events'
          : `${part.event} events`
        : '';
  return { metric, label, numerator: part, denominator: undefined, unit };
}

function additivePart(layer: SemanticLayer, name: string, asked: string): MeasurePart {
  const definition: MetricDefinition = layer.metric(name);
  const filters = ownFilters(layer, name);
  switch (definition.type) {
    case 'count':
      return { metric: name, event: definition.event, filters, aggregate: { kind: 'count' } };
    case 'sum':
      return {
        metric: name,
        event: definition.event,
        filters,
        aggregate: { kind: 'sum', property: definition.property },
      };
    case 'unique_users':
      if (definition.window === 1)
        return { metric: name, event: definition.event, filters, aggregate: { kind: 'users' } };
      break;
    default:
      break;
  }
  const what =
    definition.type === 'unique_users' ? `unique_users over ${definition.window} days` : definition.type;
  throw new SightlineError(
    'SL_EXPLAIN_INVALID',
    `${asked === name ? `metric "${name}"` : `metric "${asked}" (through "${name}")`} is ${what}, which does not split into segments that add up to the whole`,
    {
      hint: 'explain a count, sum, average, unique_users (window 1) or a ratio of those; for DAU drops explain the daily metric',
    },
  );
}

function ownFilters(layer: SemanticLayer, name: string): FilterNode[] {
  const own = layer.metricFilters.get(name);
  return own ? [own] : [];
}

/** The part's row condition: its event (unless `$any`) and its filters. */
export function partCondition(scope: QueryScope, part: MeasurePart): Sql {
  return and([
    part.event === ANY_EVENT ? sql`` : sql`${scope.column('event')} = ${part.event}`,
    ...part.filters.map((f) => compileFilter(scope, f)),
  ]);
}

/** The part's aggregate over rows where `condition` holds (conditional, so two parts share one scan). */
export function partAggregate(scope: QueryScope, part: MeasurePart, condition: Sql): Sql {
  const a = part.aggregate;
  switch (a.kind) {
    case 'count':
      return sql`count(CASE WHEN ${condition} THEN 1 END)`;
    case 'users':
      return sql`count(DISTINCT CASE WHEN ${condition} THEN ${scope.column('user_id')} END)`;
    case 'sum':
      return sql`COALESCE(sum(CASE WHEN ${condition} THEN ${numericDimensionSql(scope, a.property)} END), 0)`;
    case 'present':
      return sql`count(CASE WHEN ${condition} THEN ${numericDimensionSql(scope, a.property)} END)`;
  }
}

/** True when some part counts every event, so the event name itself is a dimension worth splitting by. */
export function spansEvents(measure: Measure): boolean {
  return [measure.numerator, measure.denominator].some((p) => p !== undefined && p.event === ANY_EVENT);
}

/** The event names the measure reads, or undefined for every event. */
export function measureEvents(measure: Measure): string[] | undefined {
  if (spansEvents(measure)) return undefined;
  const names = [measure.numerator.event];
  if (measure.denominator) names.push(measure.denominator.event);
  return [...new Set(names)];
}
