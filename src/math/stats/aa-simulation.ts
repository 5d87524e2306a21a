/**
 * A/A validation of a split system by repeated subsampling (the A/A simulation of Kohavi, Tang & Xu,
 * "Trustworthy Online Controlled Experiments", 2020, ch. 19; Statsig and Eppo run the same check).
 *
 * From per-user metric values, each of K draws takes N users per arm without replacement and tests the
 * two arms against each other. Where there is no effect, the p-values of a valid test on a valid split
 * are uniform on [0, 1], so a fraction α of draws rejects at level α and a KS test against U(0, 1) does
 * not reject. A split system that leaks (arms that differ, heavy users concentrated in one arm) or a test
 * whose assumptions fail (a skewed metric at a small N) shows up as a false-positive rate away from α
 * or a non-uniform p-value distribution.
 *
 * Two ways to draw:
 * - one pool (no `groups`): both arms come from the same users; each draw is 2N distinct users, the first
 *   N the first arm. This validates the test on this metric, not the split.
 * - the real split (`groups`, 1 or 2 per user): the first arm is N users of group 1, the second N users
 *   of group 2 (both groups of an A/A experiment). This validates the split system itself, provided N is
 *   a small share of each group (see {@link splitFprWithoutDifference}).
 *
 * Conventions: a draw rejects when p < α (strictly); p-values are two-sided; the effect tested is the
 * second arm minus the first; the variance is the sample variance (n − 1), as in {@link compareMoments}.
 */
import { SightlineError } from '../../errors/index.ts';
import type { Rng } from '../random.ts';
import { createRng } from '../random.ts';
import { drawTest } from './aa-draw-test.ts';
import {
  fullSplitPValue,
  type SoundSplit,
  soundSplit,
  soundSplitFprBand,
  splitFprWithoutDifference,
  splitPValueCdf,
} from './aa-sound-split.ts';
import {
  AA_MAX_SAMPLE_FRACTION,
  type AaTies,
  type AaVerdict,
  aaVerdict,
  discreteness,
  pValueHistogram,
  wilsonInterval,
} from './aa-verdict.ts';
import { ksTest, ksTestUniform } from './ks-test.ts';
import type { Interval, StatWarning } from './result.ts';

/**
 * The test run on each draw: Welch's t (default; effect.ts), Mann-Whitney U (scipy's asymptotic method;
 * mann-whitney.ts), or the pooled two-proportion z-test (0/1 values; proportion-test.ts).
 */
export type AaTest = 'welch' | 'mann-whitney' | 'proportion';

export const AA_TESTS: readonly AaTest[] = ['welch', 'mann-whitney', 'proportion'];

/** Per-user values, and optionally the group (1 or 2) each user was assigned to; other labels are ignored. */
export interface AaPool {
  readonly values: Float64Array;
  readonly groups?: Uint8Array;
}

export interface AaOptions {
  /** Draws K; default 10,000. */
  readonly simulations?: number;
  /** Users per arm in each draw, N; default 500. */
  readonly samplePerArm?: number;
  /** The level each draw is tested at; default 0.05. */
  readonly alpha?: number;
  /** Default `welch`. */
  readonly test?: AaTest;
  /** The seed of the draws; the same seed gives the same result. Default 1. */
  readonly seed?: number;
  /** Called every {@link PROGRESS_EVERY} draws and at the end with (draws done, K). */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface AaSimulationResult {
  readonly test: AaTest;
  readonly simulations: number;
  readonly samplePerArm: number;
  readonly alpha: number;
  readonly seed: number;
  /** `pool` when both arms come from one pool, `split` when they come from groups 1 and 2. */
  readonly source: 'pool' | 'split';
  /** Users available to each arm: the pool size twice, or the sizes of groups 1 and 2. */
  readonly available: readonly [number, number];
  /** Draws that gave a p-value (a draw with no variance at all gives none and is not counted). */
  readonly tested: number;
  readonly falsePositives: number;
  /** falsePositives / tested; null when no draw gave a p-value. */
  readonly falsePositiveRate: number | null;
  /** The 95% Wilson score interval of the false-positive rate. */
  readonly fprInterval: Interval | null;
  /**
   * How a sound split behaves at this sample (see {@link SoundSplit}): the share of a group a draw takes,
   * the split's own difference in draw standard errors, and the band of false-positive rates a sound
   * split gives. For one pool: fraction 0, shift 0, band [α, α].
   */
  readonly expected: SoundSplit & { readonly fprBand: Interval };
  /** The test's p-value on the whole of groups 1 and 2; null for one pool or when it has none. */
  readonly fullSplitPValue: number | null;
  /**
   * One-sample Kolmogorov-Smirnov test of the p-values against the distribution a sound split gives
   * (U(0, 1) for one pool).
   */
  readonly ks: { readonly statistic: number; readonly pValue: number } | null;
  /** Counts of p-values in {@link AA_HISTOGRAM_BINS} equal bins of [0, 1]; the last bin includes 1. */
  readonly histogram: readonly number[];
  /** The most repeated p-value; null when no draw gave one. */
  readonly ties: AaTies | null;
  readonly verdict: AaVerdict;
  /** The p-value of each tested draw, in draw order. */
  readonly pValues: Float64Array;
  readonly warnings: readonly StatWarning[];
}

const TWO_POW_32 = 4294967296;
const INV_TWO_POW_32 = 1 / TWO_POW_32;

/** Draws between two calls of `onProgress`. */
export const PROGRESS_EVERY = 250;

/**
 * Runs the A/A simulation on a pool (see the file comment): K draws of N users per arm, each tested at α,
 * and returns the false-positive rate with its 95% Wilson interval, the KS test of the p-values'
 * uniformity, their histogram and the verdict of {@link aaVerdict}.
 *
 * Draws are partial Fisher-Yates shuffles (Durstenfeld 1964) of an index array with a seeded
 * xoshiro128** stream: step i swaps position i with a uniform position in [i, m), so after N steps the
 * first N entries are a uniform sample without replacement. The array is not reset between draws; a
 * partial shuffle of any arrangement gives a uniform sample, so each draw is uniform and independent of
 * the previous ones. Position j = i + U with U uniform on [0, m − i) by Lemire's multiply-shift with
 * rejection, exactly uniform: resample.ts's `uniformIndex`, inlined here because it is the hot loop (a
 * test checks that the draws are the ones `uniformIndex` gives).
 *
 * Welch's t (the default) needs only sums and sums of squares per arm, taken in the draw's one pass over
 * the selected users; values are centred near the pool mean first, which changes neither the difference
 * nor the variances but keeps the sums of squares from cancelling when the mean is large.
 */
export function simulateAa(pool: AaPool, options: AaOptions = {}): AaSimulationResult {
  const simulations = options.simulations ?? 10_000;
  const n = options.samplePerArm ?? 500;
  const alpha = options.alpha ?? 0.05;
  const test = options.test ?? 'welch';
  const seed = options.seed ?? 1;
  validate(pool, simulations, n, alpha, test);

  const { values, groups } = pool;
  const source = groups ? 'split' : 'pool';
  let a: Int32Array;
  let b: Int32Array;
  let bFrom: number;
  if (groups) {
    a = indicesOf(groups, 1);
    b = indicesOf(groups, 2);
    bFrom = 0;
  } else {
    a = Int32Array.from({ length: values.length }, (_, i) => i);
    b = a;
    bFrom = n;
  }
  const available: [number, number] = groups ? [a.length, b.length] : [a.length, a.length];
  const needA = groups ? n : 2 * n;
  if (a.length < needA || b.length < n) {
    const what = groups
      ? `group 1 has ${a.length} users and group 2 ${b.length}`
      : `the pool has ${a.length} users`;
    throw new SightlineError(
      'SL_AA_SAMPLE_TOO_LARGE',
      `an A/A draw of ${n} users per arm needs ${groups ? `${n} in each group` : `${2 * n} users`}, but ${what}`,
    );
  }

  const warnings = new Map<string, StatWarning & { count: number }>();
  const warn = (warning: StatWarning) => {
    const seen = warnings.get(warning.code);
    if (seen) seen.count++;
    else warnings.set(warning.code, { ...warning, count: 1 });
  };
  const testDraw = drawTest(test, values, [a, groups ? b : null], n, alpha, warn);

  const rng = createRng(seed);
  const pValues = new Float64Array(simulations);
  let tested = 0;
  let falsePositives = 0;
  const aEnd = groups ? n : 2 * n;
  for (let k = 0; k < simulations; k++) {
    partialShuffle(a, 0, aEnd, rng);
    if (groups) partialShuffle(b, 0, n, rng);
    const p = testDraw(a, 0, b, bFrom, n);
    if (!Number.isNaN(p)) {
      pValues[tested++] = p;
      if (p < alpha) falsePositives++;
    }
    if (options.onProgress && ((k + 1) % PROGRESS_EVERY === 0 || k + 1 === simulations))
      options.onProgress(k + 1, simulations);
  }

  const testedValues = pValues.slice(0, tested);
  const fprInterval = wilsonInterval(falsePositives, tested);
  const wholeSplit = groups ? fullSplitPValue(test, values, a, b) : null;
  const split = groups ? soundSplit(n, [a.length, b.length], wholeSplit) : { fraction: 0, shift: 0 };
  const fprBand = soundSplitFprBand(alpha, split.fraction);
  const ks =
    tested === 0
      ? null
      : groups
        ? ksTest(testedValues, (u) => splitPValueCdf(u, split))
        : ksTestUniform(testedValues);
  const ksResult =
    ks && ks.statistic !== null && ks.pValue !== null ? { statistic: ks.statistic, pValue: ks.pValue } : null;
  const outWarnings: StatWarning[] = [...warnings.values()].map(({ code, message, count }) => ({
    code,
    message: `${count} of ${simulations} draws gave no p-value: ${message}`,
  }));
  const fraction = groups ? n / Math.min(a.length, b.length) : 0;
  if (fraction > AA_MAX_SAMPLE_FRACTION)
    outWarnings.push({
      code: 'SL_AA_LARGE_SAMPLE_FRACTION',
      message: `each draw takes ${(100 * fraction).toFixed(1)}% of the smaller group; draws from one split then share its chance difference and vary less than independent samples, so even a sound split gives a false-positive rate of about ${splitFprWithoutDifference(fraction, alpha).toFixed(4)} when its groups happen to be equal and more when they do not; use at most ${Math.floor(AA_MAX_SAMPLE_FRACTION * Math.min(a.length, b.length))} users per arm`,
    });
  const ties = discreteness(testedValues);
  if (ties?.discrete)
    outWarnings.push({
      code: 'SL_AA_DISCRETE_PVALUES',
      message: `${ties.draws} of ${tested} draws share the p-value ${ties.pValue.toPrecision(4)}: the metric is discrete at ${n} users per arm, so its p-values cannot be exactly uniform and the KS condition can fail on a sound split; judge by the false-positive rate, or raise the sample per arm`,
    });
  return {
    test,
    simulations,
    samplePerArm: n,
    alpha,
    seed,
    source,
    available,
    tested,
    falsePositives,
    falsePositiveRate: tested > 0 ? falsePositives / tested : null,
    fprInterval,
    expected: { ...split, fprBand },
    fullSplitPValue: wholeSplit,
    ks: ksResult,
    histogram: pValueHistogram(testedValues),
    ties,
    verdict: aaVerdict(fprInterval, fprBand, ksResult?.pValue ?? null, wholeSplit, ties?.discrete ?? false),
    pValues: testedValues,
    warnings: outWarnings,
  };
}

/**
 * Partial Fisher-Yates: after the call, `idx[from .. to)` is a uniform sample without replacement of the
 * entries `idx[from .. length)` held before it.
 */
export function partialShuffle(idx: Int32Array, from: number, to: number, rng: Rng): void {
  const m = idx.length;
  for (let i = from; i < to; i++) {
    const range = m - i;
    let product = rng.nextUint32() * range;
    let high = (product * INV_TWO_POW_32) >>> 0;
    let low = product - high * TWO_POW_32;
    if (low < range) {
      const threshold = (TWO_POW_32 - range) % range;
      while (low < threshold) {
        product = rng.nextUint32() * range;
        high = (product * INV_TWO_POW_32) >>> 0;
        low = product - high * TWO_POW_32;
      }
    }
    const j = i + high;
    const t = idx[j]!;
    idx[j] = idx[i]!;
    idx[i] = t;
  }
}

function indicesOf(groups: Uint8Array, label: number): Int32Array {
  let count = 0;
  for (let i = 0; i < groups.length; i++) if (groups[i] === label) count++;
  const out = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < groups.length; i++) if (groups[i] === label) out[k++] = i;
  return out;
}

function validate(pool: AaPool, simulations: number, n: number, alpha: number, test: AaTest): void {
  const bad = (message: string) => new SightlineError('SL_STATS_INPUT_INVALID', message);
  if (!Number.isInteger(simulations) || simulations < 1)
    throw bad(`the number of A/A draws must be a positive integer, got ${simulations}`);
  if (!Number.isInteger(n) || n < 2) throw bad(`each arm needs at least 2 users per draw, got ${n}`);
  if (!(alpha > 0 && alpha < 1)) throw bad(`alpha must lie in (0, 1), got ${alpha}`);
  if (!AA_TESTS.includes(test)) throw bad(`unknown A/A test ${test}; use one of ${AA_TESTS.join(', ')}`);
  const { values, groups } = pool;
  if (groups && groups.length !== values.length)
    throw bad(`${values.length} values but ${groups.length} group labels`);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw bad(`value ${i} is ${v}; every value must be a finite number`);
    if (test === 'proportion' && v !== 0 && v !== 1)
      throw bad(`the proportion test needs 0/1 values, but value ${i} is ${v}`);
  }
}
