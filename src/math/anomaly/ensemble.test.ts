import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { createEnsembleDetector } from './ensemble.ts';
import { createMadDetector } from './mad.ts';
import { flagScore } from './score.ts';
import { scoreSeries } from './score-series.ts';
import { flagged, gridTimes } from './series.fixture.ts';
import type { StreamingDetector, Verdict } from './types.ts';

const STEP = 60 * 60_000;
const times = (n: number) => gridTimes(n, STEP);

/** A member that returns a fixed verdict, to check the combination rule by hand. */
const fixed = (v: Verdict) => (): StreamingDetector => ({ name: 'fixed', update: () => v });

/** Hourly noise (σ 5) around 100 with a dip of 40 (8σ) at 03:00 every day. */
function dailyDip(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, (_, i) => 100 + (i % 24 === 3 ? -40 : 0) + 5 * rng.normal());
}

describe('createEnsembleDetector', () => {
  it('takes the second-highest score, the second-narrowest band on each side and the median expectation', () => {
    const f = flagScore();
    const d = createEnsembleDetector({
      stepMs: STEP,
      members: [
        fixed({ score: 0.9, flag: true, expected: 10, lower: 8, upper: 12 }),
        fixed({ score: 0.6, flag: true, expected: 11, lower: 5, upper: 13 }),
        fixed({ score: 0.1, flag: false, expected: 30, lower: 7, upper: 40 }),
      ],
    });
    const v = d.update(0, 20);
    expect(v).toEqual({ score: 0.6, flag: 0.6 >= f, expected: 11, lower: 7, upper: 13 });
    expect(v.flag).toBe(true);
    // With agree = 1 it is the most alarmed member and the narrowest band.
    const any = createEnsembleDetector({
      stepMs: STEP,
      agree: 1,
      members: [
        fixed({ score: 0.2, flag: false, expected: 1, lower: 0, upper: 2 }),
        fixed({ score: 0.7, flag: true, expected: 3, lower: -1, upper: 5 }),
      ],
    });
    expect(any.update(0, 9)).toEqual({ score: 0.7, flag: true, expected: 3, lower: 0, upper: 2 });
  });

  it('has no band while fewer than `agree` members have one', () => {
    const none: Verdict = {
      score: 0,
      flag: false,
      expected: Number.NaN,
      lower: Number.NaN,
      upper: Number.NaN,
    };
    const d = createEnsembleDetector({
      stepMs: STEP,
      members: [fixed(none), fixed({ score: 0.9, flag: true, expected: 1, lower: 0, upper: 2 })],
    });
    const v = d.update(0, 5);
    expect(v.score).toBe(0);
    expect(v.flag).toBe(false);
    expect(v.lower).toBeNaN();
    expect(v.upper).toBeNaN();
  });

  it('leaves alone a daily dip that the rolling MAD rule alone flags, and flags a spike', () => {
    const y = dailyDip(24 * 40, 1);
    y[24 * 30 + 12] = y[24 * 30 + 12]! + 60;
    const mad = flagged(scoreSeries(createMadDetector({ stepMs: STEP }), times(y.length), y).flag);
    expect(mad.filter((i) => i % 24 === 3).length).toBeGreaterThan(5);
    const d = createEnsembleDetector({ stepMs: STEP, seasonPeriods: [24, 168] });
    const r = scoreSeries(d, times(y.length), y);
    expect(flagged(r.flag)).toEqual([24 * 30 + 12]);
    for (let i = 0; i < y.length; i++) expect(Number.isFinite(r.score[i]!)).toBe(true);
  });

  it('without a season uses MAD, z-score and CUSUM: a spike and a shift flagged, a drift not', () => {
    const rng = createRng(2);
    const n = 3000;
    const y = Float64Array.from({ length: n }, (_, i) => 100 + 5 * rng.normal() + i * 0.005);
    y[1000] = y[1000]! + 60;
    // 12σ: an 8σ shift is flagged by each member at a different point (z-score first, CUSUM next,
    // MAD two points later), so two never agree on one point; see the README.
    for (let i = 2000; i < n; i++) y[i] = y[i]! + 60;
    const d = createEnsembleDetector({ stepMs: STEP });
    expect(d.name).toMatch(/^ensemble\(agree=2: mad\(.*\), zscore\(.*\), cusum\(.*\)\)$/);
    const f = flagged(scoreSeries(d, times(n), y).flag);
    expect(f[0]).toBe(1000);
    expect(f).toContain(2000);
    expect(f.filter((i) => i > 2000 + 48)).toEqual([]);
    expect(f.filter((i) => i !== 1000 && i < 2000)).toEqual([]);
  });
});
