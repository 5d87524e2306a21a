/**
 * A seeded pseudo-random number generator and the handful of distributions the demo and the simulation
 * tests need. Pure: the only state is the generator's, the only input is the seed.
 *
 * The core is xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
 * 2018; reference code at prng.di.unimi.it), 32-bit throughout so every step stays in int32 arithmetic.
 * Its 128-bit state is filled by splitmix32 (the 32-bit variant of Steele, Lea & Flood's SplitMix with
 * the murmur3 finaliser constants), as Vigna recommends, so that nearby seeds give unrelated streams.
 */

export interface Rng {
  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** A uniform double in [0, 1), with 32 bits of resolution. */
  next(): number;
  /** A uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number;
  /** A standard normal deviate (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number;
  /** exp(mu + sigma * Z): its mean is exp(mu + sigma^2 / 2), its median exp(mu). */
  lognormal(mu: number, sigma: number): number;
  /** A Poisson deviate: Knuth's product method below lambda 10, Hörmann's PTRS at and above. */
  poisson(lambda: number): number;
  /** True with probability p (p <= 0 is never, p >= 1 is always). */
  bernoulli(p: number): boolean;
  /** One element chosen uniformly. Throws on an empty array. */
  pick<T>(items: readonly T[]): T;
  /** The index of a weight chosen with probability proportional to it (weights >= 0, sum > 0). */
  weightedIndex(weights: ArrayLike<number>): number;
  /** One item chosen with probability proportional to its weight. */
  weighted<T>(items: readonly T[], weights: ArrayLike<number>): T;
  /** A new generator whose stream is independent of this one's, derived from its next outputs. */
  fork(): Rng;
}

const TWO_POW_32 = 4294967296;

/** splitmix32 step: returns the next state and its scrambled output. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [next, z >>> 0];
}

/**
 * A generator for a seed. Any safe integer works: the high and low 32 bits both enter the state, so
 * seeds that differ only above bit 32 still give different streams.
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed))
    throw new RangeError(`createRng: the seed must be a safe integer, got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  let sm = lo ^ Math.imul(hi, 0x27d4eb2d);
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [state, out] = splitmix32(sm);
    sm = state;
    words.push(out);
  }
  return createRngFromState(words[0]!, words[1]!, words[2]!, words[3]!);
}

/** A generator started from an explicit xoshiro128** state (for reference vectors; not all zero). */
export function createRngFromState(s0: number, s1: number, s2: number, s3: number): Rng {
  if ((s0 | s1 | s2 | s3) === 0) throw new RangeError('xoshiro128**: the all-zero state is a fixed point');
  let a = s0 | 0;
  let b = s1 | 0;
  let c = s2 | 0;
  let d = s3 | 0;
  let spare = 0;
  let hasSpare = false;

  const nextUint32 = (): number => {
    // xoshiro128**: result = rotl(s1 * 5, 7) * 9
    const x = Math.imul(b, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = (d << 11) | (d >>> 21);
    return result;
  };

  const next = (): number => nextUint32() / TWO_POW_32;

  const normal = (): number => {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    // 1 - next() lies in (0, 1], so the logarithm is finite.
    const u = 1 - next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * v;
    spare = r * Math.sin(theta);
    hasSpare = true;
    return r * Math.cos(theta);
  };

  const weightedIndex = (weights: ArrayLike<number>): number => {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]!;
    if (!(total > 0)) throw new RangeError('weightedIndex: the weights must sum to a positive number');
    let target = next() * total;
    for (let i = 0; i < weights.length; i++) {
      target -= weights[i]!;
      if (target < 0) return i;
    }
    // Rounding can leave target at a hair above zero: the last positive weight takes it.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
    throw new RangeError('weightedIndex: no positive weight');
  };

  const rng: Rng = {
    nextUint32,
    next,
    int(lo, hi) {
      if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
        throw new RangeError(`int: need integers lo <= hi, got ${lo}, ${hi}`);
      }
      return lo + Math.floor(next() * (hi - lo + 1));
    },
    normal,
    lognormal(mu, sigma) {
      return Math.exp(mu + sigma * normal());
    },
    poisson(lambda) {
      if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`poisson: bad lambda ${lambda}`);
      if (lambda === 0) return 0;
      if (lambda < 10) return poissonKnuth(next, lambda);
      return poissonPtrs(next, lambda);
    },
    bernoulli(p) {
      return next() < p;
    },
    pick(items) {
      if (items.length === 0) throw new RangeError('pick: empty array');
      return items[Math.floor(next() * items.length)]!;
    },
    weightedIndex,
    weighted(items, weights) {
      if (items.length !== weights.length)
        throw new RangeError('weighted: items and weights differ in length');
      return items[weightedIndex(weights)]!;
    },
    fork() {
      return createRngFromState(nextUint32(), nextUint32(), nextUint32(), nextUint32() | 1);
    },
  };
  return rng;
}

/** Knuth (TAOCP vol. 2, 3.4.1): multiply uniforms until the product falls below e^-lambda. */
function poissonKnuth(next: () => number, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let product = next();
  while (product > limit) {
    k++;
    product *= next();
  }
  return k;
}

/**
 * PTRS, the transformed rejection sampler with squeeze of W. Hörmann, "The transformed rejection method
 * for generating Poisson random variables", Insurance: Mathematics and Economics 12 (1993) 39-45; the
 * constants are the paper's (numpy's `random_poisson_ptrs` uses the same). Valid for lambda >= 10.
 */
function poissonPtrs(next: () => number, lambda: number): number {
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = next() - 0.5;
    const v = next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (
      Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
      -lambda + k * loglam - logGamma(k + 1)
    ) {
      return k;
    }
  }
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0, by the Lanczos approximation with g = 7, n = 9 (relative error below 1e-13). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
