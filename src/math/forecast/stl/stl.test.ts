import { describe, expect, it } from 'vitest';
import reference from '../../../../test/fixtures/forecast/stl.json' with { type: 'json' };
import statsmodels from '../../../../test/fixtures/forecast/stl-statsmodels.json' with { type: 'json' };
import { createRng } from '../../random.ts';
import { stl } from './stl.ts';

/** Largest absolute difference, the measure the fixtures are compared by. */
function maxAbsDiff(actual: Float64Array, expected: readonly number[]): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst;
}

// Both references run the same deterministic arithmetic (no optimiser), so the only differences are
// floating-point summation order: 1e-9 of the series' scale is a wide margin (measured: 5e-11 or less).
describe("stl agrees with R's stats::stl", () => {
  it.each(reference.stl.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const args = (Array.isArray(c.args) ? {} : c.args) as Record<string, number>;
    const y = Float64Array.from(c.y);
    const result = stl(y, {
      period: c.period,
      seasonalWindow: c.sWindow as number | 'periodic',
      robust: c.robust,
      ...(args['t.window'] === undefined ? {} : { trendWindow: args['t.window'] }),
      ...(args['s.jump'] === undefined ? {} : { seasonalJump: args['s.jump'] }),
      ...(args['t.jump'] === undefined ? {} : { trendJump: args['t.jump'] }),
      ...(args['l.jump'] === undefined ? {} : { lowPassJump: args['l.jump'] }),
    });
    const scale = Math.max(...c.y.map(Math.abs));
    expect(maxAbsDiff(result.seasonal, c.seasonal)).toBeLessThan(1e-9 * scale);
    expect(maxAbsDiff(result.trend, c.trend)).toBeLessThan(1e-9 * scale);
    expect(maxAbsDiff(result.remainder, c.remainder)).toBeLessThan(1e-9 * scale);
    expect(maxAbsDiff(result.weights, c.weights)).toBeLessThan(1e-9);
  });
});

describe("stl agrees with statsmodels' STL", () => {
  it("with R's settings, robust, on an even-length series (where R's median differs)", () => {
    const c = statsmodels.cases[0]!;
    const result = stl(Float64Array.from(c.y), {
      period: 12,
      seasonalWindow: 13,
      trendWindow: 21,
      lowPassWindow: 13,
      seasonalJump: 2,
      trendJump: 3,
      lowPassJump: 2,
      inner: 1,
      outer: 15,
    });
    expect(maxAbsDiff(result.seasonal, c.seasonal)).toBeLessThan(1e-9);
    expect(maxAbsDiff(result.trend, c.trend)).toBeLessThan(1e-9);
    expect(maxAbsDiff(result.weights, c.weights)).toBeLessThan(1e-9);
  });

  it("with statsmodels' defaults spelled out (seasonal degree 1, jumps 1, low-pass nextodd(period + 1))", () => {
    const c = statsmodels.cases[1]!;
    const result = stl(Float64Array.from(c.y), {
      period: 12,
      seasonalWindow: 7,
      seasonalDegree: 1,
      trendWindow: 23,
      lowPassWindow: 13,
      seasonalJump: 1,
      trendJump: 1,
      lowPassJump: 1,
      robust: true,
      inner: 2,
      outer: 15,
    });
    expect(maxAbsDiff(result.seasonal, c.seasonal)).toBeLessThan(1e-9);
    expect(maxAbsDiff(result.trend, c.trend)).toBeLessThan(1e-9);
    expect(maxAbsDiff(result.remainder, c.remainder)).toBeLessThan(1e-9);
  });
});

describe('stl on series of known structure', () => {
  it('splits a linear trend plus a fixed season into exactly those parts once the inner loop converges', () => {
    const pattern = [3, -1, 4, -1, -5, 9, -2, -6, 5, -3, 5, -8];
    const n = 120;
    const y = new Float64Array(n);
    for (let t = 0; t < n; t++) y[t] = 10 + 0.5 * t + pattern[t % 12]!;
    // R's two inner passes leave 0.28 of the first pass's trend in the season (measured); the inner
    // loop is a fixed-point iteration, and 20 passes reach the exact split to rounding.
    const converged = stl(y, { period: 12, seasonalWindow: 'periodic', inner: 20 });
    for (let t = 0; t < n; t++) {
      expect(converged.seasonal[t]).toBeCloseTo(pattern[t % 12]!, 9);
      expect(converged.trend[t]).toBeCloseTo(10 + 0.5 * t, 9);
    }
    const twoPasses = stl(y, { period: 12, seasonalWindow: 'periodic' });
    for (let t = 0; t < n; t++) expect(Math.abs(twoPasses.seasonal[t]! - pattern[t % 12]!)).toBeLessThan(0.3);
  });

  it('robust weights single out an outlier and keep it out of the trend and season', () => {
    const rng = createRng(7);
    const n = 96;
    const y = new Float64Array(n);
    for (let t = 0; t < n; t++) y[t] = 50 + 0.2 * t + 5 * Math.sin((2 * Math.PI * t) / 12) + rng.normal();
    y[40] = y[40]! + 60;
    const plain = stl(y, { period: 12, seasonalWindow: 7 });
    const robust = stl(y, { period: 12, seasonalWindow: 7, robust: true });
    expect(robust.weights[40]).toBe(0);
    const sorted = Array.from(robust.weights).sort((a, b) => a - b);
    expect(sorted[n / 2]).toBeGreaterThan(0.8);
    // The outlier ends up in the remainder: robust trend + season at t=40 stay near the clean value.
    const clean = 50 + 0.2 * 40 + 5 * Math.sin((2 * Math.PI * 40) / 12);
    expect(Math.abs(robust.trend[40]! + robust.seasonal[40]! - clean)).toBeLessThan(2);
    expect(Math.abs(plain.trend[40]! + plain.seasonal[40]! - clean)).toBeGreaterThan(
      Math.abs(robust.trend[40]! + robust.seasonal[40]! - clean),
    );
  });

  it('refuses a series of two periods or less, as R does (a caller error, not data)', () => {
    expect(() => stl(new Float64Array(24), { period: 12, seasonalWindow: 7 })).toThrow(RangeError);
  });
});
