/**
 * The detectors a user can name (`--detector`, an alert rule's `detector:`), each built from the same
 * `DetectorOptions` plus its own settings. The CLI and the alert rules resolve a name here and nowhere
 * else, so a name means the same detector everywhere.
 */
import type { DetectorOptions, StreamingDetector } from './types.ts';

export const DETECTOR_NAMES = [
  'threshold',
  'zscore',
  'iqr',
  'mad',
  'seasonal',
  'stl-esd',
  'forecast',
  'cusum',
  'bocpd',
  'ensemble',
] as const;
export type DetectorName = (typeof DETECTOR_NAMES)[number];

/** The detector used when none is named. */
export const DEFAULT_DETECTOR: DetectorName = 'ensemble';

/** One line per detector, for `--help` and error hints. */
export const DETECTOR_DESCRIPTIONS: Readonly<Record<DetectorName, string>> = {
  threshold: 'static lower/upper thresholds',
  zscore: 'rolling mean and standard deviation (z-score)',
  iqr: 'rolling interquartile-range rule (Tukey fences)',
  mad: 'rolling median and MAD rule',
  seasonal: 'same slot of the season (hour of day, hour of week) median baseline',
  'stl-esd': 'seasonal + trend split with a robust residual test (S-H-ESD, Hochenbaum et al. 2017)',
  forecast: 'forecast bands from a forecasting model refitted once per season',
  cusum: 'two-sided CUSUM change detection on robust residuals (Page 1954)',
  bocpd: 'Bayesian online change point with a Student-t predictive (Adams & MacKay 2007)',
  ensemble: 'several complementary detectors, flagged when at least two agree',
};

/** Detector options plus the named detector's own settings (unknown keys are ignored by it). */
export type NamedDetectorOptions = DetectorOptions & Readonly<Record<string, unknown>>;

type Factory = (options: NamedDetectorOptions) => StreamingDetector;

// Detectors are registered as their files land; a name without a factory is a broken invariant of
// this module (the exhaustive Record below replaces the Partial once every detector exists).
const FACTORIES: Partial<Record<DetectorName, Factory>> = {};

/** Whether `s` names a detector. */
export function isDetectorName(s: string): s is DetectorName {
  return (DETECTOR_NAMES as readonly string[]).includes(s);
}

/** A fresh detector (one per series) by its name. */
export function createDetector(name: DetectorName, options: NamedDetectorOptions): StreamingDetector {
  const factory = FACTORIES[name];
  if (factory === undefined) throw new Error(`detector '${name}' is not registered`);
  return factory(options);
}
