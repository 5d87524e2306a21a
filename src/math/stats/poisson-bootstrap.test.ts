import { describe, expect, it } from 'vitest';
import reference from '../../../test/fixtures/scipy/resampling.json' with { type: 'json' };
import { createRng, createRngFromState, type Rng } from '../random.ts';
import { chiSquareSf } from './distributions.ts';
import { momentsOf } from './moments.ts';
import {
  POISSON_ONE_MAX,
  POISSON_ONE_THRESHOLDS,
  PoissonBootstrapStream,
  poissonBootstrap,
  poissonBootstrapRatio,
  poissonOneFromUint32,
} from './poisson-bootstrap.ts';
import { compareRatio, ratioSumsOf } from './ratio.ts';

const TWO_POW_32 = 4294967296;

/** The definition: the least k with u < T(k). */
function byScan(u: number): number {
  let k = 0;
  while (u >= POISSON_ONE_THRESHOLDS[k]!) k++;
  return k;
}

describe('the Poisson(1) sampler inverts the exact distribution from one uint32', () => {
  it('each probability is scipy’s Poisson(1) pmf to within 2^-32 (the tail from 12 lumped into 12)', () => {
    const pmf = reference.poissonOnePmf;
    for (let k = 0; k <= POISSON_ONE_MAX; k++) {
      const table =
        (POISSON_ONE_THRESHOLDS[k]! - (k === 0 ? 0 : POISSON_ONE_THRESHOLDS[k - 1]!)) / TWO_POW_32;
      const exact =
        k < POISSON_ONE_MAX ? pmf[k]! : 1 - pmf.slice(0, POISSON_ONE_MAX).reduce((a, b) => a + b, 0);
      expect(Math.abs(table - exact)).toBeLessThanOrEqual(2 ** -32);
    }
  });

  it('the 4,096-entry table agrees with the threshold scan at every bucket edge and threshold', () => {
    const probes: number[] = [];
    for (let b = 0; b <= 4096; b++) probes.push(b * 2 ** 20, b * 2 ** 20 - 1);
    for (const t of POISSON_ONE_THRESHOLDS) probes.push(t - 1, t, t + 1);
    const rng = createRng(1);
    for (let i = 0; i < 100_000; i++) probes.push(rng.nextUint32());
    const wrong = probes.filter((u) => u >= 0 && u < TWO_POW_32 && poissonOneFromUint32(u) !== byScan(u));
    expect(wrong).toEqual([]);
  });

  it('a million draws pass a chi-square test against the exact probabilities', () => {
    const rng = createRng(2024);
    const counts = new Array<number>(7).fill(0);
    const draws = 1_000_000;
    for (let i = 0; i < draws; i++) counts[Math.min(6, poissonOneFromUint32(rng.nextUint32()))]!++;
    const pmf = reference.poissonOnePmf;
    const expected = [...pmf.slice(0, 6), 1 - pmf.slice(0, 6).reduce((a, b) => a + b, 0)].map(
      (p) => p * draws,
    );
    const chi = counts.reduce((s, c, k) => s + (c - expected[k]!) ** 2 / expected[k]!, 0);
    expect(chiSquareSf(chi, 6)).toBeGreaterThan(0.001);
  });
});

/** Each replicate's generator: four words of createRng(seed) per replicate, in order. */
function replicateGenerators(seed: number, replicates: number): Rng[] {
  const master = createRng(seed);
  return Array.from({ length: replicates }, () => {
    const [a, b, c, d] = [master.nextUint32(), master.nextUint32(), master.nextUint32(), master.nextUint32()];
    return createRngFromState(a, b, c, d);
  });
}

describe('PoissonBootstrapStream', () => {
  const rng = createRng(9);
  const values = Float64Array.from({ length: 1000 }, () => rng.lognormal(0, 1));

  it('gives each unit the weight of its replicate’s xoshiro128** stream, in unit order', () => {
    const stream = new PoissonBootstrapStream(50, 123).push(values);
    const generators = replicateGenerators(123, 50);
    for (let r = 0; r < 50; r++) {
      let w = 0;
      let x = 0;
      for (let i = 0; i < values.length; i++) {
        const weight = poissonOneFromUint32(generators[r]!.nextUint32());
        w += weight;
        x += weight * values[i]!;
      }
      expect(stream.weights[r]).toBe(w);
      expect(stream.numerators[r]).toBe(x);
    }
  });

  it('gives the same weights however the units are chunked (sums equal up to rounding)', () => {
    const whole = new PoissonBootstrapStream(40, 5).push(values);
    const chunked = new PoissonBootstrapStream(40, 5)
      .push(values.subarray(0, 333))
      .push(values.subarray(333, 334))
      .push(values.subarray(334));
    expect(chunked.units).toBe(1000);
    expect(Array.from(chunked.weights)).toEqual(Array.from(whole.weights));
    for (let r = 0; r < 40; r++) expect(chunked.numerators[r]).toBeCloseTo(whole.numerators[r]!, 9);
  });

  it('refuses a ratio stream fed one column, or a mean stream fed two', () => {
    expect(() => new PoissonBootstrapStream(2, 1, 'ratio').push(values)).toThrow(RangeError);
    expect(() => new PoissonBootstrapStream(2, 1).push(values, values)).toThrow(RangeError);
  });
});

describe('poissonBootstrap', () => {
  const rng = createRng(21);
  const control = Float64Array.from({ length: 5000 }, () => rng.lognormal(0, 1));
  const treatment = Float64Array.from({ length: 4000 }, () => rng.lognormal(0, 1) + 0.1);

  it('is reproducible from its seed', () => {
    const a = poissonBootstrap(control, treatment, { seed: 3, replicates: 100 });
    const b = poissonBootstrap(control, treatment, { seed: 3, replicates: 100 });
    expect(Array.from(a.distribution)).toEqual(Array.from(b.distribution));
  });

  it('its standard error matches the analytic one within Monte Carlo error', () => {
    const result = poissonBootstrap(control, treatment, { seed: 3, replicates: 4000 });
    const c = momentsOf(control);
    const t = momentsOf(treatment);
    const analytic = Math.sqrt(c.variance / c.n + t.variance / t.n);
    // 1/√(2B) ≈ 1.1% Monte Carlo error on a standard deviation.
    expect(Math.abs(result.se! / analytic - 1)).toBeLessThan(0.04);
    expect(result.effect).toBeCloseTo(t.mean - c.mean, 12);
    expect(result.ci![0]).toBeLessThan(result.effect!);
    expect(result.ci![1]).toBeGreaterThan(result.effect!);
  });

  it('the ratio version’s standard error matches the delta method’s', () => {
    const arm = (n: number, p: number) => {
      const views = Float64Array.from({ length: n }, () => 1 + rng.poisson(4));
      const clicks = Float64Array.from(views, (v) => {
        let k = 0;
        for (let i = 0; i < v; i++) if (rng.bernoulli(p)) k++;
        return k;
      });
      return { numerator: clicks, denominator: views };
    };
    const c = arm(4000, 0.3);
    const t = arm(4000, 0.32);
    const boot = poissonBootstrapRatio(c, t, { seed: 8, replicates: 4000 });
    const delta = compareRatio(ratioSumsOf(c), ratioSumsOf(t), { reference: 'normal' });
    expect(boot.effect).toBeCloseTo(delta.effect!, 12);
    expect(Math.abs(boot.se! / delta.se! - 1)).toBeLessThan(0.04);
    const relative = poissonBootstrapRatio(c, t, { seed: 8, replicates: 500, difference: 'relative' });
    expect(relative.effect).toBeCloseTo(delta.effect! / delta.controlRatio!, 12);
  });

  it('degenerate input gives coded warnings, never NaN', () => {
    const one = poissonBootstrap(Float64Array.of(1), treatment, { seed: 1, replicates: 10 });
    expect(one.warnings.map((w) => w.code)).toEqual(['SL_STATS_EMPTY_ARM']);
    const zero = Float64Array.of(0, 0, 0);
    const noViews = poissonBootstrapRatio(
      { numerator: zero, denominator: zero },
      { numerator: zero, denominator: Float64Array.of(1, 1, 1) },
      { seed: 1, replicates: 10 },
    );
    expect(noViews.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_DENOMINATOR']);
    const baseline = poissonBootstrap(Float64Array.of(-1, 1), treatment, {
      seed: 1,
      replicates: 10,
      difference: 'relative',
    });
    expect(baseline.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_BASELINE']);
    const constant = poissonBootstrap(Float64Array.of(2, 2, 2, 2), Float64Array.of(3, 3, 3), {
      seed: 1,
      replicates: 50,
    });
    expect(constant).toMatchObject({ effect: 1, se: 0, ci: null, pValue: null });
    expect(constant.warnings.map((w) => w.code)).toContain('SL_STATS_ZERO_VARIANCE');
  });

  it('replicates with no weight at all are left out and counted', () => {
    // With 2 units an arm has zero total weight with probability e^-2 ≈ 13.5%.
    const result = poissonBootstrap(Float64Array.of(1, 2), Float64Array.of(3, 5), {
      seed: 4,
      replicates: 1000,
    });
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_UNDEFINED_REPLICATES']);
    expect(result.distribution.every((v) => Number.isFinite(v))).toBe(true);
  });
});
