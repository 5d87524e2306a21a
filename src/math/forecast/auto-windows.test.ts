import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { candidatesFor } from './registry.ts';
import { selectAndForecast } from './select.ts';
import type { ForecastOptions } from './types.ts';

/** The bench's two-year daily series (bench/forecast.bench.ts): drifting level, weekly and yearly waves. */
function daily(): Float64Array {
  const rng = createRng(7);
  let level = 1000;
  return Float64Array.from({ length: 730 }, (_, t) => {
    level += 0.5 + rng.normal() * 5;
    return (
      level * (1 + 0.15 * Math.sin((2 * Math.PI * t) / 7) + 0.1 * Math.sin((2 * Math.PI * t) / 365.25)) +
      rng.normal() * 20
    );
  });
}

describe('auto with structures reused in the backtest windows', () => {
  it('ranks the candidates of the two-year daily series as the per-window search does, and forecasts the same', () => {
    const y = daily();
    const options: ForecastOptions = { horizon: 30, levels: [80, 95], seasonPeriods: [7], seed: 1 };
    const candidates = candidatesFor([7]);
    const reused = selectAndForecast(y, options, candidates, { windows: 3 });
    const searched = selectAndForecast(y, options, candidates, { windows: 3, windowRefit: 'search' });
    expect(reused.chosen).toEqual(['ets']);
    expect(reused.scores.map((s) => s.name)).toEqual(searched.scores.map((s) => s.name));
    for (const [i, s] of reused.scores.entries()) {
      const other = searched.scores[i]!;
      // Measured: within 1e-4 relative (each window’s own search picks the form reused here).
      expect(Math.abs(s.mase! - other.mase!)).toBeLessThan(1e-3 * other.mase!);
      expect(s.model).toBe(other.model);
    }
    // The forecast is the chosen model's fit to the whole history either way.
    expect(reused.forecast.model).toBe(searched.forecast.model);
    expect(reused.forecast.mean).toEqual(searched.forecast.mean);
    expect(reused.forecast.intervals).toEqual(searched.forecast.intervals);
  });
});
