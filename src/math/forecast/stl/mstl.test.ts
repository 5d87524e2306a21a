import { describe, expect, it } from 'vitest';
import reference from '../../../../test/fixtures/forecast/stl.json' with { type: 'json' };
import { createRng } from '../../random.ts';
import { mstl } from './mstl.ts';

function maxAbsDiff(actual: Float64Array, expected: readonly number[]): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst;
}

// Deterministic arithmetic on both sides (R's Fortran STL, our port): differences are rounding only.
// The series is in the tens of thousands, so 1e-6 absolute is about 1e-11 relative.
describe("mstl agrees with R's forecast::mstl", () => {
  it('on 1,000 hours of NAB nyc_taxi with periods 24 and 168 (R defaults: s.window 11 and 15, iterate 2)', () => {
    const c = reference.mstl;
    const result = mstl(Float64Array.from(c.y), [168, 24]);
    expect(result.periods).toEqual([24, 168]);
    expect(maxAbsDiff(result.trend, c.trend)).toBeLessThan(1e-6);
    expect(maxAbsDiff(result.seasonals[0]!, c.seasonal24)).toBeLessThan(1e-6);
    expect(maxAbsDiff(result.seasonals[1]!, c.seasonal168)).toBeLessThan(1e-6);
    expect(maxAbsDiff(result.remainder, c.remainder)).toBeLessThan(1e-6);
  });

  it('drops a period with fewer than two full cycles, as R does (300 hours: 168 dropped)', () => {
    const c = reference.mstlShort;
    const result = mstl(Float64Array.from(c.y), [24, 168]);
    expect(result.periods).toEqual([24]);
    expect(result.dropped).toEqual([168]);
    expect(maxAbsDiff(result.trend, c.trend)).toBeLessThan(1e-6);
    expect(maxAbsDiff(result.seasonals[0]!, c.seasonal24)).toBeLessThan(1e-6);
    expect(maxAbsDiff(result.remainder, c.remainder)).toBeLessThan(1e-6);
  });
});

describe('mstl on series of known structure', () => {
  it('separates a daily and a weekly pattern planted in hourly noise', () => {
    const rng = createRng(11);
    const n = 24 * 7 * 6;
    const daily = (t: number) => 10 * Math.sin((2 * Math.PI * t) / 24) + 4 * Math.cos((4 * Math.PI * t) / 24);
    const weekly = (t: number) => 8 * Math.sin((2 * Math.PI * t) / 168);
    const y = new Float64Array(n);
    for (let t = 0; t < n; t++) y[t] = 100 + 0.01 * t + daily(t) + weekly(t) + 0.5 * rng.normal();
    const result = mstl(y, [24, 168]);
    // Away from the ends, where loess extrapolates, each component tracks its truth to within noise.
    let worstDaily = 0;
    let worstWeekly = 0;
    for (let t = 168; t < n - 168; t++) {
      worstDaily = Math.max(worstDaily, Math.abs(result.seasonals[0]![t]! - daily(t)));
      worstWeekly = Math.max(worstWeekly, Math.abs(result.seasonals[1]![t]! - weekly(t)));
    }
    expect(worstDaily).toBeLessThan(1.5);
    expect(worstWeekly).toBeLessThan(1.5);
    for (let t = 0; t < n; t++) {
      const sum =
        result.trend[t]! + result.seasonals[0]![t]! + result.seasonals[1]![t]! + result.remainder[t]!;
      expect(sum).toBeCloseTo(y[t]!, 9);
    }
  });
});
