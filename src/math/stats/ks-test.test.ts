import { describe, expect, it } from 'vitest';
import reference from '../../../test/fixtures/scipy/classical.json' with { type: 'json' };
import { expectClose } from '../../../test/helpers/expect-close.ts';
import { createRng } from '../random.ts';
import { kolmogorovSf, ksTwoSidedSf } from './kolmogorov.ts';
import { ksTest, ksTestUniform, uniformCdf } from './ks-test.ts';

describe('the distribution of D_n agrees with scipy.stats.kstwo.sf in every region of its method choice', () => {
  it.each(reference.kstwo.map((c) => [c.n, c.d, c.sf]))('n = %d, d = %d', (n, d, sf) => {
    expectClose(ksTwoSidedSf(n, d), sf);
  });

  it.each(reference.kolmogorov.map((c) => [c.x, c.sf]))(
    'the limit P(K > %d) (scipy.special.kolmogorov)',
    (x, sf) => {
      expectClose(kolmogorovSf(x), sf);
    },
  );

  it('has the exact small cases: P(D_1 ≥ d) = 2(1 − d) for d ≥ 1/2, and the edges', () => {
    expectClose(ksTwoSidedSf(1, 0.7), 0.6, 1e-15);
    expect(ksTwoSidedSf(5, 0)).toBe(1);
    expect(ksTwoSidedSf(5, 1)).toBe(0);
    expect(ksTwoSidedSf(5, 0.1)).toBe(1); // d ≤ 1/(2n): every sample has D_n ≥ d
  });
});

describe('the KS test of p-values against Uniform(0, 1) agrees with scipy.stats.kstest(x, "uniform")', () => {
  const samples = reference.ks.map((c) => {
    if ('values' in c) return { label: `${c.n} given values`, values: c.values as number[], expected: c };
    const rng = createRng(c.seed!);
    const values = Array.from({ length: c.n }, () => rng.next() ** c.power!);
    return { label: `n = ${c.n}, u^${c.power} from Rng(${c.seed})`, values, expected: c };
  });

  it.each(samples.map((s) => [s.label, s]))('%s', (_label, { values, expected }) => {
    const exact = ksTestUniform(values);
    expect(exact.n).toBe(values.length);
    expect(exact.statistic).toBe(expected.statistic);
    expectClose(exact.pValue, expected.pValue);
    if ('pValueAsymptotic' in expected) {
      const asymptotic = ksTestUniform(values, { method: 'asymptotic' });
      expect(asymptotic.statistic).toBe(expected.statistic);
      expectClose(asymptotic.pValue, expected.pValueAsymptotic!);
    }
  });

  it('takes any continuous distribution function, and clamps the uniform outside [0, 1]', () => {
    const values = [-0.5, 0.2, 0.5, 1.5];
    expect(ksTest(values, uniformCdf).statistic).toBe(ksTestUniform(values).statistic);
    // Exponential(1) data tested against its own CDF are not rejected; against the uniform they are.
    const rng = createRng(9);
    const exponential = Array.from({ length: 400 }, () => -Math.log(1 - rng.next()));
    expect(ksTest(exponential, (x) => (x <= 0 ? 0 : 1 - Math.exp(-x))).pValue).toBeGreaterThan(0.01);
    expect(ksTestUniform(exponential).pValue).toBeLessThan(1e-10);
  });

  it('no values: a coded warning; a NaN: a RangeError', () => {
    const empty = ksTestUniform([]);
    expect(empty).toMatchObject({ n: 0, statistic: null, pValue: null });
    expect(empty.warnings.map((w) => w.code)).toEqual(['SL_STATS_EMPTY_ARM']);
    expect(() => ksTestUniform([0.2, Number.NaN])).toThrow(RangeError);
  });
});

describe('simulation: the KS p-value is calibrated', () => {
  // 20,000 seeded samples of 60 uniforms: the exact test rejects at most 5% of them, and close to 5%
  // (D_n is discrete, so slightly under). Bounds [0.044, 0.056], ±3.9 standard errors.
  it('rejects about 5% of uniform samples at 0.05 (n = 60)', () => {
    const rng = createRng(606);
    const draws = 20_000;
    const sample = new Float64Array(60);
    let rejected = 0;
    for (let d = 0; d < draws; d++) {
      for (let i = 0; i < sample.length; i++) sample[i] = rng.next();
      if (ksTestUniform(sample).pValue! < 0.05) rejected++;
    }
    expect(rejected / draws).toBeGreaterThanOrEqual(0.044);
    expect(rejected / draws).toBeLessThanOrEqual(0.056);
  });
});
