import { closest, SightlineError } from '../../errors/index.ts';
import type { SemanticLayer } from '../metrics/semantic-layer.ts';
import type { ArmsDefinition, ExperimentDefinition, ExperimentMetricRef } from './experiment-definition.ts';
import { type MetricPlan, metricPlan } from './metric-plan.ts';

export type MetricRole = 'primary' | 'secondary' | 'guardrail';

export interface ExperimentMetric {
  readonly plan: MetricPlan;
  readonly role: MetricRole;
  readonly better: 'higher' | 'lower';
}

/**
 * An experiment after validation against the metrics layer: every name resolves, the control is a
 * variant, the weights cover the variants, and each metric has a per-user plan.
 */
export interface Experiment {
  readonly name: string;
  readonly definition: ExperimentDefinition;
  readonly kind: 'ab' | 'aa';
  readonly arms: ArmsDefinition;
  /** Control first, then the treatments in declared order. */
  readonly variants: readonly string[];
  readonly control: string;
  /** Expected shares, in the order of `variants`, summing to 1. */
  readonly weights: readonly number[];
  /** The primary metric first, then secondary metrics, then guardrails. */
  readonly metrics: readonly ExperimentMetric[];
  readonly breakdowns: readonly string[];
}

/**
 * Validates every declared experiment against the metrics layer, collecting every problem (with
 * did-you-mean for misspelt names) before failing with SL_EXPERIMENT_INVALID.
 */
export function buildExperiments(
  source: Readonly<Record<string, ExperimentDefinition>> | undefined,
  layer: SemanticLayer,
): ReadonlyMap<string, Experiment> {
  const problems: string[] = [];
  const experiments = new Map<string, Experiment>();
  const definitions = Object.entries(source ?? {});
  for (const [name, definition] of definitions) {
    const at = `experiments.${name}`;
    const before = problems.length;
    const variants = resolveVariants(definition, at, problems);
    if (variants && !variants.includes(definition.control))
      problems.push(
        `${at}.control: "${definition.control}" is not a variant${hint(definition.control, variants)}; variants: ${variants.join(', ')}`,
      );
    const weights = variants ? resolveWeights(definition, variants, at, problems) : [];
    const metrics = resolveMetrics(definition, layer, at, problems);
    for (const [i, ref] of definition.breakdowns.entries()) {
      try {
        layer.dimension(ref);
      } catch (error) {
        if (!(error instanceof SightlineError)) throw error;
        problems.push(`${at}.breakdowns.${i}: ${error.message}`);
      }
    }
    if (definition.arms.from === 'event_field') {
      try {
        if (layer.dimension(definition.arms.field).kind === 'user')
          problems.push(
            `${at}.arms.field: "${definition.arms.field}" is a user column; use the event column or property the assignment is logged in`,
          );
      } catch (error) {
        if (!(error instanceof SightlineError)) throw error;
        problems.push(`${at}.arms.field: ${error.message}`);
      }
    }
    if (definition.end !== undefined && definition.start !== undefined && definition.end < definition.start)
      problems.push(`${at}.end: ${definition.end} is before start ${definition.start}`);
    if (definition.validatedBy !== undefined) {
      const other = source?.[definition.validatedBy];
      if (definition.validatedBy === name)
        problems.push(`${at}.validatedBy: an experiment cannot validate itself`);
      else if (!other)
        problems.push(
          `${at}.validatedBy: unknown experiment "${definition.validatedBy}"${hint(
            definition.validatedBy,
            definitions.map(([n]) => n),
          )}`,
        );
      else if (other.kind !== 'aa')
        problems.push(`${at}.validatedBy: "${definition.validatedBy}" is not an A/A experiment (kind: aa)`);
    }
    if (problems.length > before || !variants) continue;
    const ordered = [definition.control, ...variants.filter((v) => v !== definition.control)];
    experiments.set(name, {
      name,
      definition,
      kind: definition.kind,
      arms: definition.arms,
      variants: ordered,
      control: definition.control,
      weights: ordered.map((v) => weights[variants.indexOf(v)]!),
      metrics,
      breakdowns: definition.breakdowns,
    });
  }
  if (problems.length > 0)
    throw new SightlineError('SL_EXPERIMENT_INVALID', problems.join('; '), { details: { problems } });
  return experiments;
}

/** The variants: declared, or those the value map or the hash names. */
function resolveVariants(
  definition: ExperimentDefinition,
  at: string,
  problems: string[],
): string[] | undefined {
  const arms = definition.arms;
  const declared = definition.variants;
  if (declared && new Set(declared).size !== declared.length) {
    problems.push(`${at}.variants: a variant is listed twice`);
    return undefined;
  }
  const implied =
    arms.from === 'event_field'
      ? [...new Set(Object.values(arms.values))]
      : arms.from === 'hash'
        ? arms.variants
        : undefined;
  if (arms.from === 'hash' && new Set(arms.variants).size !== arms.variants.length) {
    problems.push(`${at}.arms.variants: a variant is listed twice`);
    return undefined;
  }
  if (!declared && !implied) {
    problems.push(`${at}.variants: list the variants the exposures carry, for example [control, treatment]`);
    return undefined;
  }
  if (declared && implied) {
    const missing = implied.filter((v) => !declared.includes(v));
    const extra = declared.filter((v) => !implied.includes(v));
    if (missing.length > 0 || extra.length > 0) {
      problems.push(
        `${at}.variants: [${declared.join(', ')}] differs from the variants the arms assign [${implied.join(', ')}]`,
      );
      return undefined;
    }
  }
  const variants = declared ?? implied!;
  if (variants.length < 2) {
    problems.push(`${at}: an experiment needs at least two variants (got ${variants.join(', ')})`);
    return undefined;
  }
  return variants;
}

function resolveWeights(
  definition: ExperimentDefinition,
  variants: readonly string[],
  at: string,
  problems: string[],
): number[] {
  const given = definition.weights;
  if (!given) return variants.map(() => 1 / variants.length);
  for (const key of Object.keys(given))
    if (!variants.includes(key))
      problems.push(`${at}.weights: "${key}" is not a variant${hint(key, variants)}`);
  const missing = variants.filter((v) => given[v] === undefined);
  if (missing.length > 0) problems.push(`${at}.weights: no weight for ${missing.join(', ')}`);
  const total = variants.reduce((s, v) => s + (given[v] ?? 0), 0);
  return variants.map((v) => (given[v] ?? 0) / total);
}

function resolveMetrics(
  definition: ExperimentDefinition,
  layer: SemanticLayer,
  at: string,
  problems: string[],
): ExperimentMetric[] {
  const refs: [ExperimentMetricRef, MetricRole, string][] = [
    [definition.primary, 'primary', `${at}.primary`],
    ...definition.secondary.map((r, i): [ExperimentMetricRef, MetricRole, string] => [
      r,
      'secondary',
      `${at}.secondary.${i}`,
    ]),
    ...definition.guardrails.map((r, i): [ExperimentMetricRef, MetricRole, string] => [
      r,
      'guardrail',
      `${at}.guardrails.${i}`,
    ]),
  ];
  const seen = new Set<string>();
  const metrics: ExperimentMetric[] = [];
  for (const [ref, role, where] of refs) {
    const name = typeof ref === 'string' ? ref : ref.metric;
    const better = typeof ref === 'string' ? 'higher' : ref.better;
    if (seen.has(name)) {
      problems.push(`${where}: metric "${name}" is listed twice`);
      continue;
    }
    seen.add(name);
    if (!layer.metrics.has(name)) {
      problems.push(`${where}: unknown metric "${name}"${hint(name, [...layer.metrics.keys()])}`);
      continue;
    }
    const plan = metricPlan(layer, name);
    if (typeof plan === 'string') problems.push(`${where}: ${plan}`);
    else metrics.push({ plan, role, better });
  }
  return metrics;
}

function hint(word: string, candidates: readonly string[]): string {
  const suggestion = closest(word, candidates);
  return suggestion ? ` (did you mean "${suggestion}"?)` : '';
}

/** The experiment called `name`, or SL_UNKNOWN_EXPERIMENT with the closest declared name. */
export function findExperiment(experiments: ReadonlyMap<string, Experiment>, name: string): Experiment {
  const found = experiments.get(name);
  if (found) return found;
  const names = [...experiments.keys()];
  throw new SightlineError(
    'SL_UNKNOWN_EXPERIMENT',
    `unknown experiment "${name}"${hint(name, names)}; declared: ${names.length > 0 ? names.join(', ') : 'none'}`,
  );
}
