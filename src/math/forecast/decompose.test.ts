import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { autocorrelation, classicalDecomposition, seasonalityTest } from './decompose.ts';

describe('classical decomposition', () => {
  it('recovers an additive season on a linear trend exactly (odd period)', () => {
    const season = [3, -1, -4, 2, 0];
    const y = Float64Array.from({ length: 30 }, (_, t) => 10 + 0.5 * t + season[t % 5]!);
    const result = classicalDecomposition(y, 5, 'additive');
    for (let i = 0; i < 5; i++) expect(result.figure[i]).toBeCloseTo(season[i]!, 12);
    expect(result.trend[2]).toBeCloseTo(11, 12);
    expect(Number.isNaN(result.trend[1]!)).toBe(true);
  });

  it('recovers a multiplicative season on a flat level exactly (even period, the 2×m average)', () => {
    const season = [0.5, 1.5, 1.2, 0.8];
    const y = Float64Array.from({ length: 24 }, (_, t) => 40 * season[t % 4]!);
    const result = classicalDecomposition(y, 4, 'multiplicative');
    for (let i = 0; i < 4; i++) expect(result.figure[i]).toBeCloseTo(season[i]!, 12);
  });

  it('leaves a series shorter than two cycles without a season', () => {
    const result = classicalDecomposition(Float64Array.from([1, 2, 3, 4, 5]), 4);
    expect(Array.from(result.seasonal)).toEqual([1, 1, 1, 1, 1]);
  });
});

describe('the M4 seasonality test', () => {
  it('finds a clear season and not white noise', () => {
    const rng = createRng(3);
    const seasonal = Float64Array.from(
      { length: 72 },
      (_, t) => 100 + 10 * Math.sin((2 * Math.PI * t) / 12) + rng.normal(),
    );
    const noise = Float64Array.from({ length: 72 }, () => 100 + rng.normal());
    expect(seasonalityTest(seasonal, 12)).toBe(true);
    expect(seasonalityTest(noise, 12)).toBe(false);
  });

  it('needs three cycles (M4) or more than two (thetaf)', () => {
    const y = Float64Array.from({ length: 30 }, (_, t) => [1, 1, 1, 9, 1, 1, 1, 1, 1, 1][t % 10]!);
    expect(seasonalityTest(y, 10)).toBe(true);
    expect(seasonalityTest(y.subarray(0, 29), 10)).toBe(false);
    expect(seasonalityTest(y.subarray(0, 21), 10, { minCycles: 2, strict: true })).toBe(true);
    expect(seasonalityTest(y.subarray(0, 20), 10, { minCycles: 2, strict: true })).toBe(false);
  });

  it('the autocorrelation is R’s biased estimator (a hand-computed case)', () => {
    // y = 1, 2, 3, 4: mean 2.5, deviations −1.5, −0.5, 0.5, 1.5; lag 1: (0.75 − 0.25 + 0.75)/5 = 0.25.
    expect(autocorrelation([1, 2, 3, 4], 1)).toBeCloseTo(0.25, 14);
  });
});
