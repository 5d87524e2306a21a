import { describe, expect, it } from 'vitest';
import reference from '../../../../test/fixtures/forecast/arima.json' with { type: 'json' };
import { createRng } from '../../random.ts';
import { autoArima, selectArima } from './auto.ts';
import { arimaName } from './model.ts';

const series = reference.series as Record<string, { y: number[]; period: number }>;

describe('autoArima', () => {
  it.each(reference.auto.map((a) => [a.series, a] as const))(
    '%s: chooses the model forecast::auto.arima chooses, with its AICc',
    (name, expected) => {
      const s = series[name]!;
      const choice = selectArima(Float64Array.from(s.y), s.period);
      expect(choice.result).not.toBeNull();
      expect(arimaName(choice.result!)).toBe(expected.model);
      // The chosen model is refitted by CSS-ML: the same optimiser tolerance as fixed-order fits.
      expect(Math.abs(choice.result!.aicc - expected.aicc)).toBeLessThan(0.01);
    },
  );

  it('recovers the order of a simulated AR(1) and the structure of a drifting random walk', () => {
    const rng = createRng(31);
    const ar = new Float64Array(400);
    for (let t = 1; t < ar.length; t++) ar[t] = 0.7 * ar[t - 1]! + rng.normal();
    const fit = autoArima(ar, { horizon: 5, levels: [80, 95], seasonPeriods: [] });
    expect(fit.model).toMatch(/^ARIMA\(1,0,0\)/);
    expect(fit.params['ar1']).toBeCloseTo(0.7, 1);

    let level = 0;
    const walk = Float64Array.from({ length: 300 }, () => (level += 0.5 + rng.normal()));
    const drift = autoArima(walk, { horizon: 10, levels: [95], seasonPeriods: [] });
    expect(drift.model).toMatch(/,1,.*with drift$/);
    expect(drift.params['drift']).toBeGreaterThan(0.3);
    expect(drift.params['drift']).toBeLessThan(0.7);
  });

  it('takes a seasonal difference for an hourly daily pattern and forecasts the pattern', () => {
    const rng = createRng(32);
    const y = Float64Array.from(
      { length: 24 * 30 },
      (_, t) => 10 + 3 * Math.sin((2 * Math.PI * t) / 24) + 0.3 * rng.normal(),
    );
    const fit = autoArima(y, { horizon: 24, levels: [80, 95], seasonPeriods: [24] });
    expect(fit.model).toContain('[24]');
    for (let h = 0; h < 24; h++) {
      const truth = 10 + 3 * Math.sin((2 * Math.PI * (y.length + h)) / 24);
      expect(Math.abs(fit.mean[h]! - truth)).toBeLessThan(1);
    }
  });

  it('a constant series gives its value and a coded warning; a short one a finite forecast', () => {
    const constant = autoArima(new Float64Array(20).fill(7), {
      horizon: 3,
      levels: [95],
      seasonPeriods: [12],
    });
    expect(Array.from(constant.mean)).toEqual([7, 7, 7]);
    expect(constant.warnings.map((w) => w.code)).toContain('SL_FORECAST_CONSTANT_SERIES');
    const short = autoArima(Float64Array.from([3, 5, 4]), {
      horizon: 4,
      levels: [80, 95],
      seasonPeriods: [12],
    });
    for (const v of short.mean) expect(Number.isFinite(v)).toBe(true);
    for (const i of short.intervals)
      for (const v of [...i.lower, ...i.upper]) expect(Number.isFinite(v)).toBe(true);
  });
});
