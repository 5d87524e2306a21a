import { SightlineError } from '../../errors/index.ts';
import { type AaSimulationResult, type AaTest, simulateAa } from '../../math/stats/aa-simulation.ts';
import {
  AA_HISTOGRAM_BINS,
  AA_MAX_SAMPLE_FRACTION,
  type AaTies,
  type AaVerdict,
} from '../../math/stats/aa-verdict.ts';
import { linearize } from '../../math/stats/ratio.ts';
import type { Interval, StatWarning } from '../../math/stats/result.ts';
import { daysBetween } from '../insights/date-range.ts';
import type { InsightContext } from '../insights/insight-context.ts';
import { analysisWindow } from './analyze-experiment.ts';
import { type Experiment, findExperiment } from './experiment.ts';
import { ExperimentQueries } from './experiment-queries.ts';
import { type MetricKind, type MetricPlan, metricPlan } from './metric-plan.ts';
import { loadUserValues } from './user-values.ts';

/**
 * `sightline experiment aa NAME`: A/A validation of an experiment's split system by repeated subsampling
 * (src/math/stats/aa-simulation.ts) of its users' per-user metric values, read through the same query as
 * `experiment analyze` (user-values.ts).
 *
 * Which users:
 * - an A/A experiment (`kind: aa`): the real split. Arm 1 of every draw comes from the control variant's
 *   users, arm 2 from the first other variant's; a split system that leaks shows up as too many false
 *   positives or non-uniform p-values.
 * - an A/B experiment: its arms differ by design, so both arms of every draw come from its control
 *   variant's users (one pool). That checks the test on this metric at this sample size, not the split;
 *   the report says so. An A/B experiment with `validatedBy` is checked through its A/A experiment.
 *
 * The per-draw test is the one `experiment analyze` runs for the metric's kind (arm-comparison.ts), so
 * the A/A validates what the analysis will do: Welch's t for a mean per user, the two-proportion z-test
 * for a conversion, and for a ratio metric (likes / views) Welch's t on the linearized per-user values
 * L = x − κ·y with κ the ratio over all the users drawn from (Budylin et al. 2018), which has the
 * delta method's null distribution and costs a draw no more than a mean.
 */

export interface AaValidationSpec {
  /** The metric; default the experiment's primary metric. Any metric with a per-user form works. */
  readonly metric?: string;
  /** Draws; default 10,000. */
  readonly simulations?: number;
  /** Users per arm in each draw; default {@link defaultSample}. */
  readonly samplePerArm?: number;
  /** Default the experiment's alpha. */
  readonly alpha?: number;
  /** Default the test `experiment analyze` uses for the metric's kind. */
  readonly test?: AaTest;
  /** Default 1. */
  readonly seed?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface AaValidationReport {
  readonly experiment: string;
  readonly kind: 'ab' | 'aa';
  readonly metric: string;
  readonly label: string;
  readonly metricKind: MetricKind;
  readonly window: { readonly from: string; readonly to: string; readonly days: number };
  /** `split`: the two variants of an A/A experiment; `pool`: both arms from one variant's users. */
  readonly source: 'split' | 'pool';
  /** The variants drawn from (one for a pool) and their analysed users. */
  readonly groups: readonly { readonly variant: string; readonly users: number }[];
  /** What was checked, in one sentence. */
  readonly scope: string;
  readonly test: { readonly name: AaTest; readonly why: string };
  readonly simulations: number;
  readonly samplePerArm: number;
  /** Why this sample size, when it was not given. */
  readonly sampleNote: string | null;
  readonly alpha: number;
  readonly seed: number;
  /** Draws that gave a p-value. */
  readonly tested: number;
  readonly falsePositives: number;
  readonly falsePositiveRate: number | null;
  /** The 95% Wilson interval of the false-positive rate. */
  readonly fprInterval: Interval | null;
  /** What a sound split gives at this sample: the share f a draw takes, the split's own shift, the rate band. */
  readonly expected: AaSimulationResult['expected'];
  /** The test's p-value on all users of both groups; null when both arms come from one pool. */
  readonly fullSplitPValue: number | null;
  readonly ks: { readonly statistic: number; readonly pValue: number } | null;
  /** The p-values in 20 equal bins of [0, 1]; `to` of the last bin includes 1. */
  readonly histogram: readonly { readonly from: number; readonly to: number; readonly count: number }[];
  readonly ties: AaTies | null;
  readonly verdict: AaVerdict;
  readonly warnings: readonly StatWarning[];
  /** Every query that ran. */
  readonly sql: string;
}

/** Users per arm when none is given: 500, capped so that a draw takes at most 2% of a real split's smaller group and at most half a pool. */
export function defaultSample(source: 'split' | 'pool', smallest: number): number {
  const cap = source === 'split' ? Math.floor(AA_MAX_SAMPLE_FRACTION * smallest) : Math.floor(smallest / 2);
  return Math.max(2, Math.min(500, cap));
}

const TEST_FOR_KIND: Record<MetricKind, { name: AaTest; why: string }> = {
  mean: { name: 'welch', why: 'Welch’s t-test, which `experiment analyze` runs on a mean per user' },
  binary: {
    name: 'proportion',
    why: 'the two-proportion z-test, which `experiment analyze` runs on a conversion',
  },
  ratio: {
    name: 'welch',
    why: 'Welch’s t-test on the linearized per-user values x − κ·y (κ the ratio over the users drawn from), which has the delta method’s null distribution',
  },
};

const TEST_NAMES: Record<AaTest, string> = {
  welch: 'Welch’s t-test',
  'mann-whitney': 'the Mann-Whitney U test',
  proportion: 'the two-proportion z-test',
};

/** Runs the A/A validation of experiment `name` (see the file comment). */
export async function validateSplit(
  ctx: InsightContext,
  experiments: ReadonlyMap<string, Experiment>,
  name: string,
  spec: AaValidationSpec = {},
): Promise<AaValidationReport> {
  const named = findExperiment(experiments, name);
  const experiment =
    named.kind === 'ab' && named.definition.validatedBy !== undefined
      ? findExperiment(experiments, named.definition.validatedBy)
      : named;
  const plan = planOf(ctx, experiment, spec.metric);
  const queries = new ExperimentQueries(ctx);
  const window = await analysisWindow(queries, experiment);
  const values = await loadUserValues(queries, experiment, plan, window);

  const source = experiment.kind === 'aa' ? 'split' : 'pool';
  const used = source === 'split' ? [0, 1] : [0];
  const counts = used.map((arm) => countArm(values.arm, arm));
  const groups = used.map((arm, i) => ({ variant: experiment.variants[arm]!, users: counts[i]! }));
  const empty = groups.find((g) => g.users === 0);
  if (empty)
    throw new SightlineError(
      'SL_EXPERIMENT_NO_EXPOSURES',
      `experiment "${experiment.name}" has no analysed users in variant "${empty.variant}" from ${window.from} to ${window.to}`,
    );

  // The per-user values the draws take, with group labels 1 and 2 for a real split.
  const labels = new Uint8Array(values.n);
  for (let i = 0; i < values.n; i++) {
    const arm = values.arm[i]!;
    labels[i] = source === 'split' ? (arm === 0 ? 1 : arm === 1 ? 2 : 0) : arm === 0 ? 1 : 0;
  }
  const perUser =
    plan.kind === 'ratio' ? linearized(values.value, values.denominator!, labels) : values.value;
  const { pool, available } = select(perUser, labels);

  const smallest = Math.min(...counts);
  const samplePerArm = spec.samplePerArm ?? defaultSample(source, smallest);
  const test = spec.test
    ? { name: spec.test, why: `${TEST_NAMES[spec.test]}, as asked` }
    : TEST_FOR_KIND[plan.kind];
  const result = simulateAa(source === 'split' ? { values: pool, groups: available } : { values: pool }, {
    simulations: spec.simulations ?? 10_000,
    samplePerArm,
    alpha: spec.alpha ?? experiment.definition.alpha,
    test: test.name,
    seed: spec.seed ?? 1,
    ...(spec.onProgress ? { onProgress: spec.onProgress } : {}),
  });

  const via = named === experiment ? '' : ` (the A/A experiment that validates "${named.name}")`;
  const scope =
    source === 'split'
      ? `the split of "${experiment.name}"${via}: each draw compares ${samplePerArm} users of ${groups[0]!.variant} with ${samplePerArm} of ${groups[1]!.variant}`
      : `the test on "${plan.metric}" at ${samplePerArm} users per arm, not the split: "${experiment.name}" is an A/B experiment, so both arms of each draw come from its control variant ${groups[0]!.variant}; declare an A/A experiment and point validatedBy at it to check the split`;
  return {
    experiment: experiment.name,
    kind: experiment.kind,
    metric: plan.metric,
    label: plan.label,
    metricKind: plan.kind,
    window: { from: window.from, to: window.to, days: daysBetween(window.from, window.to) + 1 },
    source,
    groups,
    scope,
    test,
    simulations: result.simulations,
    samplePerArm,
    sampleNote: spec.samplePerArm === undefined ? sampleNote(source, samplePerArm, smallest) : null,
    alpha: result.alpha,
    seed: result.seed,
    tested: result.tested,
    falsePositives: result.falsePositives,
    falsePositiveRate: result.falsePositiveRate,
    fprInterval: result.fprInterval,
    expected: result.expected,
    fullSplitPValue: result.fullSplitPValue,
    ks: result.ks,
    histogram: result.histogram.map((count, i) => ({
      from: i / AA_HISTOGRAM_BINS,
      to: (i + 1) / AA_HISTOGRAM_BINS,
      count,
    })),
    ties: result.ties,
    verdict: result.verdict,
    warnings: result.warnings,
    sql: queries.sqlText(),
  };
}

function planOf(ctx: InsightContext, experiment: Experiment, metric: string | undefined): MetricPlan {
  if (metric === undefined) return experiment.metrics[0]!.plan;
  const declared = experiment.metrics.find((m) => m.plan.metric === metric);
  if (declared) return declared.plan;
  if (!ctx.layer.metrics.has(metric))
    throw new SightlineError('SL_USAGE', `--metric: unknown metric "${metric}"`, {
      hint: `use a metric of sightline.yaml, for example ${experiment.metrics.map((m) => m.plan.metric).join(', ')}`,
    });
  const plan = metricPlan(ctx.layer, metric);
  if (typeof plan === 'string') throw new SightlineError('SL_USAGE', `--metric: ${plan}`);
  return plan;
}

function countArm(arms: Uint16Array, arm: number): number {
  let count = 0;
  for (let i = 0; i < arms.length; i++) if (arms[i] === arm) count++;
  return count;
}

/** x − κ·y per user, κ = Σx/Σy over the users the draws take (label 1 or 2). */
function linearized(x: Float64Array, y: Float64Array, labels: Uint8Array): Float64Array {
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    if (labels[i] === 0) continue;
    sx += x[i]!;
    sy += y[i]!;
  }
  // With no denominator at all every L is x (κ = 0), which is 0 too: the draws then report zero variance.
  return linearize({ numerator: x, denominator: y }, sy === 0 ? 0 : sx / sy);
}

/** The users the draws take, in user order, and their labels (1 or 2). */
function select(values: Float64Array, labels: Uint8Array): { pool: Float64Array; available: Uint8Array } {
  let n = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] !== 0) n++;
  const pool = new Float64Array(n);
  const available = new Uint8Array(n);
  let k = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 0) continue;
    pool[k] = values[i]!;
    available[k++] = labels[i]!;
  }
  return { pool, available };
}

function sampleNote(source: 'split' | 'pool', sample: number, smallest: number): string | null {
  if (sample === 500) return null;
  return source === 'split'
    ? `${sample} users per arm: 2% of the smaller group (${smallest.toLocaleString('en-US')} users), so that draws do not share the split's chance difference (the default is 500 on large groups)`
    : `${sample} users per arm: half of the ${smallest.toLocaleString('en-US')} users of the pool (the default is 500)`;
}
