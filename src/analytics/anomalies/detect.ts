/**
 * `Series -> AnomalyScores` for people: a named detector run over a series from its first point to its
 * last, each point judged on the points before it only (the detector's `update` judges, then learns),
 * so a point's score here is the score it would have got had it been watched live. The CLI, alert
 * rules and reports all call `detectSeries`, so a flag means the same everywhere.
 */
import { closest, SightlineError } from '../../errors/index.ts';
import {
  createDetector,
  DEFAULT_DETECTOR,
  DETECTOR_NAMES,
  type DetectorName,
  isDetectorName,
} from '../../math/anomaly/registry.ts';
import { DEFAULT_SENSITIVITY, flagScore } from '../../math/anomaly/score.ts';
import { scoreSeries } from '../../math/anomaly/score-series.ts';
import type { InsightWarning } from '../insights/insight-type.ts';
import type { DetectInput } from './series.ts';

/** One judged point, as `--json` prints it. */
export interface DetectedPoint {
  readonly t: string;
  /** null for a step without a value (never flagged). */
  readonly value: number | null;
  readonly score: number;
  readonly flag: boolean;
  /** What the detector expected and its band at the sensitivity; absent while it has none. */
  readonly expected?: number;
  readonly lower?: number;
  readonly upper?: number;
}

export interface DetectOptions {
  /** A name of `DETECTOR_NAMES`; default `DEFAULT_DETECTOR`. */
  readonly detector?: string;
  /** In [0, 1]; default 0.5. */
  readonly sensitivity?: number;
}

export interface SeriesDetection {
  readonly label: string;
  /** The detector with its effective settings, as it names itself (`zscore(window=96)`). */
  readonly detector: string;
  readonly sensitivity: number;
  /** The score at and above which a point is flagged at this sensitivity. */
  readonly flagScore: number;
  readonly points: DetectedPoint[];
  readonly flagged: number;
  readonly warnings: readonly InsightWarning[];
}

/** The detector a user named, or a coded error with the closest name. */
export function resolveDetector(name: string | undefined): DetectorName {
  if (name === undefined) return DEFAULT_DETECTOR;
  if (isDetectorName(name)) return name;
  const suggestion = closest(name, DETECTOR_NAMES);
  throw new SightlineError(
    'SL_DETECT_OPTION_INVALID',
    `unknown detector "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
    { hint: `choose one of ${DETECTOR_NAMES.join(', ')}` },
  );
}

/** The sensitivity a user gave, checked to lie in [0, 1]. */
export function resolveSensitivity(sensitivity: number | undefined): number {
  if (sensitivity === undefined) return DEFAULT_SENSITIVITY;
  if (!(sensitivity >= 0 && sensitivity <= 1))
    throw new SightlineError(
      'SL_DETECT_OPTION_INVALID',
      `the sensitivity must lie between 0 and 1, not ${sensitivity}`,
      { hint: '0.5 (the default) flags a 1-in-100,000 point; higher flags more' },
    );
  return sensitivity;
}

/**
 * Anscombe's (1948) variance-stabilising transform, 2·sqrt(x + 3/8): Poisson counts have a spread of
 * about 1 on this scale at every level. Counts of events and users per bucket are Poisson-like (with
 * more spread when one user does many events), so their spread grows with their level: on the raw scale
 * a detector's single band, learnt over night and peak hours, is too wide at night and too narrow at the
 * peak. On the demo's hourly message counts the raw scale left a two-hour outage (5 and 13 messages
 * against about 75) unflagged; on this scale it is flagged, with no flag outside the planted windows
 * (`test/anomalies/detect-demo.test.ts`).
 */
function toRootScale(x: number): number {
  return Number.isNaN(x) ? x : 2 * Math.sqrt(Math.max(0, x) + 0.375);
}

/** The inverse of `toRootScale` for expectations and band edges (0 below the transform of 0). */
function fromRootScale(y: number): number {
  if (!Number.isFinite(y)) return y;
  return y <= 2 * Math.sqrt(0.375) ? 0 : (y / 2) ** 2 - 0.375;
}

/**
 * Runs a fresh detector of the named kind over the whole series (see `scoreSeries`) and returns every
 * point from `input.reportFrom` on with its verdict (the points before are history it learns from);
 * NaN expectations and infinite band edges (one-sided detectors) are left out. Counts
 * (`input.scale`) are judged on the square-root scale and their expectation and band shown on theirs.
 */
export function detectSeries(input: DetectInput, options: DetectOptions = {}): SeriesDetection {
  const name = resolveDetector(options.detector);
  const sensitivity = resolveSensitivity(options.sensitivity);
  const detector = createDetector(name, {
    sensitivity,
    stepMs: input.stepMs,
    seasonPeriods: input.seasonPeriods,
  });
  const counts = input.scale === 'counts';
  const scores = scoreSeries(detector, input.times, counts ? input.values.map(toRootScale) : input.values);
  if (counts)
    for (const band of [scores.expected, scores.lower, scores.upper]) band.set(band.map(fromRootScale));
  const from = input.reportFrom ?? 0;
  const points: DetectedPoint[] = new Array(input.values.length - from);
  let flagged = 0;
  for (let i = from; i < input.values.length; i++) {
    const value = input.values[i]!;
    const flag = scores.flag[i] === 1 && !Number.isNaN(value);
    if (flag) flagged++;
    const point: {
      t: string;
      value: number | null;
      score: number;
      flag: boolean;
      expected?: number;
      lower?: number;
      upper?: number;
    } = {
      t: input.labels[i]!,
      value: Number.isNaN(value) ? null : value,
      score: scores.score[i]!,
      flag,
    };
    const expected = scores.expected[i]!;
    const lower = scores.lower[i]!;
    const upper = scores.upper[i]!;
    if (Number.isFinite(expected)) point.expected = expected;
    if (Number.isFinite(lower)) point.lower = lower;
    if (Number.isFinite(upper)) point.upper = upper;
    points[i - from] = point;
  }
  return {
    label: input.label,
    detector: scores.detector,
    sensitivity,
    flagScore: flagScore(sensitivity),
    points,
    flagged,
    warnings: [...input.warnings, ...scores.warnings],
  };
}
