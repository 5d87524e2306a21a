import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { createIqrDetector, IQR_PER_SIGMA, tukeyK } from './iqr.ts';
import { alphaFor, flagScore } from './score.ts';
import { scoreSeries } from './score-series.ts';
import { flagged, gridTimes, noise } from './series.fixture.ts';

const STEP = 15 * 60_000;
const times = (n: number) => gridTimes(n, STEP);

describe('tukeyK', () => {
  it('is 2.7745 at the default alpha 1e-5 (z = 4.41717, scipy norm.isf(5e-6)) for known quartiles', () => {
    expect(tukeyK()).toBeCloseTo(2.77445555, 6);
  });

  it('widens for quartiles of a finite window, less as the window grows', () => {
    expect(tukeyK(0.5, 96)).toBeGreaterThan(tukeyK(0.5, 1000));
    expect(tukeyK(0.5, 1000)).toBeGreaterThan(tukeyK());
    expect(tukeyK(0.5, 96)).toBeCloseTo(3.35, 2);
  });

  it("is Tukey's 1.5 at the sensitivity whose alpha is the normal tail beyond his fences (0.69766%)", () => {
    // Tukey's fences Q3 + 1.5·IQR sit at z = 0.6745 + 1.5·1.349 = 2.698: P(|Z| > 2.698) = 0.0069766.
    const s = 0.9739406708789516;
    expect(alphaFor(s)).toBeCloseTo(0.006976603, 8);
    expect(tukeyK(s)).toBeCloseTo(1.5, 6);
  });
});

describe('createIqrDetector', () => {
  it('judges a point by the hand-computed quartiles of 1..8: fences Q1 − k·IQR and Q3 + k·IQR', () => {
    const d = createIqrDetector({ stepMs: STEP, window: 8 });
    for (const x of [8, 1, 7, 2, 6, 3, 5, 4]) d.update(0, x);
    // Q1 = 2.75, Q3 = 6.25 (R type 7), IQR 3.5; scale 3.5/1.349·√(1 + 1.238/8) = 2.7881;
    // t = (20 − 4.5)/2.7881 = 5.5594 with 0.3675·7 = 2.57 df: score 0.172803.
    const v = d.update(0, 20);
    const k = tukeyK(0.5, 8);
    expect(v.expected).toBe(4.5);
    expect(v.lower).toBeCloseTo(2.75 - k * 3.5, 12);
    expect(v.upper).toBeCloseTo(6.25 + k * 3.5, 12);
    expect(v.score).toBeCloseTo(0.17280312, 7);
    expect(v.flag).toBe(false);
    expect(d.name).toBe(`iqr(window=8,k=${k.toFixed(2)},learning=8)`);
  });

  it('flags exactly the values beyond the fences', () => {
    const d = createIqrDetector({ stepMs: STEP, window: 8 });
    for (const x of [8, 1, 7, 2, 6, 3, 5, 4]) d.update(0, x);
    const fence = 6.25 + tukeyK(0.5, 8) * 3.5;
    const inside = d.update(0, fence - 1e-6);
    expect(inside.flag).toBe(false);
    expect(inside.score).toBeLessThan(flagScore());
    const d2 = createIqrDetector({ stepMs: STEP, window: 8 });
    for (const x of [8, 1, 7, 2, 6, 3, 5, 4]) d2.update(0, x);
    expect(d2.update(0, fence + 1e-6).flag).toBe(true);
  });

  it('estimates σ without bias on normal data: IQR / 1.349 ≈ 5', () => {
    const d = createIqrDetector({ stepMs: STEP, window: 1000 });
    const y = noise(20_000, 3);
    let v = d.update(0, y[0]!);
    for (let i = 1; i < y.length; i++) v = d.update(0, y[i]!);
    const sigma = (v.upper - v.expected) / (tukeyK(0.5, 1000) * IQR_PER_SIGMA + IQR_PER_SIGMA / 2);
    expect(sigma).toBeGreaterThan(4.6);
    expect(sigma).toBeLessThan(5.4);
  });

  it('learns for the window, then flags a spike and nothing else in seeded noise', () => {
    const y = noise(600, 2);
    y[400] = 160;
    const r = scoreSeries(createIqrDetector({ stepMs: STEP }), times(600), y);
    expect(Array.from(r.score.subarray(0, 96)).every((s) => s === 0)).toBe(true);
    expect(flagged(r.flag)).toEqual([400]);
  });

  it('flags a level shift, then takes it as the new normal once it passes the upper quartile', () => {
    const y = noise(800, 3);
    for (let i = 400; i < 800; i++) y[i]! += 60;
    const f = flagged(scoreSeries(createIqrDetector({ stepMs: STEP }), times(800), y).flag);
    expect(f[0]).toBe(400);
    expect(f.every((i) => i < 400 + 48)).toBe(true);
  });

  it('does not flag a slow drift', () => {
    const y = noise(3000, 4);
    for (let i = 0; i < 3000; i++) y[i]! += 0.02 * i;
    expect(flagged(scoreSeries(createIqrDetector({ stepMs: STEP }), times(3000), y).flag)).toEqual([]);
  });

  it('handles a mostly-zero count series: a 1 among 0s is not flagged, a 30 is, and no score is NaN', () => {
    const rng = createRng(8);
    const y = Float64Array.from({ length: 400 }, () => (rng.bernoulli(0.15) ? 1 : 0));
    y[300] = 30;
    y[350] = Number.NaN;
    const r = scoreSeries(createIqrDetector({ stepMs: STEP }), times(400), y);
    expect(flagged(r.flag)).toEqual([300]);
    expect(r.score[350]).toBe(0);
    expect(Array.from(r.score).some((s) => Number.isNaN(s))).toBe(false);
  });
});
