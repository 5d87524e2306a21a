/**
 * The Mann-Whitney U test (Wilcoxon rank-sum) with the normal approximation, exactly as
 * scipy.stats.mannwhitneyu(treatment, control, method='asymptotic', use_continuity=…, alternative=…):
 *
 * - ranks are average ranks over ties; U_t = R_t − n_t(n_t + 1)/2 is the U of the TREATMENT arm, the
 *   number of (treatment, control) pairs where the treatment value is larger, ties counting ½ — scipy's
 *   statistic when the treatment is passed first. U_c = n_c·n_t − U_t;
 * - μ = n_c·n_t/2 and σ² = n_c·n_t/12 · ((N + 1) − Σ(t³ − t)/(N(N − 1))), Σ over tie groups of size t,
 *   N = n_c + n_t (the tie-corrected variance);
 * - `greater` (treatment stochastically larger) tests U = U_t, `less` U = U_c, both with p = P(Z > z);
 *   `two-sided` takes U = max(U_t, U_c) and doubles the tail, so the p-value does not depend on which
 *   arm is called treatment; z = (U − μ − ½)/σ with the continuity correction (default), (U − μ)/σ
 *   without; p is clipped to [0, 1].
 *
 * The effect size is the probability of superiority U_t/(n_c·n_t) = P(T > C) + ½P(T = C) (the common-
 * language effect size, McGraw & Wong 1992; 0.5 means no shift).
 *
 * Speed: it runs inside A/A simulations (thousands of 500 + 500 tests), so ranks are never materialised:
 * the two arms are sorted as Float64Arrays and merged, and each tie group adds its average rank times
 * its treatment count to R_t. {@link mannWhitneySorted} skips the copy and sort for callers that keep
 * sorted buffers.
 */
import { normalSf } from './distributions.ts';
import type { Alternative, StatWarning } from './result.ts';

export interface MannWhitneyOptions {
  /** Default `two-sided`; `greater` means treatment values tend to be larger. */
  readonly alternative?: Alternative;
  /** The ½ continuity correction; default true, as scipy. */
  readonly continuity?: boolean;
}

export interface MannWhitneyResult {
  /** U of the treatment arm (pairs where treatment > control, ties ½); null for an empty arm. */
  readonly u: number | null;
  readonly pValue: number | null;
  /** U_t/(n_c·n_t): P(T > C) + ½P(T = C). */
  readonly probabilityOfSuperiority: number | null;
  readonly warnings: readonly StatWarning[];
}

/** The test on two samples of numbers (not mutated). NaN is rejected with a RangeError. */
export function mannWhitney(
  control: ArrayLike<number>,
  treatment: ArrayLike<number>,
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const c = Float64Array.from(control as ArrayLike<number>).sort();
  const t = Float64Array.from(treatment as ArrayLike<number>).sort();
  return mannWhitneySorted(c, t, options);
}

/**
 * The test on two samples already sorted ascending (for example scratch buffers a simulation refills and
 * sorts in place). An unsorted input or a NaN is a RangeError.
 */
export function mannWhitneySorted(
  control: Float64Array,
  treatment: Float64Array,
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const nc = control.length;
  const nt = treatment.length;
  if (nc === 0 || nt === 0) {
    const warning: StatWarning = {
      code: 'SL_STATS_EMPTY_ARM',
      message: `each arm needs at least one value (control has ${nc}, treatment ${nt})`,
    };
    return { u: null, pValue: null, probabilityOfSuperiority: null, warnings: [warning] };
  }

  // Merge the sorted arms tie group by tie group.
  let i = 0;
  let j = 0;
  let placed = 0;
  let groups = 0;
  let rankSum = 0;
  let tieTerm = 0;
  let last = Number.NEGATIVE_INFINITY;
  while (i < nt || j < nc) {
    const v = j >= nc || (i < nt && treatment[i]! <= control[j]!) ? treatment[i]! : control[j]!;
    if (!(v >= last))
      throw new RangeError('mannWhitneySorted: the values must be sorted ascending and not NaN');
    last = v;
    let inT = 0;
    while (i < nt && treatment[i] === v) {
      i++;
      inT++;
    }
    let inC = 0;
    while (j < nc && control[j] === v) {
      j++;
      inC++;
    }
    const size = inT + inC;
    if (size === 0)
      throw new RangeError('mannWhitneySorted: the values must be sorted ascending and not NaN');
    // The group takes ranks placed + 1 … placed + size, on average placed + (size + 1)/2.
    rankSum += inT * (placed + (size + 1) / 2);
    if (size > 1) tieTerm += size * size * size - size;
    placed += size;
    groups++;
  }

  const u = rankSum - (nt * (nt + 1)) / 2;
  const pairs = nc * nt;
  const probabilityOfSuperiority = u / pairs;
  if (groups === 1) {
    const warning: StatWarning = {
      code: 'SL_STATS_ZERO_VARIANCE',
      message: 'every value in both arms is the same, so the ranks carry no information',
    };
    return { u, pValue: null, probabilityOfSuperiority, warnings: [warning] };
  }

  const alternative = options.alternative ?? 'two-sided';
  const n = nc + nt;
  const sigma = Math.sqrt((pairs / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const tested = alternative === 'greater' ? u : alternative === 'less' ? pairs - u : Math.max(u, pairs - u);
  const numerator = tested - pairs / 2 - ((options.continuity ?? true) ? 0.5 : 0);
  const tail = normalSf(numerator / sigma);
  const pValue = Math.min(1, Math.max(0, alternative === 'two-sided' ? 2 * tail : tail));
  return { u, pValue, probabilityOfSuperiority, warnings: [] };
}
