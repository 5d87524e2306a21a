import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSightlineError } from '../../src/errors/index.ts';
import { causalImpact } from '../../src/math/causal/causal-impact.ts';
import { checkCausalPeriods } from '../../src/math/causal/period.ts';

const dataDir = path.resolve(import.meta.dirname, '../../../shared/data/causal');

function readCsv(name: string): Record<string, Float64Array> {
  const [header, ...rows] = readFileSync(path.join(dataDir, name), 'utf8').trim().split(/\r?\n/);
  const columns = header!.split(',');
  const out: Record<string, Float64Array> = {};
  columns.forEach((c, i) => {
    out[c] = Float64Array.from(rows, (r) => Number(r.split(',')[i]));
  });
  return out;
}

// R's summaries (R_summary_arma.txt, R_summary_comparison.txt): average absolute effect, its 95% interval, p.
const R = {
  arma: { effect: 0.89, interval: [0.27, 1.5], p: 0.00301, actualSum: 3637 },
  comparison: { effect: -657, interval: [-2076, 832], p: 0.20061, actualSum: 1414340 },
};

describe('causal impact agrees with R CausalImpact on the reference data', () => {
  it('arma_data (true effect +1 from row 71): significant, positive, our estimate inside R interval', () => {
    const d = readCsv('arma_data.csv');
    const r = causalImpact({ y: d['y']!, controls: [d['X']!], pre: [0, 69], post: [70, 99] });
    expect(Math.round(r.cumulative.actual)).toBe(R.arma.actualSum); // the same post-period as R
    expect(r.significant).toBe(true);
    expect(r.p).toBeLessThan(0.05);
    expect(r.average.absoluteEffect.value).toBeGreaterThan(R.arma.interval[0]!);
    expect(r.average.absoluteEffect.value).toBeLessThan(R.arma.interval[1]!);
    expect(r.average.absoluteEffect.interval[0]).toBeGreaterThan(0);
    expect(r.average.absoluteEffect.interval[0]).toBeLessThan(1);
    expect(r.report).toContain('statistically significant');
  });

  it('comparison_data (no effect): not significant, our estimate inside R interval', () => {
    const d = readCsv('comparison_data.csv');
    const n = d['CHANGED']!.length;
    const r = causalImpact({
      y: d['CHANGED']!,
      controls: [d['NOT_CHANGED_1']!, d['NOT_CHANGED_2']!, d['NOT_CHANGED_3']!],
      pre: [0, n - 19],
      post: [n - 18, n - 1],
    });
    expect(Math.round(r.cumulative.actual)).toBe(R.comparison.actualSum);
    expect(r.significant).toBe(false);
    const [lo, hi] = r.average.absoluteEffect.interval;
    expect(lo).toBeLessThan(0);
    expect(hi).toBeGreaterThan(0);
    expect(r.average.absoluteEffect.value).toBeGreaterThan(R.comparison.interval[0]!);
    expect(r.average.absoluteEffect.value).toBeLessThan(R.comparison.interval[1]!);
    expect(r.report).toContain('not statistically significant');
  });

  it('vignette series (true effect +10 per point from t = 71): +10 lies inside our interval', () => {
    const d = readCsv('vignette_simulated_seed1.csv');
    const r = causalImpact({ y: d['y']!, controls: [d['x1']!], pre: [0, 69], post: [70, 99] });
    const [lo, hi] = r.average.absoluteEffect.interval;
    expect(lo).toBeLessThan(10);
    expect(hi).toBeGreaterThan(10);
    expect(r.cumulative.absoluteEffect.interval[0]).toBeLessThan(300);
    expect(r.cumulative.absoluteEffect.interval[1]).toBeGreaterThan(300);
    expect(r.model.coefficients[0]!).toBeCloseTo(1.2, 0); // the vignette's y = 1.2 x1 + noise
  });

  it('without controls, a local level alone estimates the vignette effect with a wider interval', () => {
    const d = readCsv('vignette_simulated_seed1.csv');
    const r = causalImpact({ y: d['y']!, pre: [0, 69], post: [70, 99] });
    // Measured: 8.9 (−1.3 to 19.1); the random walk's forecast spreads over 30 steps.
    expect(r.average.absoluteEffect.value).toBeGreaterThan(5);
    expect(r.average.absoluteEffect.interval[0]).toBeLessThan(10);
    expect(r.average.absoluteEffect.interval[1]).toBeGreaterThan(10);
    // Without the control the counterfactual is a random walk's forecast: wider than with it.
    const withControl = causalImpact({ y: d['y']!, controls: [d['x1']!], pre: [0, 69], post: [70, 99] });
    expect(r.average.absoluteEffect.sd).toBeGreaterThan(withControl.average.absoluteEffect.sd);
  });

  it('skips NaN in the pre-period: the estimate barely moves', () => {
    const d = readCsv('arma_data.csv');
    const y = d['y']!.slice();
    for (const t of [5, 20, 21, 50]) y[t] = Number.NaN;
    const full = causalImpact({ y: d['y']!, controls: [d['X']!], pre: [0, 69], post: [70, 99] });
    const gappy = causalImpact({ y, controls: [d['X']!], pre: [0, 69], post: [70, 99] });
    expect(Number.isFinite(gappy.average.absoluteEffect.value)).toBe(true);
    expect(Math.abs(gappy.average.absoluteEffect.value - full.average.absoluteEffect.value)).toBeLessThan(
      0.2,
    );
    expect(gappy.significant).toBe(true);
  });

  it('pointwise and cumulative pieces add up', () => {
    const d = readCsv('arma_data.csv');
    const r = causalImpact({ y: d['y']!, controls: [d['X']!], pre: [0, 69], post: [70, 99] });
    let sum = 0;
    for (const e of r.effect) sum += e;
    expect(r.cumulativeEffect[r.cumulativeEffect.length - 1]!).toBeCloseTo(sum, 8);
    expect(r.cumulative.absoluteEffect.value).toBeCloseTo(sum, 8);
    expect(r.average.absoluteEffect.value).toBeCloseTo(sum / 30, 8);
    expect(r.probabilityOfEffect).toBeCloseTo(1 - r.p, 12);
  });
});

describe('causal impact periods', () => {
  it('reports overlapping, empty and out-of-range periods as SL_CAUSAL_PERIOD_INVALID', () => {
    expect(checkCausalPeriods(100, [0, 70], [70, 99]).problems.map((p) => p.code)).toEqual([
      'SL_CAUSAL_PERIOD_INVALID',
    ]);
    expect(checkCausalPeriods(100, [0, 69], [70, 100]).problems).toHaveLength(1);
    expect(checkCausalPeriods(100, [10, 5], [70, 99]).problems).toHaveLength(1);
    expect(checkCausalPeriods(100, [-1, 69], [70, 99]).problems).toHaveLength(1);
    expect(checkCausalPeriods(100, [0, 69], [70, 99])).toEqual({ problems: [], warnings: [] });
  });

  it('warns SL_CAUSAL_SHORT_PRE_PERIOD for a pre-period shorter than the post-period', () => {
    expect(checkCausalPeriods(100, [60, 69], [70, 99]).warnings.map((w) => w.code)).toEqual([
      'SL_CAUSAL_SHORT_PRE_PERIOD',
    ]);
  });

  it('causalImpact refuses invalid periods with the coded error', () => {
    const y = new Float64Array(50).fill(1);
    let caught: unknown;
    try {
      causalImpact({ y, pre: [0, 30], post: [20, 49] });
    } catch (e) {
      caught = e;
    }
    expect(isSightlineError(caught) && caught.code).toBe('SL_CAUSAL_PERIOD_INVALID');
  });
});
