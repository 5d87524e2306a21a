import { type CupedComparison, type CupedSums, compareCuped } from '../../math/stats/cuped.ts';
import { type CupedRatioSums, compareCupedRatio } from '../../math/stats/cuped-ratio.ts';
import type { EffectEstimate } from '../../math/stats/effect.ts';
import { proportionZTest } from '../../math/stats/proportion-test.ts';
import { compareRatio, type RatioSums, ratioMoments } from '../../math/stats/ratio.ts';
import type { Comparison, Difference, StatWarning } from '../../math/stats/result.ts';
import { tTestFromSums } from '../../math/stats/t-test.ts';
import { meanSumsOf, productOf, type VariableLayout, type VariableSums } from './arm-sums.ts';
import type { ArmResult, EffectResult } from './experiment-report.ts';
import type { MetricKind } from './metric-plan.ts';

/**
 * The test each kind of metric gets, and why, in words a reader of the report can check. The choice
 * depends only on the kind of metric and on whether a pre-period covariate exists, never on the data, so
 * it cannot be tuned after the fact.
 */
export function chosenTest(kind: MetricKind, cuped: boolean): { name: string; why: string } {
  const covariate =
    ' The same metric over the days before each user’s first exposure explains part of the differences between users, so CUPED (θ pooled across arms) removes that variance: the same effect, a narrower interval.';
  switch (kind) {
    case 'mean':
      return {
        name: cuped ? 'CUPED + Welch t-test' : 'Welch t-test',
        why:
          'A per-user count or sum is skewed with a long tail and its spread differs between arms, so Welch’s t-test (no equal-variance assumption) compares the means per user; with thousands of users the mean is close to normal by the central limit theorem.' +
          (cuped ? covariate : ''),
      };
    case 'binary':
      return {
        name: cuped ? 'CUPED + t-test on proportions' : 'two-proportion z-test',
        why:
          'Each user converts or not (0/1), so the variance is p(1 − p): ' +
          (cuped
            ? 'the adjusted proportions are compared with a t-test on that variance.' + covariate
            : 'the pooled z-test gives the p-value and the unpooled Wald interval the range of the effect.'),
      };
    case 'ratio':
      return {
        name: cuped ? 'delta method + CUPED' : 'delta method',
        why:
          'A ratio of sums (likes per view) is randomised by user, not by event, and one user’s events are correlated, so the variance of each arm’s ratio comes from the per-user numerators and denominators by the delta method, compared with Welch’s t.' +
          (cuped ? covariate : ''),
      };
  }
}

/** An arm's summary for the report. */
export function armResult(
  kind: MetricKind,
  layout: VariableLayout,
  variant: string,
  sums: VariableSums,
): ArmResult {
  const value = sums.sum[layout.value]!;
  if (kind === 'ratio') {
    const denominator = sums.sum[layout.denominator]!;
    return {
      variant,
      n: sums.n,
      mean: denominator === 0 ? null : value / denominator,
      numerator: value,
      denominator,
    };
  }
  return { variant, n: sums.n, mean: sums.n === 0 ? null : value / sums.n };
}

/** One treatment against control on both scales, with the estimates the sequential and Bayesian views read. */
export interface ArmComparison {
  readonly absolute: EffectResult;
  readonly relative: EffectResult;
  /** The effect and its variance, for always-valid and Bayesian views; null when there is no test. */
  readonly estimates: { readonly absolute: EffectEstimate | null; readonly relative: EffectEstimate | null };
  readonly cuped?: { readonly theta: number; readonly varianceReduction: number };
  readonly warnings: readonly StatWarning[];
}

export interface ComparisonOptions {
  readonly alpha: number;
}

/**
 * Whether the comparison of these arms adjusts by the pre-period covariate: whenever the experiment
 * declares a pre-period, except for a ratio whose pre-period denominator is 0 in an arm (no views before
 * exposure at all makes the pre-period ratio undefined), which keeps the plain delta method.
 */
export function usesCuped(kind: MetricKind, layout: VariableLayout, arms: readonly VariableSums[]): boolean {
  if (layout.pre < 0) return false;
  return kind !== 'ratio' || arms.every((a) => a.sum[layout.preDenominator]! > 0);
}

/** Compares a treatment's sums with control's by the test `chosenTest` names. */
export function compareArms(
  kind: MetricKind,
  layout: VariableLayout,
  control: VariableSums,
  treatment: VariableSums,
  options: ComparisonOptions,
): ArmComparison {
  const cuped = usesCuped(kind, layout, [control, treatment]);
  const run = (difference: Difference): Comparison | CupedComparison => {
    const common = { alpha: options.alpha, difference };
    if (cuped && kind === 'ratio')
      return compareCupedRatio(cupedRatioSums(control, layout), cupedRatioSums(treatment, layout), common);
    if (cuped)
      return compareCuped(cupedSums(control, layout), cupedSums(treatment, layout), {
        ...common,
        kind: kind === 'binary' ? 'proportion' : 'mean',
      });
    switch (kind) {
      case 'mean':
        return tTestFromSums(
          meanSumsOf(control, layout.k, layout.value),
          meanSumsOf(treatment, layout.k, layout.value),
          {
            ...common,
            kind: 'welch',
          },
        );
      case 'binary':
        return proportionZTest(
          { n: control.n, successes: control.sum[layout.value]! },
          { n: treatment.n, successes: treatment.sum[layout.value]! },
          common,
        );
      case 'ratio':
        return compareRatio(ratioSums(control, layout), ratioSums(treatment, layout), common);
    }
  };
  const absolute = run('absolute');
  const relative = run('relative');
  const adjustment =
    'theta' in absolute && absolute.varianceReduction !== null
      ? { cuped: { theta: absolute.theta, varianceReduction: absolute.varianceReduction } }
      : {};
  return {
    absolute: effectResult(absolute),
    relative: effectResult(relative),
    estimates: { absolute: estimateOf(absolute), relative: estimateOf(relative) },
    ...adjustment,
    warnings: mergeWarnings(absolute.warnings, relative.warnings),
  };
}

/** A metric and its pre-period covariate in the shape of `cuped.ts`. */
export function cupedSums(sums: VariableSums, layout: VariableLayout): CupedSums {
  const { k, value: y, pre: x } = layout;
  return {
    n: sums.n,
    post: { sum: sums.sum[y]!, sumSquares: productOf(sums, k, y, y) },
    pre: { sum: sums.sum[x]!, sumSquares: productOf(sums, k, x, x) },
    sumProducts: productOf(sums, k, y, x),
  };
}

/** A ratio metric and its pre-period numerator and denominator in the shape of `cuped-ratio.ts`. */
export function cupedRatioSums(sums: VariableSums, layout: VariableLayout): CupedRatioSums {
  const { k, value: a, denominator: b, pre: c, preDenominator: d } = layout;
  const sq = (i: number) => ({ sum: sums.sum[i]!, sumSquares: productOf(sums, k, i, i) });
  const x = (i: number, j: number) => productOf(sums, k, i, j);
  return {
    n: sums.n,
    numeratorPost: sq(a),
    denominatorPost: sq(b),
    numeratorPre: sq(c),
    denominatorPre: sq(d),
    products: {
      numeratorPostDenominatorPost: x(a, b),
      numeratorPostNumeratorPre: x(a, c),
      numeratorPostDenominatorPre: x(a, d),
      denominatorPostNumeratorPre: x(b, c),
      denominatorPostDenominatorPre: x(b, d),
      numeratorPreDenominatorPre: x(c, d),
    },
  };
}

/** A ratio metric's sums in the shape of `ratio.ts`. */
export function ratioSums(sums: VariableSums, layout: VariableLayout): RatioSums {
  const { k, value: x, denominator: y } = layout;
  return {
    n: sums.n,
    numerator: { sum: sums.sum[x]!, sumSquares: productOf(sums, k, x, x) },
    denominator: { sum: sums.sum[y]!, sumSquares: productOf(sums, k, y, y) },
    sumProducts: productOf(sums, k, x, y),
  };
}

/** The per-unit moments of an arm (a ratio's by the delta method), for power. */
export function controlMoments(
  kind: MetricKind,
  layout: VariableLayout,
  sums: VariableSums,
): { mean: number; variance: number } | null {
  if (sums.n < 2) return null;
  if (kind === 'ratio') return ratioMoments(ratioSums(sums, layout));
  const { n, sum, sumSquares } = meanSumsOf(sums, layout.k, layout.value);
  const mean = sum / n;
  if (kind === 'binary') return { mean, variance: mean * (1 - mean) };
  return { mean, variance: Math.max(0, (sumSquares - (sum * sum) / n) / (n - 1)) };
}

export function effectResult(c: Comparison): EffectResult {
  return { effect: c.effect, se: c.se, ci: c.ci, pValue: c.pValue };
}

function estimateOf(c: Comparison): EffectEstimate | null {
  return c.effect !== null && c.se !== null && c.se > 0 ? { effect: c.effect, variance: c.se * c.se } : null;
}

/** Warnings of both scales, each code once (the relative scale adds only the zero-baseline one). */
export function mergeWarnings(...lists: (readonly StatWarning[])[]): StatWarning[] {
  const seen = new Set<string>();
  const out: StatWarning[] = [];
  for (const w of lists.flat()) {
    if (seen.has(w.code)) continue;
    seen.add(w.code);
    out.push(w);
  }
  return out;
}
