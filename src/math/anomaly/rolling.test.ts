import { describe, expect, it } from 'vitest';
import { createRng } from '../random.ts';
import { defaultWindow, RollingQuantiles, RollingStats, sortedQuantile } from './rolling.ts';

/** Naive references over a plain array. */
function naiveQuantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return lo + 1 < s.length ? s[lo]! + (h - lo) * (s[lo + 1]! - s[lo]!) : s[lo]!;
}
function naiveMad(values: number[]): number {
  const med = naiveQuantile(values, 0.5);
  return naiveQuantile(
    values.map((v) => Math.abs(v - med)),
    0.5,
  );
}

describe('defaultWindow', () => {
  it('is one day of points for sub-daily steps, clamped to [24, 1440], and 28 for daily and coarser', () => {
    expect(defaultWindow(15 * 60_000)).toBe(96);
    expect(defaultWindow(3_600_000)).toBe(24);
    expect(defaultWindow(5 * 60_000)).toBe(288);
    expect(defaultWindow(60_000)).toBe(1440);
    expect(defaultWindow(1000)).toBe(1440);
    expect(defaultWindow(4 * 3_600_000)).toBe(24);
    expect(defaultWindow(86_400_000)).toBe(28);
    expect(defaultWindow(7 * 86_400_000)).toBe(28);
  });
});

describe('RollingStats', () => {
  it('gives the hand-computed mean and sample variance of the last w values', () => {
    const s = new RollingStats(4);
    for (const x of [10, 1, 2, 3, 4]) s.push(x);
    expect(s.count).toBe(4);
    expect(s.mean).toBe(2.5);
    expect(s.variance).toBeCloseTo(5 / 3, 14);
  });

  it('is NaN before it has the values a statistic needs', () => {
    const s = new RollingStats(3);
    expect(s.mean).toBeNaN();
    s.push(7);
    expect(s.mean).toBe(7);
    expect(s.variance).toBeNaN();
  });

  it('agrees with a two-pass computation over a long stream of values far from zero', () => {
    // Values near 1e9 with unit noise and level jumps: a running sum of squares would lose every digit.
    const rng = createRng(11);
    const w = 50;
    const s = new RollingStats(w);
    const all: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x = 1e9 + (i > 10_000 ? 5e6 : 0) + rng.normal();
      s.push(x);
      all.push(x);
      if (i % 997 === 0 && all.length >= w) {
        const win = all.slice(-w);
        const mean = win.reduce((a, b) => a + b, 0) / w;
        const v = win.reduce((a, b) => a + (b - mean) ** 2, 0) / (w - 1);
        expect(Math.abs(s.mean - mean)).toBeLessThan(1e-6);
        expect(Math.abs(s.variance - v) / v).toBeLessThan(1e-6);
      }
    }
  });

  it('reports a window of identical values as exactly flat, even after a level change', () => {
    const s = new RollingStats(5);
    for (const x of [0.1, 0.7, 0.3, 1e6, 0.2]) s.push(x);
    for (let i = 0; i < 5; i++) s.push(0.3);
    expect(s.isConstant).toBe(true);
    expect(s.mean).toBe(0.3);
    expect(s.variance).toBe(0);
    s.push(0.4);
    expect(s.isConstant).toBe(false);
    expect(s.variance).toBeGreaterThan(0);
  });
});

describe('RollingQuantiles', () => {
  it('gives type-7 quartiles, the median and the MAD of a hand-computed window', () => {
    const q = new RollingQuantiles(8);
    for (const x of [100, 100, 8, 1, 7, 2, 6, 3, 5, 4]) q.push(x);
    // Window is 8,1,7,2,6,3,5,4 = 1..8: Q1 = 1 + 0.25·7 = 2.75, median 4.5, Q3 = 6.25 (R: quantile(1:8)).
    expect(q.quantile(0.25)).toBe(2.75);
    expect(q.median()).toBe(4.5);
    expect(q.quantile(0.75)).toBe(6.25);
    // |x − 4.5| = 3.5, 2.5, 1.5, 0.5, 0.5, 1.5, 2.5, 3.5: median 2 (R: mad(1:8, constant = 1)).
    expect(q.mad()).toBe(2);
    expect(q.sd()).toBeCloseTo(Math.sqrt(6), 14); // var(1:8) = 6
    expect(q.min()).toBe(1);
    expect(q.max()).toBe(8);
  });

  it('matches a sort of the window for quantiles and the MAD on a stream with many ties', () => {
    const rng = createRng(5);
    for (const w of [1, 2, 3, 7, 64]) {
      const q = new RollingQuantiles(w);
      const all: number[] = [];
      for (let i = 0; i < 600; i++) {
        const x = rng.int(0, 9) + (rng.bernoulli(0.1) ? 1000 : 0);
        q.push(x);
        all.push(x);
        const win = all.slice(-w);
        expect(q.count).toBe(win.length);
        expect(Array.from(q.toSortedArray())).toEqual([...win].sort((a, b) => a - b));
        for (const p of [0, 0.1, 0.25, 0.5, 0.9, 1])
          expect(q.quantile(p)).toBeCloseTo(naiveQuantile(win, p), 12);
        expect(q.mad()).toBeCloseTo(naiveMad(win), 12);
      }
    }
  });

  it('is NaN when empty and starts over after clear', () => {
    const q = new RollingQuantiles(3);
    expect(q.median()).toBeNaN();
    expect(q.mad()).toBeNaN();
    q.push(1);
    q.push(2);
    q.clear();
    q.push(9);
    expect(q.median()).toBe(9);
    expect(q.mad()).toBe(0);
  });
});

describe('sortedQuantile', () => {
  it('interpolates between order statistics like R type 7 and reads only the first n values', () => {
    const s = Float64Array.from([1, 2, 4, 8, 99]);
    expect(sortedQuantile(s, 4, 0.5)).toBe(3);
    expect(sortedQuantile(s, 4, 1 / 3)).toBe(2);
    expect(sortedQuantile(s, 4, 0.9)).toBeCloseTo(6.8, 12);
    expect(sortedQuantile(s, 0, 0.5)).toBeNaN();
  });
});
