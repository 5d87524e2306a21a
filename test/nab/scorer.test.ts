import { describe, expect, it } from 'vitest';
import { readNabCorpus } from '../../bench/nab/corpus.ts';
import {
  NAB_PROFILES,
  type NabProfile,
  probationaryLength,
  rowValues,
  type ScoredFile,
  scaledSigmoid,
  scoreCorpus,
} from '../../bench/nab/scorer.ts';

const [standard, lowFp, lowFn] = NAB_PROFILES as [NabProfile, NabProfile, NabProfile];

// Hand-computed constants: sigma(y) = 2 / (1 + e^{5y}) - 1.
const SIGMA_MINUS_1 = 2 / (1 + Math.exp(-5)) - 1; // 0.986614, the earliest detection in a window
const SIGMA_MINUS_075 = 2 / (1 + Math.exp(-3.75)) - 1; // 0.954045
const SIGMA_PLUS_1 = 2 / (1 + Math.exp(5)) - 1; // -0.986614

/**
 * 20 rows: rows 0-2 are probationary (floor(0.15 * 20) = 3), one window at rows 8..11 (width 4).
 * Row 1 (probation) scores 1.0, row 5 (before any window) 0.8, row 9 (in the window, y = -(11-9+1)/4
 * = -0.75) 0.9, row 14 (y = |14-11| / (4-1) = 1 window length past it) 0.7.
 */
function handFile(overrides: Record<number, number> = {}): ScoredFile {
  const scores = new Float64Array(20);
  const marks: Record<number, number> = { 1: 1, 5: 0.8, 9: 0.9, 14: 0.7, ...overrides };
  for (const [row, s] of Object.entries(marks)) scores[Number(row)] = s;
  return { name: 'hand.csv', windows: [{ first: 8, last: 11 }], scores };
}

describe('NAB scorer', () => {
  it('has NAB’s sigmoid: 0.9866 at the window start, 0 at its end, -1 three lengths past it', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.986614, 6);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.986614, 6);
    expect(scaledSigmoid(3)).toBe(-1);
    expect(probationaryLength(20)).toBe(3);
    expect(probationaryLength(100_000)).toBe(750);
  });

  it('values each row as NAB’s sweeper does', () => {
    const { value, window } = rowValues(20, [{ first: 8, last: 11 }]);
    expect(Array.from(window.slice(0, 4))).toEqual([-2, -2, -2, -1]);
    expect(value[5]).toBe(-1); // no window before it
    expect(value[8]).toBeCloseTo(1, 12); // the window's first row earns the full A_TP
    expect(value[9]).toBeCloseTo(SIGMA_MINUS_075 / SIGMA_MINUS_1, 12);
    expect(value[11]).toBeCloseTo((2 / (1 + Math.exp(-5 / 4)) - 1) / SIGMA_MINUS_1, 12);
    expect(window[11]).toBe(0);
    expect(value[14]).toBeCloseTo(SIGMA_PLUS_1, 12);
    expect(window[14]).toBe(-1);
  });

  it('scores a hand-computed file at the best threshold of each profile', () => {
    const tp = SIGMA_MINUS_075 / SIGMA_MINUS_1; // 0.966985
    // Thresholds: 1.0 -> only the probationary row (ignored): raw -A_FN. 0.9 -> the window: raw tp.
    // 0.8 -> plus an FP before any window: tp - A_FP. 0.7 -> plus tp - A_FP + A_FP * sigma(1).
    const s = scoreCorpus([handFile()], standard);
    expect(s.threshold).toBe(0.9);
    expect(s.raw).toBeCloseTo(tp, 12);
    expect(s.score).toBeCloseTo((100 * (tp + 1)) / 2, 10); // 98.349
    expect([s.truePositives, s.falseNegatives, s.falsePositives]).toEqual([1, 0, 0]);
    expect(scoreCorpus([handFile()], lowFp).score).toBeCloseTo((100 * (tp + 1)) / 2, 10);
    expect(scoreCorpus([handFile()], lowFn).score).toBeCloseTo((100 * (tp + 2)) / 3, 10); // 98.900
  });

  it('charges false positives at the threshold that lets the window in', () => {
    const tp = SIGMA_MINUS_075 / SIGMA_MINUS_1;
    // The FP at row 5 now outranks the window: reaching the window costs it and, at 0.11, is still worth it.
    const s = scoreCorpus([handFile({ 5: 0.95 })], standard);
    expect(s.threshold).toBe(0.9);
    expect(s.raw).toBeCloseTo(tp - 0.11, 12);
    expect(s.falsePositives).toBe(1);
    // Every row detected: all 16 outside rows after probation cost A_FP * sigma(y); the window earns its best row.
    const everything = scoreCorpus([{ ...handFile(), scores: new Float64Array(20).fill(0.5) }], standard);
    const { value, window } = rowValues(20, [{ first: 8, last: 11 }]);
    let fpCost = 0;
    for (let i = 0; i < 20; i++) if (window[i] === -1) fpCost += 0.11 * value[i]!;
    expect(Math.max(-1, 1 + fpCost)).toBeCloseTo(everything.raw, 12);
  });

  it('sums windows across files and normalises by the corpus’ window count', () => {
    const a = handFile();
    const b: ScoredFile = {
      name: 'quiet.csv',
      windows: [{ first: 10, last: 12 }],
      scores: new Float64Array(20),
    };
    const s = scoreCorpus([a, b], standard);
    // b's window is never detected at any threshold above 0; at 0 everything in b fires.
    expect(s.truePositives).toBe(1);
    expect(s.falseNegatives).toBe(1);
    expect(s.score).toBeCloseTo((100 * (SIGMA_MINUS_075 / SIGMA_MINUS_1 - 1 + 2)) / 4, 10);
  });

  it('reads the whole corpus: 58 series, 116 windows, 365,558 rows', () => {
    const corpus = readNabCorpus();
    expect(corpus).toHaveLength(58);
    expect(corpus.reduce((n, s) => n + s.windows.length, 0)).toBe(116);
    expect(corpus.reduce((n, s) => n + s.values.length, 0)).toBe(365_558);
    for (const s of corpus)
      for (const w of s.windows) expect(w.first).toBeGreaterThanOrEqual(probationaryLength(s.values.length));
  });
});
