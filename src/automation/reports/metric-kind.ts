/**
 * What a report needs to know about a metric of the metrics layer beyond its number: how to write it,
 * whether up is good, what it counts, and whether it is an estimate with a sampling error.
 *
 * - Counts (`count`, `unique_users`, `new_users`) are exact tallies of what happened: no interval.
 * - Ratios of per-user sums (`ratio` of two additive metrics, `avg` = property sum / events carrying it,
 *   `per_user` avg = events / users doing it, and a `formula` `A / B` of two additive metrics such as
 *   messages_sent / dau) are estimates whose unit is the user: one user's events are correlated, so their
 *   variance comes from the delta method over per-user sums (`src/math/stats/ratio.ts`, the same
 *   `ratioMoments` the experiments use), not from the count of events.
 * - Anything else (percentiles, min/max, other formulas, trailing windows) has no per-user additive form:
 *   no interval; its changes are judged, like counts', against its own recent variability.
 */
import { type MetricPlan, metricPlan, type UserMeasure } from '../../analytics/experiments/metric-plan.ts';
import type { MetricDefinition } from '../../analytics/metrics/definitions.ts';
import type { SemanticLayer } from '../../analytics/metrics/semantic-layer.ts';
import type { MetricItem } from './definitions.ts';
import type { NumberFormat, Polarity } from './document.ts';

/** A ratio estimated from per-user sums: Σ numerator / Σ denominator over the users active in the period. */
export interface SampledRatio {
  readonly numerator: UserMeasure;
  readonly denominator: UserMeasure;
}

export interface MetricKind {
  readonly metric: string;
  readonly label: string;
  readonly format: NumberFormat;
  readonly polarity: Polarity;
  /** What a count counts (`users`, `views`); undefined for other metrics. */
  readonly noun: string | undefined;
  /** Set for estimates with a delta-method interval. */
  readonly sampled: SampledRatio | undefined;
}

/** How a metric is shown and judged in a report; the item's own label, format or polarity win. */
export function metricKind(layer: SemanticLayer, item: MetricItem): MetricKind {
  const name = typeof item === 'string' ? item : item.metric;
  const definition = layer.metric(name);
  const own: Partial<Exclude<MetricItem, string>> = typeof item === 'string' ? {} : item;
  return {
    metric: name,
    label: own.label ?? definition.label ?? humanise(name),
    format: own.format ?? defaultFormat(layer, definition),
    polarity: own.polarity ?? (isLatency(definition) ? 'down' : 'up'),
    noun: nounOf(definition),
    sampled: sampledRatio(layer, name),
  };
}

/** True for a property measured in milliseconds (`latency_ms`): lower is better and it reads as time. */
function isLatency(definition: MetricDefinition): boolean {
  return 'property' in definition && /(_ms|latency)$/i.test(definition.property);
}

function defaultFormat(layer: SemanticLayer, definition: MetricDefinition): NumberFormat {
  switch (definition.type) {
    case 'count':
    case 'unique_users':
    case 'new_users':
      return 'integer';
    case 'ratio': {
      // A ratio of two counts of events or users is a rate (likes per view); of sums it is a number.
      const counts = [definition.numerator, definition.denominator].every((part) =>
        ['count', 'unique_users', 'new_users'].includes(layer.metric(part).type),
      );
      return counts ? 'percent' : 'decimal';
    }
    default:
      return isLatency(definition) ? 'duration_ms' : 'decimal';
  }
}

/** `users` for user counts, the event's plural for event counts (`views`), `events` for `$any`. */
function nounOf(definition: MetricDefinition): string | undefined {
  if (definition.type === 'unique_users' || definition.type === 'new_users') return 'users';
  if (definition.type !== 'count') return undefined;
  if (definition.event === '$any') return 'events';
  return definition.event.endsWith('s') ? definition.event : `${definition.event}s`;
}

/** The per-user sums behind a metric, or undefined when it has none (see the file comment). */
export function sampledRatio(layer: SemanticLayer, name: string): SampledRatio | undefined {
  const definition = layer.metric(name);
  if (definition.type === 'ratio') {
    const parts = [definition.numerator, definition.denominator].map((p) => layer.metric(p));
    if (parts.some((p) => p.type === 'unique_users' && p.window !== 1)) return undefined;
    return ratioOf(metricPlan(layer, name));
  }
  if (definition.type === 'avg') return ratioOf(metricPlan(layer, name));
  if (definition.type === 'per_user' && definition.aggregate === 'avg') {
    const plan = metricPlan(layer, name);
    if (typeof plan === 'string') return undefined;
    return {
      numerator: plan.numerator,
      denominator: { event: plan.numerator.event, where: plan.numerator.where, aggregate: 'any' },
    };
  }
  const formula = layer.formulas.get(name);
  if (definition.type !== 'formula' || !formula) return undefined;
  if (formula.kind !== 'binary' || formula.op !== '/') return undefined;
  if (formula.left.kind !== 'name' || formula.right.kind !== 'name') return undefined;
  const numerator = single(layer, formula.left.name);
  const denominator = single(layer, formula.right.name);
  return numerator && denominator ? { numerator, denominator } : undefined;
}

function ratioOf(plan: MetricPlan | string): SampledRatio | undefined {
  if (typeof plan === 'string' || plan.kind !== 'ratio' || !plan.denominator) return undefined;
  if (plan.numerator.aggregate === 'first' || plan.denominator.aggregate === 'first') return undefined;
  return { numerator: plan.numerator, denominator: plan.denominator };
}

/**
 * The per-user measure of one part of a formula: a count, a sum, or users active in the period
 * (`unique_users` of window 1; a trailing window is not a per-user sum over the period).
 */
function single(layer: SemanticLayer, name: string): UserMeasure | undefined {
  const definition = layer.metric(name);
  if (definition.type === 'unique_users' && definition.window !== 1) return undefined;
  const plan = metricPlan(layer, name);
  if (typeof plan === 'string' || plan.kind === 'ratio') return undefined;
  if (plan.numerator.aggregate === 'first') return undefined;
  return plan.numerator;
}

/** `messages_sent` → `Messages sent`: a metric without a label still reads as words in a sentence. */
export function humanise(name: string): string {
  const words = name.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
