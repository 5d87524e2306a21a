import { bayesianFromEstimate } from '../../math/stats/bayes.ts';
import type { EffectEstimate } from '../../math/stats/effect.ts';
import type { Interval, StatWarning } from '../../math/stats/result.ts';
import { confidenceSequence } from '../../math/stats/sequential.ts';
import { armResult, chosenTest, compareArms, controlMoments, usesCuped } from './arm-comparison.ts';
import { armSums, variableLayout } from './arm-sums.ts';
import { breakdownReport } from './breakdowns.ts';
import type { ExperimentMetric } from './experiment.ts';
import type { MetricReport, VariantResult } from './experiment-report.ts';
import type { UserValues } from './user-values.ts';

/** A variant's result before the correction across metrics × variants fills in the decision fields. */
export type DraftVariant = Omit<VariantResult, 'adjustedPValue' | 'significant' | 'direction'>;

export interface MetricDraft {
  readonly report: Omit<MetricReport, 'variants'>;
  readonly variants: readonly DraftVariant[];
  /** Control's mean and per-unit variance (CUPED-adjusted when it applies), for power; null when undefined. */
  readonly control: { readonly mean: number; readonly variance: number } | null;
}

export interface MetricOptions {
  readonly alpha: number;
  /** Decide on the always-valid p-values. */
  readonly sequential: boolean;
  /** N* of the confidence sequence. */
  readonly tuning: number;
}

/**
 * One metric of an experiment: per-arm summaries, each treatment against control by the test its kind
 * calls for (fixed-horizon), the same estimate read as an always-valid confidence sequence and as a
 * Gaussian posterior, and the breakdowns. Warnings of breakdowns go to `warnings`.
 */
export function analyzeMetric(
  metric: ExperimentMetric,
  values: UserValues,
  options: MetricOptions,
  warnings: StatWarning[],
): MetricDraft {
  const layout = variableLayout(values);
  const [perArm] = armSums(values);
  const control = perArm![0]!;
  const cuped = usesCuped(values.kind, layout, perArm!);
  const variants = perArm!.slice(1).map((treatment, i): DraftVariant => {
    const c = compareArms(values.kind, layout, control, treatment, { alpha: options.alpha });
    const n = control.n + treatment.n;
    const sequential = {
      absolute: alwaysValid(c.estimates.absolute, n, options),
      relative: alwaysValid(c.estimates.relative, n, options),
      tuning: options.tuning,
    };
    const posterior = c.estimates.relative
      ? bayesianFromEstimate(c.estimates.relative, {
          alpha: options.alpha,
          inverse: metric.better === 'lower',
        })
      : null;
    return {
      variant: values.variants[i + 1]!,
      absolute: c.absolute,
      relative: c.relative,
      pValue: options.sequential ? sequential.absolute.pValue : c.absolute.pValue,
      sequential,
      bayesian: {
        chanceToWin: posterior?.chanceToWin ?? null,
        riskTreatment: posterior?.risk?.treatment ?? null,
        riskControl: posterior?.risk?.control ?? null,
        ci: posterior?.ci ?? null,
      },
      ...(c.cuped ? { cuped: c.cuped } : {}),
      warnings: c.warnings,
    };
  });
  const moments = controlMoments(values.kind, layout, control);
  // CUPED's variance reduction carries over to the per-unit variance the power calculation plans with.
  const reduction = cuped ? (variants[0]?.cuped?.varianceReduction ?? 0) : 0;
  return {
    report: {
      metric: metric.plan.metric,
      label: metric.plan.label,
      role: metric.role,
      better: metric.better,
      kind: values.kind,
      test: chosenTest(values.kind, cuped),
      arms: perArm!.map((s, a) => armResult(values.kind, layout, values.variants[a]!, s)),
      breakdowns: values.breakdowns.map((column) => breakdownReport(values, column, options.alpha, warnings)),
    },
    variants,
    control: moments && { mean: moments.mean, variance: moments.variance * (1 - Math.max(0, reduction)) },
  };
}

function alwaysValid(
  estimate: EffectEstimate | null,
  n: number,
  options: MetricOptions,
): { ci: Interval | null; pValue: number | null } {
  if (!estimate) return { ci: null, pValue: null };
  const sequence = confidenceSequence(estimate, n, { alpha: options.alpha, tuning: options.tuning });
  return { ci: sequence.ci, pValue: sequence.pValue };
}
