/**
 * The Poisson bootstrap (Hanley & MacGibbon 2006; Chamandy, Muralidharan, Najmi & Naidu, "Estimating
 * uncertainty for massive data streams", Google 2012): instead of redrawing n units with replacement,
 * every unit gets an independent Poisson(1) weight in every replicate, and the replicate's statistic is
 * the weighted one (Σw·x/Σw for a mean, Σw·x/Σw·y for a ratio). The weights approximate the multinomial
 * counts of the classical bootstrap, need no knowledge of n in advance, and can be drawn unit by unit, so
 * the data can stream through in chunks while only per-replicate sums are kept: memory is O(replicates),
 * never replicates × units.
 *
 * Every replicate has its own xoshiro128** stream (the generator of random.ts, inlined so that its state
 * lives in registers in the hot loop), seeded from the seed's generator, and consumes one uint32 per unit
 * in unit order. Each replicate's weights are therefore the same however the units are split into
 * chunks (and its sums too, up to the rounding of their order of addition).
 *
 * Poisson(1) by table inversion of one uint32: W = k when T(k−1) ≤ u < T(k), T(k) = round(2^32·P(W ≤ k)).
 * Each probability is exact to within 2^-32; W ≥ 12 (probability 1e-9) is lumped into 12. The top 12
 * bits of u index a 4,096-entry table that gives W directly except in the few buckets that straddle a
 * threshold, where a short scan finishes.
 */
import { createRng } from '../random.ts';
import type { BootstrapComparison } from './bootstrap.ts';
import {
  bootstrapPValue,
  percentileInterval,
  replicateStandardError,
  sortedCopy,
} from './bootstrap-interval.ts';
import type { RatioValues } from './ratio.ts';
import type { Alternative, Difference, StatWarning } from './result.ts';

const TWO_POW_32 = 4294967296;
/** The largest weight the table gives; P(W ≥ 12) ≈ 1.0e-9 is lumped into it. */
export const POISSON_ONE_MAX = 12;
const TABLE_BITS = 12;
const STRADDLES = 0x80;

/** T(k) = round(2^32·P(W ≤ k)) for W ~ Poisson(1), k = 0..12, with T(12) = 2^32. */
export const POISSON_ONE_THRESHOLDS: Float64Array = (() => {
  const thresholds = new Float64Array(POISSON_ONE_MAX + 1);
  let term = Math.exp(-1);
  let cdf = 0;
  for (let k = 0; k <= POISSON_ONE_MAX; k++) {
    cdf += term;
    term /= k + 1;
    thresholds[k] = Math.min(TWO_POW_32, Math.round(cdf * TWO_POW_32));
  }
  thresholds[POISSON_ONE_MAX] = TWO_POW_32;
  return thresholds;
})();

/** For each value of u's top 12 bits: the weight at the bucket's start, | 0x80 if a threshold falls inside. */
const LOOKUP: Uint8Array = (() => {
  const table = new Uint8Array(1 << TABLE_BITS);
  const width = TWO_POW_32 / table.length;
  const weightAt = (u: number): number => {
    let k = 0;
    while (u >= POISSON_ONE_THRESHOLDS[k]!) k++;
    return k;
  };
  for (let b = 0; b < table.length; b++) {
    const first = weightAt(b * width);
    const last = weightAt((b + 1) * width - 1);
    table[b] = first === last ? first : first | STRADDLES;
  }
  return table;
})();

/** The Poisson(1) weight a uint32 maps to. */
export function poissonOneFromUint32(u: number): number {
  let w = LOOKUP[u >>> 20]!;
  if (w >= STRADDLES) {
    w &= 0x7f;
    while (u >= POISSON_ONE_THRESHOLDS[w]!) w++;
  }
  return w;
}

/**
 * Per-replicate sums of a Poisson bootstrap, fed unit by unit in chunks. For a mean metric push the
 * values; for a ratio metric push numerators and denominators. The arrays `weights` (Σw),
 * `numerators` (Σw·x) and `denominators` (Σw·y, ratio only) hold the running sums.
 */
export class PoissonBootstrapStream {
  readonly replicates: number;
  readonly weights: Float64Array;
  readonly numerators: Float64Array;
  readonly denominators: Float64Array | null;
  /** The units pushed so far. */
  units = 0;
  /** xoshiro128** state, four int32 words per replicate. */
  private readonly state: Int32Array;

  constructor(replicates: number, seed: number, kind: 'mean' | 'ratio' = 'mean') {
    if (!Number.isInteger(replicates) || replicates < 1)
      throw new RangeError(
        `PoissonBootstrapStream: replicates must be a positive integer, got ${replicates}`,
      );
    this.replicates = replicates;
    this.weights = new Float64Array(replicates);
    this.numerators = new Float64Array(replicates);
    this.denominators = kind === 'ratio' ? new Float64Array(replicates) : null;
    this.state = new Int32Array(4 * replicates);
    const rng = createRng(seed);
    for (let i = 0; i < this.state.length; i++) this.state[i] = rng.nextUint32() | 0;
    for (let r = 0; r < replicates; r++) {
      const o = 4 * r;
      if ((this.state[o]! | this.state[o + 1]! | this.state[o + 2]! | this.state[o + 3]!) === 0)
        this.state[o + 3] = 1;
    }
  }

  /** Adds a chunk of units: their values (mean), or numerators and denominators (ratio). */
  push(values: Float64Array, denominators?: Float64Array): this {
    const sums = this.denominators;
    if ((sums === null) !== (denominators === undefined))
      throw new RangeError(
        'PoissonBootstrapStream: a ratio stream takes numerators and denominators, a mean stream values only',
      );
    if (denominators !== undefined && denominators.length !== values.length)
      throw new RangeError('PoissonBootstrapStream: numerators and denominators differ in length');
    if (sums !== null && denominators !== undefined)
      pushRatio(this.state, this.weights, this.numerators, sums, values, denominators);
    else pushMean(this.state, this.weights, this.numerators, values);
    this.units += values.length;
    return this;
  }

  /** Each replicate's statistic: Σw·x/Σw (mean) or Σw·x/Σw·y (ratio); NaN where the denominator is 0. */
  estimates(): Float64Array {
    const out = new Float64Array(this.replicates);
    const den = this.denominators ?? this.weights;
    for (let r = 0; r < this.replicates; r++)
      out[r] = den[r] === 0 ? Number.NaN : this.numerators[r]! / den[r]!;
    return out;
  }
}

/*
 * The two hot loops. One replicate at a time over the chunk: the generator state and the sums stay in
 * locals, the values are read in order, and nothing is allocated. The xoshiro128** step is random.ts's.
 */
function pushMean(state: Int32Array, weights: Float64Array, sums: Float64Array, x: Float64Array): void {
  const n = x.length;
  const lookup = LOOKUP;
  const thresholds = POISSON_ONE_THRESHOLDS;
  for (let r = 0, o = 0; r < weights.length; r++, o += 4) {
    let a = state[o]!;
    let b = state[o + 1]!;
    let c = state[o + 2]!;
    let d = state[o + 3]!;
    let sw = 0;
    let sx = 0;
    for (let i = 0; i < n; i++) {
      const m = Math.imul(b, 5);
      const u = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      let w = lookup[u >>> 20]!;
      if (w >= STRADDLES) {
        w &= 0x7f;
        while (u >= thresholds[w]!) w++;
      }
      sw += w;
      sx += w * x[i]!;
    }
    state[o] = a;
    state[o + 1] = b;
    state[o + 2] = c;
    state[o + 3] = d;
    weights[r] = weights[r]! + sw;
    sums[r] = sums[r]! + sx;
  }
}

function pushRatio(
  state: Int32Array,
  weights: Float64Array,
  numerators: Float64Array,
  denominators: Float64Array,
  x: Float64Array,
  y: Float64Array,
): void {
  const n = x.length;
  const lookup = LOOKUP;
  const thresholds = POISSON_ONE_THRESHOLDS;
  for (let r = 0, o = 0; r < weights.length; r++, o += 4) {
    let a = state[o]!;
    let b = state[o + 1]!;
    let c = state[o + 2]!;
    let d = state[o + 3]!;
    let sw = 0;
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      const m = Math.imul(b, 5);
      const u = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      let w = lookup[u >>> 20]!;
      if (w >= STRADDLES) {
        w &= 0x7f;
        while (u >= thresholds[w]!) w++;
      }
      sw += w;
      sx += w * x[i]!;
      sy += w * y[i]!;
    }
    state[o] = a;
    state[o + 1] = b;
    state[o + 2] = c;
    state[o + 3] = d;
    weights[r] = weights[r]! + sw;
    numerators[r] = numerators[r]! + sx;
    denominators[r] = denominators[r]! + sy;
  }
}

export interface PoissonBootstrapOptions {
  /** The seed: the same seed gives the same replicates. */
  readonly seed: number;
  /** Default 10,000. */
  readonly replicates?: number;
  /** Significance level of the percentile interval; default 0.05. */
  readonly alpha?: number;
  /** Default `two-sided`. */
  readonly alternative?: Alternative;
  /** Default `absolute`. */
  readonly difference?: Difference;
}

/** The seeds of the control and treatment streams, both derived from the caller's seed. */
function armSeeds(seed: number): [number, number] {
  const rng = createRng(seed);
  return [rng.nextUint32(), rng.nextUint32()];
}

/**
 * Treatment − control of two means (or the relative effect over |control mean|) by the Poisson
 * bootstrap: the effect is the observed one, the interval the percentile interval of the replicate
 * effects, the p-value for H0: no difference by inverting it (bootstrap-interval.ts).
 */
export function poissonBootstrap(
  control: Float64Array,
  treatment: Float64Array,
  options: PoissonBootstrapOptions,
): BootstrapComparison {
  const replicates = options.replicates ?? 10_000;
  const difference = options.difference ?? 'absolute';
  const invalid = degenerate(control.length, treatment.length, null, null);
  if (invalid) return invalid;
  const observedC = sum(control) / control.length;
  const observedT = sum(treatment) / treatment.length;
  if (difference === 'relative' && observedC === 0) return zeroBaseline();
  const [seedC, seedT] = armSeeds(options.seed);
  const c = new PoissonBootstrapStream(replicates, seedC).push(control).estimates();
  const t = new PoissonBootstrapStream(replicates, seedT).push(treatment).estimates();
  return summarize(observedC, observedT, c, t, difference, options);
}

/**
 * Treatment − control of two ratio metrics Σx/Σy (CTR = Σclicks/Σviews over the arm's users) by the
 * Poisson bootstrap, each replicate's ratio being Σw·x/Σw·y.
 */
export function poissonBootstrapRatio(
  control: RatioValues,
  treatment: RatioValues,
  options: PoissonBootstrapOptions,
): BootstrapComparison {
  const replicates = options.replicates ?? 10_000;
  const difference = options.difference ?? 'absolute';
  const denC = sum(control.denominator);
  const denT = sum(treatment.denominator);
  const invalid = degenerate(control.numerator.length, treatment.numerator.length, denC, denT);
  if (invalid) return invalid;
  const observedC = sum(control.numerator) / denC;
  const observedT = sum(treatment.numerator) / denT;
  if (difference === 'relative' && observedC === 0) return zeroBaseline();
  const [seedC, seedT] = armSeeds(options.seed);
  const c = new PoissonBootstrapStream(replicates, seedC, 'ratio')
    .push(control.numerator, control.denominator)
    .estimates();
  const t = new PoissonBootstrapStream(replicates, seedT, 'ratio')
    .push(treatment.numerator, treatment.denominator)
    .estimates();
  return summarize(observedC, observedT, c, t, difference, options);
}

function sum(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}

const NOTHING = {
  effect: null,
  se: null,
  ci: null,
  pValue: null,
  method: 'percentile',
  distribution: new Float64Array(0),
  bca: null,
} as const;

function degenerate(
  nc: number,
  nt: number,
  denC: number | null,
  denT: number | null,
): BootstrapComparison | null {
  if (nc < 2 || nt < 2) {
    const message = `each arm needs at least 2 units (control has ${nc}, treatment ${nt})`;
    return { ...NOTHING, warnings: [{ code: 'SL_STATS_EMPTY_ARM', message }] };
  }
  if (denC === 0 || denT === 0) {
    const arm = denC === 0 ? 'control' : 'treatment';
    const message = `the denominator sums to 0 in the ${arm} arm, so its ratio is undefined`;
    return { ...NOTHING, warnings: [{ code: 'SL_STATS_ZERO_DENOMINATOR', message }] };
  }
  return null;
}

function zeroBaseline(): BootstrapComparison {
  const message = 'the control value is 0, so a relative effect is undefined; use the absolute effect';
  return { ...NOTHING, warnings: [{ code: 'SL_STATS_ZERO_BASELINE', message }] };
}

function summarize(
  observedC: number,
  observedT: number,
  c: Float64Array,
  t: Float64Array,
  difference: Difference,
  options: PoissonBootstrapOptions,
): BootstrapComparison {
  const relative = difference === 'relative';
  const effects = new Float64Array(c.length);
  let undefinedCount = 0;
  let kept = 0;
  for (let r = 0; r < c.length; r++) {
    const e = relative ? (t[r]! - c[r]!) / Math.abs(c[r]!) : t[r]! - c[r]!;
    if (Number.isFinite(e)) effects[kept++] = e;
    else undefinedCount++;
  }
  const warnings: StatWarning[] = [];
  if (undefinedCount > 0) {
    warnings.push({
      code: 'SL_STATS_UNDEFINED_REPLICATES',
      message: `${undefinedCount} of ${c.length} replicates had a zero weight sum, denominator or control value and were left out`,
    });
  }
  const effect = relative ? (observedT - observedC) / Math.abs(observedC) : observedT - observedC;
  const sorted = sortedCopy(effects.subarray(0, kept));
  if (sorted.length < 2) {
    warnings.push({ code: 'SL_STATS_EMPTY_ARM', message: 'fewer than 2 bootstrap replicates are defined' });
    return { ...NOTHING, effect, distribution: sorted, warnings };
  }
  const se = replicateStandardError(sorted);
  if (!(se > 0)) {
    warnings.push({
      code: 'SL_STATS_ZERO_VARIANCE',
      message: 'every bootstrap replicate is the same, so there is no interval or p-value',
    });
    return { ...NOTHING, effect, se: 0, distribution: sorted, warnings };
  }
  const alternative = options.alternative ?? 'two-sided';
  return {
    effect,
    se,
    ci: percentileInterval(sorted, options.alpha ?? 0.05, alternative),
    pValue: bootstrapPValue(sorted, 0, alternative),
    method: 'percentile',
    distribution: sorted,
    bca: null,
    warnings,
  };
}
