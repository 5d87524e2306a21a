import type { MetricDefinition } from '../metrics/definitions.ts';
import type { FilterNode } from '../metrics/filter-expression.ts';
import type { SemanticLayer } from '../metrics/semantic-layer.ts';

/**
 * How a metric of the metrics layer becomes one value per exposed user, the unit of every experiment
 * test. A metric is one of three kinds, and the kind chooses the test:
 * - `mean`: an additive per-user value (events counted, a property summed), zero for inactive users;
 * - `binary`: 0 or 1 per user (did the event at all; did it for the first time ever);
 * - `ratio`: two additive per-user values whose ratio of sums is the metric (CTR = likes / views; the
 *   average of a property = its sum over the events that carry it / their count). The unit is the user,
 *   not the event, so its variance comes from the delta method.
 */
export type MetricKind = 'mean' | 'binary' | 'ratio';

/** One additive per-user measure over a user's matching events in a period. */
export interface UserMeasure {
  /** An event name, or `$any`. */
  readonly event: string;
  /** The metric's own filter. */
  readonly where: FilterNode | undefined;
  /**
   * `count`: matching events; `sum`: the sum of `property` over them; `present`: how many of them carry
   * `property`; `any`: 1 when there is at least one; `first`: 1 when the user's first matching event
   * ever falls in the period.
   */
  readonly aggregate: 'count' | 'sum' | 'present' | 'any' | 'first';
  readonly property?: string;
}

export interface MetricPlan {
  readonly metric: string;
  readonly label: string;
  readonly kind: MetricKind;
  readonly numerator: UserMeasure;
  /** Only for ratio metrics. */
  readonly denominator?: UserMeasure;
}

/** The metric types an experiment can analyse, for messages. */
export const SUPPORTED_METRIC_TYPES =
  'count, sum, avg, unique_users, new_users, per_user (avg), and ratio of count, sum, unique_users or new_users metrics';

/**
 * The plan of a metric, or a message saying why it cannot be analysed per user (a percentile, a
 * minimum or a formula across metrics has no per-user additive form). The metric must exist.
 */
export function metricPlan(layer: SemanticLayer, name: string): MetricPlan | string {
  const metric = layer.metric(name);
  const label = metric.label ?? name;
  if (metric.type === 'ratio') {
    const numerator = additiveMeasure(layer, metric.numerator);
    const denominator = additiveMeasure(layer, metric.denominator);
    if (typeof numerator === 'string') return `ratio "${name}": its numerator ${numerator}`;
    if (typeof denominator === 'string') return `ratio "${name}": its denominator ${denominator}`;
    return {
      metric: name,
      label,
      kind: 'ratio',
      numerator: numerator.measure,
      denominator: denominator.measure,
    };
  }
  if (metric.type === 'avg') {
    const where = layer.metricFilters.get(name);
    return {
      metric: name,
      label,
      kind: 'ratio',
      numerator: { event: metric.event, where, aggregate: 'sum', property: metric.property },
      denominator: { event: metric.event, where, aggregate: 'present', property: metric.property },
    };
  }
  const single = additiveMeasure(layer, name);
  if (typeof single === 'string') return single;
  return { metric: name, label, kind: single.binary ? 'binary' : 'mean', numerator: single.measure };
}

/** The single per-user measure of a count, sum, unique-users, new-users or per-user-average metric. */
function additiveMeasure(
  layer: SemanticLayer,
  name: string,
): { measure: UserMeasure; binary: boolean } | string {
  const metric: MetricDefinition = layer.metric(name);
  const where = layer.metricFilters.get(name);
  switch (metric.type) {
    case 'count':
      return { measure: { event: metric.event, where, aggregate: 'count' }, binary: false };
    case 'sum':
      return {
        measure: { event: metric.event, where, aggregate: 'sum', property: metric.property },
        binary: false,
      };
    case 'unique_users':
      // A trailing `window` is a dashboard notion; per user the question is "did it in the window".
      return { measure: { event: metric.event, where, aggregate: 'any' }, binary: true };
    case 'new_users':
      return { measure: { event: metric.event, where, aggregate: 'first' }, binary: true };
    case 'per_user':
      // The average per user of event counts, over every exposed user (zeros included), is the count.
      if (metric.aggregate === 'avg')
        return { measure: { event: metric.event, where, aggregate: 'count' }, binary: false };
      return `"${name}" (per_user ${metric.aggregate}) has no per-user additive form; supported: ${SUPPORTED_METRIC_TYPES}`;
    default:
      return `"${name}" (${metric.type}) has no per-user additive form; supported: ${SUPPORTED_METRIC_TYPES}`;
  }
}
