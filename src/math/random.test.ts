import { describe, expect, it } from 'vitest';
import { createRng, createRngFromState, logGamma, type Rng } from './random.ts';

const N = 100_000;

function moments(rng: Rng, draw: (r: Rng) => number, n = N): { mean: number; variance: number } {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = draw(rng);
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  return { mean, variance: (sumSq - n * mean * mean) / (n - 1) };
}

describe('createRng', () => {
  it('matches the xoshiro128** reference outputs for the state {1, 2, 3, 4}', () => {
    // Values from the reference C algorithm (prng.di.unimi.it/xoshiro128starstar.c), recomputed with an
    // independent Python transcription.
    const rng = createRngFromState(1, 2, 3, 4);
    expect(Array.from({ length: 6 }, () => rng.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492,
    ]);
  });

  it('seeds through splitmix32: seed 42 gives pinned first outputs', () => {
    // splitmix32(42) gives the state [939911724, 3948730756, 321366731, 3317318717] (Python transcription).
    const rng = createRng(42);
    expect(Array.from({ length: 5 }, () => rng.nextUint32())).toEqual([
      2837322924, 544945897, 479756282, 3500138142, 339756180,
    ]);
    expect(createRng(42).next()).toBe(2837322924 / 2 ** 32);
  });

  it('is deterministic for a seed and differs between seeds, including seeds above 32 bits', () => {
    const a = createRng(7);
    const b = createRng(7);
    const seqA = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(seqA);
    expect(createRng(8).next()).not.toBe(createRng(7).next());
    expect(createRng(2 ** 32 + 7).next()).not.toBe(createRng(7).next());
    expect(createRng(-1).next()).not.toBe(createRng(2 ** 32 - 1).next());
  });

  it('rejects seeds that are not safe integers and the all-zero state', () => {
    expect(() => createRng(1.5)).toThrow(RangeError);
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
    expect(() => createRngFromState(0, 0, 0, 0)).toThrow(RangeError);
  });

  it('fork gives a stream independent of the parent', () => {
    const parent = createRng(1);
    const child = parent.fork();
    const xs = Array.from({ length: 50 }, () => parent.next());
    const ys = Array.from({ length: 50 }, () => child.next());
    expect(xs).not.toEqual(ys);
  });
});

describe('distributions (moments over 100k draws, tolerance about 5 standard errors)', () => {
  it('next is uniform on [0, 1): mean 1/2, variance 1/12', () => {
    const rng = createRng(1);
    let min = 1;
    let max = 0;
    const m = moments(rng, (r) => {
      const x = r.next();
      min = Math.min(min, x);
      max = Math.max(max, x);
      return x;
    });
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(m.mean).toBeCloseTo(0.5, 2);
    expect(Math.abs(m.variance - 1 / 12)).toBeLessThan(0.002);
  });

  it('int covers [lo, hi] inclusively and evenly', () => {
    const rng = createRng(2);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(1, 6) - 1]! += 1;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(() => rng.int(3, 2)).toThrow(RangeError);
  });

  it('normal has mean 0 and variance 1', () => {
    const m = moments(createRng(3), (r) => r.normal());
    expect(Math.abs(m.mean)).toBeLessThan(0.016);
    expect(Math.abs(m.variance - 1)).toBeLessThan(0.025);
  });

  it('lognormal(0, 0.5) has mean exp(1/8) and variance (e^(1/4) - 1) e^(1/4)', () => {
    const m = moments(createRng(4), (r) => r.lognormal(0, 0.5));
    expect(Math.abs(m.mean - Math.exp(0.125))).toBeLessThan(0.01);
    expect(Math.abs(m.variance - (Math.exp(0.25) - 1) * Math.exp(0.25))).toBeLessThan(0.02);
  });

  it.each([0.5, 3, 9.5, 10, 50, 1000])('poisson(%s) has mean and variance lambda', (lambda) => {
    const m = moments(createRng(5 + Math.round(lambda * 10)), (r) => r.poisson(lambda));
    const se = Math.sqrt(lambda / N);
    expect(Math.abs(m.mean - lambda)).toBeLessThan(5 * se);
    expect(Math.abs(m.variance / lambda - 1)).toBeLessThan(0.025);
  });

  it('poisson(20) matches the probability mass function (chi-square over 10..30)', () => {
    const rng = createRng(11);
    const lambda = 20;
    const counts = new Map<number, number>();
    for (let i = 0; i < N; i++) {
      const k = rng.poisson(lambda);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    let chi2 = 0;
    for (let k = 10; k <= 30; k++) {
      const expected = N * Math.exp(-lambda + k * Math.log(lambda) - logGamma(k + 1));
      chi2 += ((counts.get(k) ?? 0) - expected) ** 2 / expected;
    }
    // 21 cells: the 0.999 quantile of chi-square with 21 degrees of freedom is 46.8.
    expect(chi2).toBeLessThan(46.8);
  });

  it('poisson(0) is 0 and a negative lambda throws', () => {
    expect(createRng(1).poisson(0)).toBe(0);
    expect(() => createRng(1).poisson(-1)).toThrow(RangeError);
  });

  it('bernoulli(0.3) is true 30% of the time; 0 and 1 are never and always', () => {
    const rng = createRng(6);
    const m = moments(rng, (r) => (r.bernoulli(0.3) ? 1 : 0));
    expect(Math.abs(m.mean - 0.3)).toBeLessThan(0.008);
    expect(Array.from({ length: 1000 }, () => rng.bernoulli(0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 1000 }, () => rng.bernoulli(1)).every(Boolean)).toBe(true);
  });

  it('pick and weighted choose in proportion', () => {
    const rng = createRng(7);
    const items = ['a', 'b', 'c'] as const;
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < N; i++) counts[rng.weighted(items, [1, 2, 7])]! += 1;
    expect(Math.abs(counts['a']! / N - 0.1)).toBeLessThan(0.005);
    expect(Math.abs(counts['b']! / N - 0.2)).toBeLessThan(0.007);
    expect(Math.abs(counts['c']! / N - 0.7)).toBeLessThan(0.008);
    const picked = new Set(Array.from({ length: 200 }, () => rng.pick(items)));
    expect(picked).toEqual(new Set(items));
    expect(() => rng.pick([])).toThrow(RangeError);
    expect(() => rng.weighted(['x'], [0])).toThrow(RangeError);
    expect(rng.weightedIndex([0, 0, 5, 0])).toBe(2);
  });
});

describe('logGamma', () => {
  it('matches reference values (scipy.special.gammaln)', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5723649429247001, 12);
    expect(logGamma(10)).toBeCloseTo(12.801827480081469, 11);
    expect(logGamma(171.5)).toBeCloseTo(709.1431630309283, 8);
  });
});
