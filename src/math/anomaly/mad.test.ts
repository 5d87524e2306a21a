import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { createMadDetector } from './mad.ts';
import { normalBandZ } from './score.ts';
import { scoreSeries } from './score-series.ts';
import { flagged, gridTimes, noise } from './series.fixture.ts';
import { createZScoreDetector, zToT } from './zscore.ts';

const STEP = 15 * 60_000;
const times = (n: number) => gridTimes(n, STEP);

describe('createMadDetector', () => {
  it('scores a point by the hand-computed robust z: median 3, MAD 1, an outlier in the window ignored', () => {
    const d = createMadDetector({ stepMs: STEP, window: 5 });
    for (const x of [1, 2, 3, 4, 100]) expect(d.update(0, x).score).toBe(0);
    // |x − 3| = 2, 1, 0, 1, 97 → MAD 1; scale 1.4826·√(1 + π/10) = 1.6996; t = 7/1.6996 = 4.1186 with
    // 0.3675·4 = 1.47 degrees of freedom: score 0.101976. Five points are little evidence, so not flagged.
    const v = d.update(0, 10);
    const scale = 1.482602218505602 * Math.sqrt(1 + Math.PI / 10);
    expect(v.expected).toBe(3);
    expect(v.score).toBeCloseTo(0.10197604, 7);
    expect(v.flag).toBe(false);
    expect(v.upper).toBeCloseTo(3 + zToT(normalBandZ(), 0.3675 * 4) * scale, 12);
    expect(d.name).toBe('mad(window=5,learning=5)');
  });

  it('falls back to the sd when more than half the window is one value', () => {
    const d = createMadDetector({ stepMs: STEP, window: 8 });
    for (const x of [0, 0, 0, 0, 0, 1, 0, 3]) d.update(0, x);
    // median 0, MAD 0, sd √(8/7); scale √(8/7)·√(1 + π/16); t = 2/1.1693 = 1.7104 with 2.57 df.
    const v = d.update(0, 2);
    expect(v.score).toBeCloseTo(0.06972146, 7);
    expect(v.flag).toBe(false);
  });

  it('treats a flat window exactly: the same value scores 0, another 1', () => {
    const d = createMadDetector({ stepMs: STEP, window: 6 });
    for (let i = 0; i < 6; i++) d.update(0, 42);
    expect(d.update(0, 42)).toMatchObject({ score: 0, flag: false, expected: 42, lower: 42, upper: 42 });
    expect(d.update(0, 43).score).toBe(1);
  });

  it('learns one day of points by default, with score 0 and no expectation', () => {
    const d = createMadDetector({ stepMs: 3_600_000 });
    const r = scoreSeries(d, times(60), noise(60, 1));
    expect(d.name).toBe('mad(window=24,learning=24)');
    expect(Array.from(r.score.subarray(0, 24)).every((s) => s === 0)).toBe(true);
    expect(r.expected[23]).toBeNaN();
    expect(Number.isFinite(r.expected[24]!)).toBe(true);
  });

  it('flags every point of a burst of spikes, which a z-score partly masks', () => {
    const y = noise(600, 2);
    for (let i = 400; i < 406; i++) y[i] = 150; // 10 sigma, six in a row
    const mad = scoreSeries(createMadDetector({ stepMs: STEP }), times(600), y);
    const z = scoreSeries(createZScoreDetector({ stepMs: STEP }), times(600), y);
    expect(flagged(mad.flag)).toEqual([400, 401, 402, 403, 404, 405]);
    expect(flagged(z.flag).length).toBeLessThan(6);
  });

  it('flags a level shift until it fills half the window, then takes it as the new normal', () => {
    const y = noise(800, 3);
    for (let i = 400; i < 800; i++) y[i]! += 60;
    const r = scoreSeries(createMadDetector({ stepMs: STEP }), times(800), y);
    const f = flagged(r.flag);
    expect(f[0]).toBe(400);
    // The shifted points first widen the MAD (the window turns bimodal), then the median crosses to the
    // new level when 49 of the 96 points are shifted; no flag after that.
    expect(f.length).toBeGreaterThan(20);
    expect(f.every((i) => i <= 400 + 48)).toBe(true);
  });

  it('does not flag a slow drift', () => {
    const y = noise(3000, 4);
    for (let i = 0; i < 3000; i++) y[i]! += 0.02 * i;
    expect(flagged(scoreSeries(createMadDetector({ stepMs: STEP }), times(3000), y).flag)).toEqual([]);
  });

  it('skips missing points and irregular timestamps without NaN scores', () => {
    const rng = createRng(9);
    const y = noise(500, 5);
    const t = new Float64Array(500);
    let now = 0;
    for (let i = 0; i < 500; i++) {
      now += STEP * (0.5 + rng.next() * 3);
      t[i] = now;
      if (rng.bernoulli(0.1)) y[i] = Number.NaN;
    }
    const r = scoreSeries(createMadDetector({ stepMs: STEP }), t, y);
    for (let i = 0; i < 500; i++) {
      expect(Number.isNaN(r.score[i]!)).toBe(false);
      if (Number.isNaN(y[i]!)) expect(r.score[i]).toBe(0);
    }
  });
});
