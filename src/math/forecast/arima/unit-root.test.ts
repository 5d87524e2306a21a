import { describe, expect, it } from 'vitest';
import reference from '../../../../test/fixtures/forecast/arima.json' with { type: 'json' };
import { expectClose } from '../../../../test/helpers/expect-close.ts';
import { createRng } from '../../random.ts';
import { isConstant, kpssStatistic, ndiffs, nsdiffs, seasonalStrength } from './unit-root.ts';

const series = reference.series as Record<string, { y: number[]; period: number }>;

describe('unit-root tests', () => {
  it.each(reference.kpss.map((k) => [k.series, k.statistic] as const))(
    'KPSS statistic of %s equals urca::ur.kpss (type mu, lag trunc(3 sqrt(n)/13))',
    (name, statistic) => {
      expectClose(kpssStatistic(series[name]!.y), statistic, 1e-10);
    },
  );

  it.each(reference.auto.map((a) => [a.series, a] as const))(
    'ndiffs and nsdiffs of %s agree with forecast::ndiffs / nsdiffs',
    (name, expected) => {
      const s = series[name]!;
      const y = Float64Array.from(s.y);
      expect(ndiffs(y)).toBe(expected.ndiffs);
      expect(s.period > 1 ? nsdiffs(y, s.period) : 0).toBe(expected.nsdiffs);
    },
  );

  it('a random walk needs one difference and white noise none', () => {
    const rng = createRng(11);
    const noise = Float64Array.from({ length: 300 }, () => rng.normal());
    let level = 0;
    const walk = Float64Array.from(noise, (e) => (level += e));
    expect(ndiffs(noise)).toBe(0);
    expect(ndiffs(walk)).toBe(1);
  });

  it('a pure season has strength near 1 and noise near 0', () => {
    const rng = createRng(12);
    const season = Float64Array.from(
      { length: 240 },
      (_, t) => 5 * Math.sin((2 * Math.PI * t) / 12) + 0.1 * rng.normal(),
    );
    const noise = Float64Array.from({ length: 240 }, () => rng.normal());
    expect(seasonalStrength(season, 12)).toBeGreaterThan(0.99);
    expect(seasonalStrength(noise, 12)).toBeLessThan(0.3);
    expect(nsdiffs(season, 12)).toBe(1);
    expect(nsdiffs(noise, 12)).toBe(0);
  });

  it('a constant series needs no differences', () => {
    const y = new Float64Array(50).fill(3);
    expect(isConstant(y)).toBe(true);
    expect(ndiffs(y)).toBe(0);
    expect(nsdiffs(y, 12)).toBe(0);
  });
});
