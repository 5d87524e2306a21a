/**
 * The detectors a user can name (`--detector`, an alert rule's `detector:`), each built from the same
 * `DetectorOptions` plus its own settings. The CLI and the alert rules resolve a name here and nowhere
 * else, so a name means the same detector everywhere.
 */
import { createBocpdDetector } from './bocpd.ts';
import { createCusumDetector } from './cusum.ts';
import { createEnsembleDetector, type EnsembleOptions } from './ensemble.ts';
import { createForecastBandDetector } from './forecast-band.ts';
import { createIqrDetector } from './iqr.ts';
import { createLikelihoodDetector } from './likelihood.ts';
import { createMadDetector } from './mad.ts';
import { createSeasonalSlotDetector } from './seasonal-slot.ts';
import { createStlEsdDetector } from './stl-esd.ts';
import { createThresholdDetector } from './threshold.ts';
import type { DetectorOptions, StreamingDetector } from './types.ts';
import { createZScoreDetector } from './zscore.ts';

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
  'likelihood',
] as const;
export type DetectorName = (typeof DETECTOR_NAMES)[number];

/**
 * The detector used when none is named: the one that scores highest on NAB (72.1 standard, against
 * Random Cut Forest's 51.7; `npm run bench:nab`), cheap enough for the 15-minute alert path, and the only
 * one that flags a sustained change once rather than at every point of it.
 */
export const DEFAULT_DETECTOR: DetectorName = 'likelihood';

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
  likelihood:
    "deviations judged against the series' own history of deviations, never-seen values, one flag per episode (the default)",
};

/**
 * Detector options plus the named detector's own settings (`window`, `hazard`, `model`, ...; see each
 * factory's options type). Keys a detector does not have are ignored by it. For 'ensemble', `members`
 * may be detector names.
 */
export type NamedDetectorOptions = DetectorOptions & Readonly<Record<string, unknown>>;

type Factory = (options: NamedDetectorOptions) => StreamingDetector;

// Each factory reads the settings it knows from the options; the casts hand the open record to a typed
// options object whose extra fields are all optional.
const FACTORIES: Readonly<Record<DetectorName, Factory>> = {
  threshold: (o) => createThresholdDetector(o as Parameters<typeof createThresholdDetector>[0]),
  zscore: (o) => createZScoreDetector(o),
  iqr: (o) => createIqrDetector(o),
  mad: (o) => createMadDetector(o),
  seasonal: (o) => createSeasonalSlotDetector(o),
  'stl-esd': (o) => createStlEsdDetector(o),
  forecast: (o) => createForecastBandDetector(o),
  cusum: (o) => createCusumDetector(o),
  bocpd: (o) => createBocpdDetector(o),
  ensemble: (o) => createEnsembleDetector(ensembleOptions(o)),
  likelihood: (o) => createLikelihoodDetector(o),
};

/** Whether `s` names a detector. */
export function isDetectorName(s: string): s is DetectorName {
  return (DETECTOR_NAMES as readonly string[]).includes(s);
}

/** A fresh detector (one per series) by its name. */
export function createDetector(name: DetectorName, options: NamedDetectorOptions): StreamingDetector {
  return FACTORIES[name](options);
}

/** Ensemble members given by name become factories (an ensemble inside an ensemble is refused). */
function ensembleOptions(o: NamedDetectorOptions): EnsembleOptions {
  const members = o.members;
  if (!Array.isArray(members) || !members.every((m) => typeof m === 'string')) return o as EnsembleOptions;
  const factories = members.map((m: string) => {
    if (!isDetectorName(m) || m === 'ensemble') throw new Error(`'${m}' cannot be an ensemble member`);
    return (mo: DetectorOptions) => createDetector(m, { ...mo });
  });
  return { ...o, members: factories };
}
