/**
 * The classical (multinomial) bootstrap, seeded: every replicate redraws each sample with replacement,
 * independently per sample (Efron & Tibshirani 1993, ch. 8 for two samples), and the interval is read
 * off the replicates by percentile or BCa (bootstrap-interval.ts). Two entry points:
 * - {@link bootstrapStatistic}: any statistic of one or more samples (a median, a trimmed mean, a ratio
 *   of two samples' means…), with its jackknife computed by leaving out one value at a time;
 * - {@link bootstrapMeanDifference}: treatment − control of two means (absolute, or relative over
 *   |control mean|), a fast path that sums resampled values without copying them and computes the
 *   jackknife in closed form.
 * The same seed gives the same replicates (resample.ts draws the indices).
 */
import { createRngFromState } from '../random.ts';
import {
  bcaInterval,
  bootstrapPValue,
  percentileInterval,
  replicateStandardError,
  sortedCopy,
} from './bootstrap-interval.ts';
import { resampledSum, seededState, uniformIndex } from './resample.ts';
import type { Alternative, Comparison, Difference, Interval, StatWarning } from './result.ts';

export type BootstrapMethod = 'percentile' | 'bca';

export interface BootstrapOptions {
  /** The seed of the generator: the same seed gives the same replicates. */
  readonly seed: number;
  /** Number of replicates; default 10,000. */
  readonly replicates?: number;
  /** Significance level; default 0.05 (a 95% interval). */
  readonly alpha?: number;
  /** Default `two-sided`. */
  readonly alternative?: Alternative;
  /** Default `percentile`. */
  readonly method?: BootstrapMethod;
}

/** The bootstrap distribution's summary, shared by every bootstrap in this folder. */
export interface BootstrapSummary {
  /** The standard deviation of the replicates (n − 1). */
  readonly se: number | null;
  readonly ci: Interval | null;
  readonly pValue: number | null;
  /** The interval that was computed (BCa falls back to percentile, with a warning, when undefined). */
  readonly method: BootstrapMethod;
  /** The replicates, ascending (the finite ones: an undefined replicate is left out with a warning). */
  readonly distribution: Float64Array;
  /** BCa's bias correction and acceleration, when BCa was computed. */
  readonly bca: { readonly z0: number; readonly acceleration: number } | null;
  readonly warnings: readonly StatWarning[];
}

/** A statistic of one or more samples, bootstrapped. */
export interface BootstrapEstimate extends BootstrapSummary {
  /** The statistic on the data; null when it is undefined there. */
  readonly estimate: number | null;
}

/** Treatment − control bootstrapped: a {@link Comparison} with the bootstrap's details. */
export interface BootstrapComparison extends Comparison, BootstrapSummary {}

/**
 * The leave-one-out values of a statistic, one array per sample: entry i of array j is the statistic
 * with value i of sample j left out and the other samples whole (scipy's multi-sample jackknife).
 */
export function jackknife(
  samples: readonly Float64Array[],
  statistic: (samples: readonly Float64Array[]) => number,
): Float64Array[] {
  return samples.map((sample, j) => {
    const n = sample.length;
    const out = new Float64Array(n);
    const without = new Float64Array(Math.max(0, n - 1));
    const args = samples.slice();
    args[j] = without;
    // Start with value 0 left out, then put value i − 1 back in place of value i.
    without.set(sample.subarray(1));
    for (let i = 0; i < n; i++) {
      if (i > 0) without[i - 1] = sample[i - 1]!;
      out[i] = statistic(args);
    }
    return out;
  });
}

/**
 * The percentile or BCa interval, standard error and p-value of a bootstrap distribution. Replicates
 * that are not finite are left out with a warning; BCa that is undefined falls back to percentile.
 */
export function summarizeReplicates(
  estimate: number,
  replicates: Float64Array,
  options: {
    readonly alpha: number;
    readonly alternative: Alternative;
    readonly method: BootstrapMethod;
    readonly nullValue: number | null;
    readonly jackknife?: () => readonly Float64Array[];
  },
): BootstrapSummary {
  const warnings: StatWarning[] = [];
  let finite = replicates;
  let bad = 0;
  for (let i = 0; i < replicates.length; i++) if (!Number.isFinite(replicates[i]!)) bad++;
  if (bad > 0) {
    finite = replicates.filter((r) => Number.isFinite(r));
    warnings.push({
      code: 'SL_STATS_UNDEFINED_REPLICATES',
      message: `${bad} of ${replicates.length} bootstrap replicates were undefined (for example a resample whose denominator is 0) and were left out`,
    });
  }
  const sorted = sortedCopy(finite);
  if (sorted.length < 2) {
    warnings.push({ code: 'SL_STATS_EMPTY_ARM', message: 'fewer than 2 bootstrap replicates are defined' });
    return {
      se: null,
      ci: null,
      pValue: null,
      method: options.method,
      distribution: sorted,
      bca: null,
      warnings,
    };
  }
  const se = replicateStandardError(sorted);
  if (!(se > 0)) {
    warnings.push({
      code: 'SL_STATS_ZERO_VARIANCE',
      message: 'every bootstrap replicate is the same, so there is no interval or p-value',
    });
    return {
      se: 0,
      ci: null,
      pValue: null,
      method: options.method,
      distribution: sorted,
      bca: null,
      warnings,
    };
  }
  const pValue =
    options.nullValue === null ? null : bootstrapPValue(sorted, options.nullValue, options.alternative);
  if (options.method === 'bca' && options.jackknife) {
    const bca = bcaInterval(estimate, sorted, options.jackknife(), options.alpha, options.alternative);
    if (bca) {
      return {
        se,
        ci: bca.ci,
        pValue,
        method: 'bca',
        distribution: sorted,
        bca: { z0: bca.z0, acceleration: bca.acceleration },
        warnings,
      };
    }
    warnings.push({
      code: 'SL_STATS_BCA_UNDEFINED',
      message:
        'the BCa interval is undefined here (the estimate lies outside every replicate, or the jackknife does not vary); the percentile interval is given instead',
    });
  }
  return {
    se,
    ci: percentileInterval(sorted, options.alpha, options.alternative),
    pValue,
    method: 'percentile',
    distribution: sorted,
    bca: null,
    warnings,
  };
}

function checkReplicates(replicates: number): void {
  if (!Number.isInteger(replicates) || replicates < 1)
    throw new RangeError(`bootstrap: replicates must be a positive integer, got ${replicates}`);
}

/**
 * Bootstraps `statistic` over one or more independent samples, each resampled with replacement to its
 * own size. `nullValue`, when given, adds a p-value for H0: statistic = nullValue (meaningful when the
 * statistic is a contrast, such as a difference of medians). Samples must be non-empty.
 */
export function bootstrapStatistic(
  samples: readonly Float64Array[],
  statistic: (samples: readonly Float64Array[]) => number,
  options: BootstrapOptions & { readonly nullValue?: number },
): BootstrapEstimate {
  const replicates = options.replicates ?? 10_000;
  checkReplicates(replicates);
  if (samples.length === 0 || samples.some((s) => s.length === 0)) {
    const warning: StatWarning = {
      code: 'SL_STATS_EMPTY_ARM',
      message: 'every sample needs at least one value',
    };
    return emptyEstimate(options.method ?? 'percentile', [warning]);
  }
  const estimate = statistic(samples);
  if (!Number.isFinite(estimate)) {
    const warning: StatWarning = {
      code: 'SL_STATS_UNDEFINED_REPLICATES',
      message: 'the statistic is undefined on the data itself',
    };
    return emptyEstimate(options.method ?? 'percentile', [warning]);
  }
  // The same stream as bootstrapMeanDifference's, so the two agree replicate for replicate.
  const state = seededState(options.seed);
  const rng = createRngFromState(state[0]!, state[1]!, state[2]!, state[3]!);
  const buffers = samples.map((s) => new Float64Array(s.length));
  const out = new Float64Array(replicates);
  for (let r = 0; r < replicates; r++) {
    for (let j = 0; j < samples.length; j++) {
      const source = samples[j]!;
      const target = buffers[j]!;
      const n = source.length;
      for (let i = 0; i < n; i++) target[i] = source[uniformIndex(rng, n)]!;
    }
    out[r] = statistic(buffers);
  }
  const summary = summarizeReplicates(estimate, out, {
    alpha: options.alpha ?? 0.05,
    alternative: options.alternative ?? 'two-sided',
    method: options.method ?? 'percentile',
    nullValue: options.nullValue ?? null,
    jackknife: () => jackknife(samples, statistic),
  });
  return { estimate, ...summary };
}

function emptyEstimate(method: BootstrapMethod, warnings: StatWarning[]): BootstrapEstimate {
  return {
    estimate: null,
    se: null,
    ci: null,
    pValue: null,
    method,
    distribution: new Float64Array(0),
    bca: null,
    warnings,
  };
}

/** treatment − control, or that over |control| (the relative effect). */
function contrast(control: number, treatment: number, difference: Difference): number {
  return difference === 'absolute' ? treatment - control : (treatment - control) / Math.abs(control);
}

function sumOf(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}

/**
 * The jackknife of the difference of two means in O(n): leaving out x_i of a sample of n with sum S
 * gives the mean (S − x_i)/(n − 1), the other mean unchanged.
 */
export function meanDifferenceJackknife(
  control: ArrayLike<number>,
  treatment: ArrayLike<number>,
  difference: Difference,
): Float64Array[] {
  const nc = control.length;
  const nt = treatment.length;
  const sc = sumOf(control);
  const st = sumOf(treatment);
  const c = new Float64Array(nc);
  const t = new Float64Array(nt);
  for (let i = 0; i < nc; i++) c[i] = contrast((sc - control[i]!) / (nc - 1), st / nt, difference);
  for (let i = 0; i < nt; i++) t[i] = contrast(sc / nc, (st - treatment[i]!) / (nt - 1), difference);
  return [c, t];
}

/**
 * Bootstraps treatment − control of two means (or the relative effect over |control mean|), each arm
 * resampled to its own size. The p-value is for H0: no difference, by inverting the interval.
 * Fewer than 2 units in an arm, a zero control mean for a relative effect, or no variation at all give
 * nulls and a coded warning.
 */
export function bootstrapMeanDifference(
  control: ArrayLike<number>,
  treatment: ArrayLike<number>,
  options: BootstrapOptions & { readonly difference?: Difference },
): BootstrapComparison {
  const replicates = options.replicates ?? 10_000;
  checkReplicates(replicates);
  const difference = options.difference ?? 'absolute';
  const method = options.method ?? 'percentile';
  const nc = control.length;
  const nt = treatment.length;
  const nothing = {
    effect: null,
    se: null,
    ci: null,
    pValue: null,
    method,
    distribution: new Float64Array(0),
    bca: null,
  };
  if (nc < 2 || nt < 2) {
    return {
      ...nothing,
      warnings: [
        {
          code: 'SL_STATS_EMPTY_ARM',
          message: `each arm needs at least 2 units (control has ${nc}, treatment ${nt})`,
        },
      ],
    };
  }
  const meanC = sumOf(control) / nc;
  const meanT = sumOf(treatment) / nt;
  if (difference === 'relative' && meanC === 0) {
    return {
      ...nothing,
      warnings: [
        {
          code: 'SL_STATS_ZERO_BASELINE',
          message: 'the control mean is 0, so a relative effect is undefined; use the absolute effect',
        },
      ],
    };
  }
  const effect = contrast(meanC, meanT, difference);
  const c = Float64Array.from(control);
  const t = Float64Array.from(treatment);
  const state = seededState(options.seed);
  const out = new Float64Array(replicates);
  for (let r = 0; r < replicates; r++) {
    const sc = resampledSum(c, state);
    const st = resampledSum(t, state);
    out[r] = contrast(sc / nc, st / nt, difference);
  }
  const summary = summarizeReplicates(effect, out, {
    alpha: options.alpha ?? 0.05,
    alternative: options.alternative ?? 'two-sided',
    method,
    nullValue: 0,
    jackknife: () => meanDifferenceJackknife(control, treatment, difference),
  });
  return { effect, ...summary };
}
