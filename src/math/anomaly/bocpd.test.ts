import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { createBocpdDetector } from './bocpd.ts';
import { normalBandZ, scoreFromP, twoSidedNormalP } from './score.ts';
import { scoreSeries } from './score-series.ts';
import { flagged, gridTimes, noise } from './series.fixture.ts';
import { tToZ, zToT } from './zscore.ts';

const STEP = 15 * 60_000;
const times = (n: number) => gridTimes(n, STEP);

describe('createBocpdDetector', () => {
  it('judges by the hand-computed Normal-Gamma predictive of the run that holds every point', () => {
    // A hazard of 1e-12 leaves the run from the first point the most probable. Prior from the learning
    // points 1..5: μ0 = median 3, β0 = (1.4826·MAD)² = 1.4826²; after the five points κ = 5.01, α = 3.5,
    // mean 3 = μ0 so β = β0 + ½·Σ(x − 3)² = β0 + 5; scale² = β(κ + 1)/(ακ) → scale 1.570701; df 7.
    const d = createBocpdDetector({ stepMs: STEP, learningPoints: 5, hazard: 1e-12 });
    for (const x of [1, 2, 3, 4, 5]) expect(d.update(0, x).score).toBe(0);
    const v = d.update(0, 9);
    const scale = 1.5707011818419947;
    expect(v.expected).toBeCloseTo(3, 12);
    expect(v.score).toBeCloseTo(scoreFromP(twoSidedNormalP(tToZ(6 / scale, 7))), 9);
    expect(v.upper).toBeCloseTo(3 + zToT(normalBandZ(), 7) * scale, 9);
    expect(v.lower).toBeCloseTo(3 - zToT(normalBandZ(), 7) * scale, 9);
    expect(d.name).toBe('bocpd(hazard=1/1000000000000,runs=200,learning=5)');
  });

  it('scores 0 with no expectation during the 30 learning points (cold start)', () => {
    const r = scoreSeries(createBocpdDetector({ stepMs: STEP }), times(60), noise(60, 1));
    for (let i = 0; i < 30; i++) {
      expect(r.score[i]).toBe(0);
      expect(r.expected[i]).toBeNaN();
    }
    expect(r.expected[30]).not.toBeNaN();
  });

  it('flags a spike, and recovers within a few points', () => {
    const y = noise(2000, 2);
    y[1000] = 100 + 12 * 5;
    const r = scoreSeries(createBocpdDetector({ stepMs: STEP }), times(2000), y);
    expect(flagged(r.flag)).toEqual([1000]);
  });

  it('detects a 5σ mean change within 3 points (the expectation moves to the new mean), without flags after', () => {
    const y = noise(2000, 3);
    for (let i = 1000; i < 2000; i++) y[i] = y[i]! + 25;
    const r = scoreSeries(createBocpdDetector({ stepMs: STEP }), times(2000), y);
    expect(r.expected[999]).toBeLessThan(102);
    const moved = [...r.expected.keys()].find((i) => i >= 1000 && r.expected[i]! > 115);
    expect(moved).toBeLessThanOrEqual(1003);
    // Its first points were 4.1σ and 3.6σ above the old mean: inside the 1e-5 band, so not flagged.
    expect(flagged(r.flag)).toEqual([]);
  });

  it('flags the first point of an 8σ mean change, and not the new level after it', () => {
    const y = noise(2000, 3);
    for (let i = 1000; i < 2000; i++) y[i] = y[i]! + 40;
    const f = flagged(scoreSeries(createBocpdDetector({ stepMs: STEP }), times(2000), y).flag);
    expect(f[0]).toBe(1000);
    expect(f.filter((i) => i > 1003)).toEqual([]);
  });

  it('does not flag a slow drift, which new runs absorb', () => {
    const y = noise(5000, 4);
    for (let i = 0; i < 5000; i++) y[i] = y[i]! + i * 0.01;
    expect(flagged(scoreSeries(createBocpdDetector({ stepMs: STEP }), times(5000), y).flag)).toEqual([]);
  });

  it('gives finite scores through missing points and irregular timestamps', () => {
    const rng = createRng(5);
    const n = 1500;
    const y = noise(n, 5);
    const t = Float64Array.from({ length: n }, (_, i) => i * STEP + Math.round(rng.next() * STEP * 0.4));
    for (let i = 0; i < n; i += 5) y[i] = Number.NaN;
    const r = scoreSeries(createBocpdDetector({ stepMs: STEP }), t, y);
    for (let i = 0; i < n; i++) expect(Number.isFinite(r.score[i]!)).toBe(true);
    for (let i = 0; i < n; i += 5) expect(r.score[i]).toBe(0);
  });
});
