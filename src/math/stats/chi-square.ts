/**
 * Pearson's chi-square tests: goodness of fit (and its use for sample-ratio mismatch, SRM) and
 * independence in an r×c contingency table (the 2×2 of converted-or-not by arm among them).
 *
 * X² = Σ (O − E)²/E, compared with a chi-square distribution on k − 1 (goodness of fit) or
 * (r − 1)(c − 1) (independence) degrees of freedom; the p-value is the upper tail computed directly
 * (chiSquareSf), so an SRM p of 1e-40 keeps its digits. Checked against scipy.stats.chisquare and
 * scipy.stats.chi2_contingency, and against GrowthBook's SRM vectors.
 */
import { chiSquareSf } from './distributions.ts';
import type { StatWarning } from './result.ts';

/**
 * GrowthBook's (and Eppo's) default: a sample-ratio-mismatch p-value below this means the observed split
 * is very unlikely under the configured weights, so the assignment (not the treatment) is suspect.
 */
export const SRM_P_VALUE_THRESHOLD = 0.001;

export interface ChiSquareResult {
  /** X²; null when the test is undefined (see warnings). */
  readonly statistic: number | null;
  readonly df: number | null;
  readonly pValue: number | null;
  readonly warnings: readonly StatWarning[];
}

function checkCount(value: number, what: string): void {
  if (!(value >= 0) || !Number.isFinite(value))
    throw new RangeError(`${what} must be a finite count >= 0, got ${value}`);
}

/**
 * Goodness of fit of observed counts to expected proportions (the weights, scaled to the observed
 * total; uniform when omitted), as scipy.stats.chisquare(observed, weights/Σweights·Σobserved).
 * Weights must be positive; with no observations at all the result is null with SL_STATS_EMPTY_ARM.
 */
export function chiSquareGoodnessOfFit(
  observed: ArrayLike<number>,
  expectedWeights?: ArrayLike<number>,
): ChiSquareResult {
  const k = observed.length;
  if (k < 2) throw new RangeError(`chiSquareGoodnessOfFit: need at least 2 categories, got ${k}`);
  if (expectedWeights && expectedWeights.length !== k)
    throw new RangeError(`chiSquareGoodnessOfFit: ${k} counts but ${expectedWeights.length} weights`);
  let total = 0;
  let totalWeight = 0;
  for (let i = 0; i < k; i++) {
    checkCount(observed[i]!, 'an observed count');
    const w = expectedWeights ? expectedWeights[i]! : 1;
    if (!(w > 0) || !Number.isFinite(w))
      throw new RangeError(`chiSquareGoodnessOfFit: weight ${w} is not > 0`);
    total += observed[i]!;
    totalWeight += w;
  }
  if (total === 0) {
    const warning: StatWarning = {
      code: 'SL_STATS_EMPTY_ARM',
      message: 'there are no observations, so there is no split to test',
    };
    return { statistic: null, df: null, pValue: null, warnings: [warning] };
  }
  let statistic = 0;
  for (let i = 0; i < k; i++) {
    const expected = ((expectedWeights ? expectedWeights[i]! : 1) / totalWeight) * total;
    const d = observed[i]! - expected;
    statistic += (d * d) / expected;
  }
  return { statistic, df: k - 1, pValue: chiSquareSf(statistic, k - 1), warnings: [] };
}

export interface SrmResult {
  /** X² over the arms that were tested; null when fewer than two could be. */
  readonly statistic: number | null;
  readonly df: number | null;
  /** Always a number: 1 when there is nothing to test (GrowthBook's convention). */
  readonly pValue: number;
  /** pValue < {@link SRM_P_VALUE_THRESHOLD}. */
  readonly mismatch: boolean;
  /** How many arms entered the test (weight > 0 and a count given). */
  readonly arms: number;
}

/**
 * The sample-ratio-mismatch check with GrowthBook's semantics (back-end `checkSrm`): arms whose weight is
 * ≤ 0 (GrowthBook skips only 0; a negative weight is as meaningless) or whose count is missing are left
 * out; with fewer than two arms left, or no users in them, the p-value is 1. Otherwise it is the
 * goodness-of-fit test of the counts against the remaining weights, renormalised.
 */
export function srmTest(observedCounts: ArrayLike<number>, expectedWeights: ArrayLike<number>): SrmResult {
  const counts: number[] = [];
  const weights: number[] = [];
  let total = 0;
  for (let i = 0; i < expectedWeights.length; i++) {
    const w = expectedWeights[i]!;
    if (!(w > 0) || i >= observedCounts.length) continue;
    checkCount(observedCounts[i]!, 'an arm count');
    counts.push(observedCounts[i]!);
    weights.push(w);
    total += observedCounts[i]!;
  }
  if (counts.length < 2 || total === 0)
    return { statistic: null, df: null, pValue: 1, mismatch: false, arms: counts.length };
  const { statistic, df, pValue } = chiSquareGoodnessOfFit(counts, weights);
  return { statistic, df, pValue: pValue!, mismatch: pValue! < SRM_P_VALUE_THRESHOLD, arms: counts.length };
}

/**
 * Pearson's test of independence of the rows and columns of a table of counts, as
 * scipy.stats.chi2_contingency: expected counts are rowTotal·columnTotal/total, df = (r − 1)(c − 1), and
 * with df = 1 and `correction` (default true) Yates' continuity correction moves each observed count
 * toward its expected one by 0.5, never past it. A row or column that sums to 0 makes an expected count
 * 0 and the test undefined: nulls with SL_STATS_EMPTY_ARM (an empty row, that is an arm with no units)
 * or SL_STATS_ZERO_VARIANCE (an empty column, that is an outcome nobody or everybody had).
 */
export function contingencyChiSquare(
  table: readonly (readonly number[])[],
  options: { readonly correction?: boolean } = {},
): ChiSquareResult {
  const rows = table.length;
  const columns = rows > 0 ? table[0]!.length : 0;
  if (rows < 2 || columns < 2) throw new RangeError(`contingencyChiSquare: need at least a 2×2 table`);
  const rowTotals = new Float64Array(rows);
  const columnTotals = new Float64Array(columns);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    if (table[i]!.length !== columns) throw new RangeError('contingencyChiSquare: rows differ in length');
    for (let j = 0; j < columns; j++) {
      const o = table[i]![j]!;
      checkCount(o, 'a table count');
      rowTotals[i]! += o;
      columnTotals[j]! += o;
      total += o;
    }
  }
  const empty = (code: StatWarning['code'], message: string): ChiSquareResult => ({
    statistic: null,
    df: null,
    pValue: null,
    warnings: [{ code, message }],
  });
  if (rowTotals.some((t) => t === 0)) return empty('SL_STATS_EMPTY_ARM', 'a row of the table has no counts');
  if (columnTotals.some((t) => t === 0))
    return empty(
      'SL_STATS_ZERO_VARIANCE',
      'a column of the table has no counts (every unit had the same outcome)',
    );

  const df = (rows - 1) * (columns - 1);
  const yates = df === 1 && (options.correction ?? true);
  let statistic = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) {
      const expected = (rowTotals[i]! * columnTotals[j]!) / total;
      let d = Math.abs(table[i]![j]! - expected);
      if (yates) d = Math.max(0, d - 0.5);
      statistic += (d * d) / expected;
    }
  }
  return { statistic, df, pValue: chiSquareSf(statistic, df), warnings: [] };
}
