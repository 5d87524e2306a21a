import { describe, expect, it } from 'vitest';
import { flagScore, normalBandZ } from './score.ts';
import { scoreSeries } from './score-series.ts';
import { flagged, gridTimes, noise } from './series.fixture.ts';
import { createZScoreDetector, tToZ, zToT, zVerdict } from './zscore.ts';

const STEP = 15 * 60_000;
const times = (n: number) => gridTimes(n, STEP);

describe('createZScoreDetector', () => {
  it('scores a point by the hand-computed prediction t of the window before it', () => {
    const d = createZScoreDetector({ stepMs: STEP, window: 4 });
    for (const x of [1, 2, 3, 4]) expect(d.update(0, x).score).toBe(0);
    // mean 2.5, sample sd √(5/3); prediction scale sd·√(1 + 1/4) = √(25/12); t = 7.5/√(25/12) = 3√3
    // with 3 degrees of freedom: Wallace's normal equivalent 2.43357, score 0.182534 (scipy's exact
    // t tail gives 0.185865).
    const scale = Math.sqrt(25 / 12);
    const v = d.update(0, 10);
    expect(v.expected).toBe(2.5);
    expect(tToZ(3 * Math.sqrt(3), 3)).toBeCloseTo(2.43357489, 7);
    expect(v.score).toBeCloseTo(0.18253431, 7);
    expect(v.flag).toBe(false);
    expect(v.upper).toBeCloseTo(2.5 + zToT(normalBandZ(), 3) * scale, 12);
    expect(v.lower).toBeCloseTo(2.5 - zToT(normalBandZ(), 3) * scale, 12);
    expect(d.name).toBe('zscore(window=4,learning=4)');
  });

  it('learns for one day of points by default (96 at 15 minutes): score 0 and no expectation', () => {
    const d = createZScoreDetector({ stepMs: STEP });
    const r = scoreSeries(d, times(200), noise(200, 1));
    expect(d.name).toBe('zscore(window=96,learning=96)');
    for (let i = 0; i < 96; i++) {
      expect(r.score[i]).toBe(0);
      expect(r.expected[i]).toBeNaN();
    }
    expect(Number.isFinite(r.expected[96]!)).toBe(true);
  });

  it('flags a spike at the default sensitivity and nothing else in seeded noise', () => {
    const y = noise(600, 2);
    y[400] = 160; // 12 sigma
    const r = scoreSeries(createZScoreDetector({ stepMs: STEP }), times(600), y);
    expect(flagged(r.flag)).toEqual([400]);
    expect(r.upper[400]).toBeLessThan(160);
  });

  it('flags a level shift, then takes it as the new normal within one window', () => {
    const y = noise(800, 3);
    for (let i = 400; i < 800; i++) y[i]! += 60;
    const r = scoreSeries(createZScoreDetector({ stepMs: STEP }), times(800), y);
    const f = flagged(r.flag);
    expect(f[0]).toBe(400);
    expect(f.every((i) => i < 400 + 96)).toBe(true);
    expect(r.expected[799]).toBeGreaterThan(150);
  });

  it('does not flag a slow drift: the window follows it with a lag of half a window', () => {
    // 0.004 sd per point (12 sd over the series): the mean lags by 48 points, 0.2 sd, well inside the
    // 4.4-sd band. A drift that lags by a whole sd would raise the false-flag rate about 60-fold.
    const y = noise(3000, 4);
    for (let i = 0; i < 3000; i++) y[i]! += 0.02 * i;
    const r = scoreSeries(createZScoreDetector({ stepMs: STEP }), times(3000), y);
    expect(flagged(r.flag)).toEqual([]);
  });

  it('does flag a daily dip that repeats, because it knows no season', () => {
    // The contrast with the seasonal detector's test of the same series: a z-score cannot learn a shape.
    const y = noise(96 * 10, 5);
    for (let i = 0; i < y.length; i++) if (i % 96 >= 40 && i % 96 < 44) y[i]! -= 60;
    const r = scoreSeries(createZScoreDetector({ stepMs: STEP, window: 32 }), times(y.length), y);
    expect(flagged(r.flag).length).toBeGreaterThan(5);
  });

  it('treats a flat history exactly: the same value scores 0, any other value 1, and nothing is NaN', () => {
    const d = createZScoreDetector({ stepMs: STEP, window: 10 });
    for (let i = 0; i < 10; i++) d.update(i, 5);
    const same = d.update(10, 5);
    expect(same).toMatchObject({ score: 0, flag: false, expected: 5, lower: 5, upper: 5 });
    const other = d.update(11, 5.000001);
    expect(other.score).toBe(1);
    expect(other.flag).toBe(true);
  });

  it('skips missing points: score 0 with the current expectation, and the rest judged as if they were absent', () => {
    const y = noise(400, 6);
    const withGaps = Float64Array.from(y);
    const keep: number[] = [];
    for (let i = 0; i < 400; i++) {
      if (i % 7 === 3) withGaps[i] = Number.NaN;
      else keep.push(i);
    }
    const a = scoreSeries(createZScoreDetector({ stepMs: STEP }), times(400), withGaps);
    const b = scoreSeries(
      createZScoreDetector({ stepMs: STEP }),
      Float64Array.from(keep, (i) => i * STEP),
      Float64Array.from(keep, (i) => y[i]!),
    );
    keep.forEach((i, k) => {
      expect(a.score[i]).toBe(b.score[k]);
    });
    for (let i = 0; i < 400; i++) expect(Number.isNaN(a.score[i]!)).toBe(false);
    expect(withGaps[304]).toBeNaN();
    expect(a.score[304]).toBe(0);
    expect(Number.isFinite(a.expected[304]!)).toBe(true);
  });

  it('flags more at a higher sensitivity', () => {
    const y = noise(2000, 7);
    const low = scoreSeries(createZScoreDetector({ stepMs: STEP, sensitivity: 0.5 }), times(2000), y);
    const high = scoreSeries(createZScoreDetector({ stepMs: STEP, sensitivity: 1 }), times(2000), y);
    expect(flagged(high.flag).length).toBeGreaterThan(flagged(low.flag).length);
  });
});

describe('tToZ', () => {
  it("gives the normal deviate of Student's t tail within Wallace's accuracy (scipy references)", () => {
    // scipy: norm.isf(t.sf(t, ν)); −log10 of the two-sided p is what the score scales.
    expect(tToZ(6, 10)).toBeCloseTo(3.82249369, 1);
    expect(Math.abs(tToZ(6, 10) - 3.82249369)).toBeLessThan(0.015);
    expect(Math.abs(tToZ(5, 35) - 4.31386041)).toBeLessThan(0.002);
    expect(Math.abs(tToZ(4.5, 95) - 4.27337597)).toBeLessThan(0.0005);
    expect(Math.abs(tToZ(8, 95) - 6.9772334)).toBeLessThan(0.001);
    expect(tToZ(-8, 95)).toBe(-tToZ(8, 95));
    expect(tToZ(3, Number.POSITIVE_INFINITY)).toBe(3);
  });

  it('is inverted by zToT', () => {
    for (const df of [2, 10, 95])
      for (const t of [0.5, 3, 12]) expect(zToT(tToZ(t, df), df)).toBeCloseTo(t, 10);
  });
});

describe('zVerdict', () => {
  it('flags exactly the values outside its band, for a known and an estimated scale', () => {
    const zb = normalBandZ();
    const fa = flagScore();
    for (const df of [Number.POSITIVE_INFINITY, 20]) {
      const half = 2 * zToT(zb, df);
      expect(zVerdict(10 + half * 1.001, 10, 2, df, zb, fa).flag).toBe(true);
      expect(zVerdict(10 + half * 0.999, 10, 2, df, zb, fa).flag).toBe(false);
      expect(zVerdict(10 - half * 1.001, 10, 2, df, zb, fa).flag).toBe(true);
      expect(zVerdict(10, 10, 2, df, zb, fa).upper).toBeCloseTo(10 + half, 12);
    }
    const missing = zVerdict(Number.NaN, 10, 2, Number.POSITIVE_INFINITY, zb, fa);
    expect(missing).toMatchObject({ score: 0, flag: false, expected: 10 });
    expect(missing.upper).toBeCloseTo(10 + 2 * zb, 12);
  });
});
