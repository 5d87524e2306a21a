import type { AnomalyScores, StreamingDetector } from './types.ts';

/**
 * Runs a fresh detector over a whole series, point by point in time order, and collects its verdicts:
 * each point is judged on the points before it only. `times` are epoch ms, non-decreasing; NaN values
 * are missing points.
 */
export function scoreSeries(
  detector: StreamingDetector,
  times: Float64Array,
  values: Float64Array,
): AnomalyScores {
  const n = values.length;
  const score = new Float64Array(n);
  const flag = new Uint8Array(n);
  const expected = new Float64Array(n);
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = detector.update(times[i]!, values[i]!);
    score[i] = v.score;
    flag[i] = v.flag ? 1 : 0;
    expected[i] = v.expected;
    lower[i] = v.lower;
    upper[i] = v.upper;
  }
  return { detector: detector.name, score, flag, expected, lower, upper, warnings: [] };
}
