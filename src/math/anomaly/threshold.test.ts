import { describe, expect, it } from 'vitest';
import { scoreSeries } from './score-series.ts';
import { createThresholdDetector } from './threshold.ts';

const STEP = 60_000;

describe('createThresholdDetector', () => {
  it('scores 1 and flags strictly beyond a bound, 0 on or inside it, with the bounds as the band', () => {
    const d = createThresholdDetector({ stepMs: STEP, below: 0, above: 10 });
    expect(d.name).toBe('threshold(below=0,above=10)');
    const at = (x: number) => d.update(0, x);
    expect(at(5)).toEqual({ score: 0, flag: false, expected: Number.NaN, lower: 0, upper: 10 });
    expect(at(10)).toMatchObject({ score: 0, flag: false });
    expect(at(0)).toMatchObject({ score: 0, flag: false });
    expect(at(10.5)).toMatchObject({ score: 1, flag: true });
    expect(at(-0.1)).toMatchObject({ score: 1, flag: true });
    expect(at(Number.NaN)).toMatchObject({ score: 0, flag: false, lower: 0, upper: 10 });
  });

  it('flags regardless of sensitivity, even at 0 (alpha 1e-8)', () => {
    const d = createThresholdDetector({ stepMs: STEP, above: 1, sensitivity: 0 });
    expect(d.update(0, 2).flag).toBe(true);
  });

  it('leaves an absent bound open: the band is infinite on that side', () => {
    const d = createThresholdDetector({ stepMs: STEP, above: 100 });
    expect(d.name).toBe('threshold(above=100)');
    const v = d.update(0, -1e12);
    expect(v).toMatchObject({ score: 0, flag: false, lower: Number.NEGATIVE_INFINITY, upper: 100 });
  });

  it('passes over learningPoints finite values when asked to, and no others', () => {
    const d = createThresholdDetector({ stepMs: STEP, above: 1, learningPoints: 2 });
    const r = scoreSeries(d, Float64Array.from([0, 1, 2, 3]), Float64Array.from([5, Number.NaN, 5, 5]));
    expect(Array.from(r.flag)).toEqual([0, 0, 0, 1]);
  });

  it('rejects crossed bounds as a programming error', () => {
    expect(() => createThresholdDetector({ stepMs: STEP, above: 1, below: 2 })).toThrow(/below <= above/);
  });
});
