/**
 * The one-sample Kolmogorov-Smirnov test, two-sided, as scipy.stats.kstest(x, cdf): above all the test
 * that an A/A simulation's p-values are Uniform(0, 1), which they are when the test behind them is
 * calibrated.
 *
 * D = max(D⁺, D⁻) over the sorted sample x₁ ≤ … ≤ x_n, D⁺ = max(i/n − F(x_i)), D⁻ = max(F(x_i) − (i − 1)/n).
 * The p-value is P(D_n ≥ D): by default from the finite-n distribution (`exact`, scipy's default
 * method, which picks among exact algorithms and for large n an asymptotic series by Simard &
 * L'Ecuyer's rules; see kolmogorov.ts), or from Kolmogorov's limit P(K > √n·D) (`asymptotic`, scipy's
 * method='asymp').
 */
import { kolmogorovSf, ksTwoSidedSf } from './kolmogorov.ts';
import type { StatWarning } from './result.ts';

export type KsMethod = 'exact' | 'asymptotic';

export interface KsTestOptions {
  /** Default `exact`. */
  readonly method?: KsMethod;
}

export interface KsTestResult {
  /** The number of values tested. */
  readonly n: number;
  /** D; null with no values. */
  readonly statistic: number | null;
  readonly pValue: number | null;
  readonly warnings: readonly StatWarning[];
}

/** The Uniform(0, 1) distribution function. */
export function uniformCdf(x: number): number {
  return x <= 0 ? 0 : x >= 1 ? 1 : x;
}

/**
 * The two-sided KS test of a sample (not mutated) against a continuous distribution function `cdf`.
 * A NaN value is a RangeError; no values gives nulls with SL_STATS_EMPTY_ARM.
 */
export function ksTest(
  values: ArrayLike<number>,
  cdf: (x: number) => number,
  options: KsTestOptions = {},
): KsTestResult {
  const n = values.length;
  if (n === 0) {
    const warning: StatWarning = { code: 'SL_STATS_EMPTY_ARM', message: 'there are no values to test' };
    return { n, statistic: null, pValue: null, warnings: [warning] };
  }
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  if (Number.isNaN(sorted[n - 1])) throw new RangeError('ksTest: a value is NaN');
  let statistic = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]!);
    statistic = Math.max(statistic, (i + 1) / n - f, f - i / n);
  }
  const pValue =
    (options.method ?? 'exact') === 'exact'
      ? ksTwoSidedSf(n, statistic)
      : kolmogorovSf(statistic * Math.sqrt(n));
  return { n, statistic, pValue, warnings: [] };
}

/** The two-sided KS test of values (p-values, say) against Uniform(0, 1). */
export function ksTestUniform(values: ArrayLike<number>, options: KsTestOptions = {}): KsTestResult {
  return ksTest(values, uniformCdf, options);
}
