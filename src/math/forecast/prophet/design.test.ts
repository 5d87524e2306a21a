import { describe, expect, it } from 'vitest';
import { buildDesign, defaultFourierOrder, regressorScaling } from './design.ts';

describe("Fourier orders follow Prophet's defaults by what the period is", () => {
  it.each([
    [7, 3, 'weekly on daily data'],
    [168, 3, 'weekly on hourly data'],
    [24, 4, 'daily on hourly data'],
    [48, 4, 'daily on half-hourly data'],
    [365, 10, 'yearly on daily data'],
    [52, 10, 'yearly on weekly data'],
    [12, 6, 'yearly on monthly data, capped at period / 2'],
    [2, 1, 'the shortest period'],
  ])('period %i gets order %i (%s)', (period, order) => {
    expect(defaultFourierOrder(period)).toBe(order);
  });
});

describe('the design', () => {
  const options = {
    changepoints: 25,
    changepointRange: 0.8,
    changepointPriorScale: 0.05,
    seasonalityPriorScale: 10,
    regressorPriorScale: 10,
  };

  it('leaves out the sine that is zero at every step when 2k equals the period', () => {
    const design = buildDesign(40, [{ period: 4, order: 2 }], [], options);
    const names = design.names.filter((n) => n.startsWith('season'));
    expect(names).toEqual(['season4_sin1', 'season4_cos1', 'season4_cos2']);
  });

  it("standardises a continuous regressor and keeps a 0/1 one as it is (Prophet's 'auto')", () => {
    expect(regressorScaling(Float64Array.from([0, 1, 1, 0]))).toEqual({ mean: 0, std: 1 });
    const s = regressorScaling(Float64Array.from([1, 2, 3, 4]));
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(5 / 3), 15);
  });

  it('puts the ramps at zero before each changepoint and rising by (t - s) after', () => {
    const n = 11;
    const design = buildDesign(n, [], [], { ...options, changepoints: 2 });
    // Grid over the first 8 points: indices 4 and 7 (linspace(0, 7, 3) rounded half to even).
    expect(Array.from(design.changepointIndex)).toEqual([4, 7]);
    const column = (c: number) => Array.from({ length: n }, (_, r) => design.x[r * design.p + c]!);
    expect(column(2).map((v) => +v.toFixed(12))).toEqual([0, 0, 0, 0, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    expect(column(3).map((v) => +v.toFixed(12))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0.1, 0.2, 0.3]);
  });
});
