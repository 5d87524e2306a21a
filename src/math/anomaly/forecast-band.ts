/**
 * Forecast bands from the forecasting models of `src/math/forecast`: a model is refitted on a trailing
 * window once every `refitEvery` steps of time (a season, or a day of points with no season) and its
 * forecast over the next steps, with a 95% interval, judges the points that arrive until the next refit.
 * Refitting rarely is what makes a model-based detector affordable over a year of 15-minute points: the
 * fit's cost is spread over `refitEvery` points (measured in the folder README).
 */

import { modelFor, type SingleModelChoice } from '../forecast/registry.ts';
import { fillGaps } from '../forecast/regularize.ts';
import { ROBUST_SCALE_EFFICIENCY, robustSigma } from './mad.ts';
import { defaultWindow, RollingQuantiles } from './rolling.ts';
import { flagScore, normalBandZ } from './score.ts';
import type { DetectorOptions, StreamingDetector, Verdict } from './types.ts';
import { zVerdict } from './zscore.ts';

export interface ForecastBandOptions extends DetectorOptions {
  /** The forecasting model by its `--model` name (default 'theta': robust, and a fit costs about a ms). */
  readonly model?: SingleModelChoice;
  /** Steps of time between refits; default the shortest season, or `defaultWindow(stepMs)` with none. */
  readonly refitEvery?: number;
  /** Steps of history each fit sees; default 4 seasons (4 × refitEvery with none). */
  readonly trainingSteps?: number;
}

/** Standardised errors needed before they calibrate the intervals. */
const MIN_CALIBRATION = 24;

/** z of the two-sided 95% normal interval, to turn an interval's half-width into a standard deviation. */
const Z95 = 1.959963984540054;

/**
 * A forecast-band detector: refit `model` on the last `trainingSteps` steps (gaps linearly interpolated,
 * since the models take complete regular series), forecast 2·refitEvery steps, and judge the point h
 * steps after the fit's last point by z = (x − mean[h]) / sd[h] with sd[h] = (upper95[h] − mean[h]) / 1.96,
 * p two-sided normal. A model's interval already widens with h, so a point late in the refit cycle is
 * judged with the extra uncertainty it should be. Two corrections between refits, both measured on a
 * 35,040-point seasonal series (see the tests): the mean is shifted by the median of the errors since
 * the refit (over the last max(5, refitEvery / 4) of them), so a level shift stops being flagged after a
 * few points instead of at the next refit; and sd is multiplied by max(1, 1.4826·MAD) of the recent
 * standardised errors, because in-sample intervals are too narrow out of sample (Theta's seasonal
 * indices from four cycles absorb part of the noise: on a year of 15-minute N(0, 5²) noise + a daily sine
 * with one spike and one shift, 101 points were flagged at alpha 1e-5 without both, 12 with them). Learns until the first fit (learningPoints default:
 * two seasons plus one point, the least a seasonal model fits; 2 × refitEvery with no season).
 */
export function createForecastBandDetector(options: ForecastBandOptions): StreamingDetector {
  const period = options.seasonPeriods?.[0];
  const seasons = period !== undefined && period >= 2 ? options.seasonPeriods!.filter((m) => m >= 2) : [];
  const refitEvery = Math.max(1, Math.trunc(options.refitEvery ?? period ?? defaultWindow(options.stepMs)));
  const span = Math.max(8, Math.trunc(options.trainingSteps ?? 4 * (period ?? refitEvery)));
  const learning = options.learningPoints ?? (period !== undefined ? 2 * period + 1 : 2 * refitEvery);
  const choice = options.model ?? 'theta';
  const model = modelFor(choice);
  const horizon = 2 * refitEvery;
  const stepMs = options.stepMs;
  const zBand = normalBandZ(options.sensitivity);
  const flagAt = flagScore(options.sensitivity);

  const levelWindow = Math.max(5, Math.round(refitEvery / 4));
  const ring = new Float64Array(span).fill(Number.NaN);
  // Raw errors since the last refit (their median follows a level shift until the model is refitted)
  // and standardised errors over the training span (their robust σ calibrates the model's intervals).
  const offsets = new RollingQuantiles(levelWindow);
  const calibration = new RollingQuantiles(span);
  let t0 = Number.NaN;
  let lastStep = -1;
  let fitStep = Number.NaN; // the step index of the last point the current forecast was fitted on
  let mean: Float64Array | null = null;
  let sd: Float64Array | null = null;
  let learnt = 0;

  const none: Verdict = { score: 0, flag: false, expected: Number.NaN, lower: Number.NaN, upper: Number.NaN };

  const refit = (): void => {
    const first = Math.max(0, lastStep - span + 1);
    const n = lastStep - first + 1;
    const history = new Float64Array(n);
    for (let i = 0; i < n; i++) history[i] = ring[(first + i) % span]!;
    const { y } = fillGaps(history);
    // Only seasons the window covers more than twice are passed (a season seen once cannot be fitted).
    const fitted = model(y, { horizon, levels: [95], seasonPeriods: seasons.filter((m) => n > 2 * m) });
    const upper = fitted.intervals[0]?.upper;
    mean = fitted.mean;
    sd = new Float64Array(horizon);
    for (let h = 0; h < horizon; h++) sd[h] = upper === undefined ? 0 : (upper[h]! - mean[h]!) / Z95;
    fitStep = lastStep;
    offsets.clear();
  };

  return {
    name: `forecast(model=${choice},refit=${refitEvery},training=${span},learning=${learning})`,
    update(t: number, value: number): Verdict {
      if (Number.isNaN(t0)) {
        if (Number.isNaN(value)) return none;
        t0 = t;
      }
      const step = Math.max(0, Math.round((t - t0) / stepMs));
      if (learnt >= learning && lastStep >= 2 && (mean === null || step - fitStep > refitEvery)) refit();
      let verdict = none;
      const h = step - fitStep; // 1 for the step right after the fit's last point
      if (mean !== null && sd !== null && h >= 1 && h <= horizon) {
        const offset = offsets.count >= 3 ? offsets.median() : 0;
        const expected = mean[h - 1]! + offset;
        const scale = sd[h - 1]!;
        // The model's own sd is taken as known (df ∞); once calibrated, the scale carries the MAD's error.
        const c = calibration.count;
        const calibrated = c >= MIN_CALIBRATION;
        const factor = calibrated ? Math.max(1, robustSigma(calibration)) : 1;
        const df = calibrated ? ROBUST_SCALE_EFFICIENCY * (c - 1) : Number.POSITIVE_INFINITY;
        verdict = zVerdict(value, expected, factor * scale, df, zBand, flagAt);
        if (!Number.isNaN(value)) {
          offsets.push(value - mean[h - 1]!);
          if (scale > 0) calibration.push((value - expected) / scale);
        }
      }
      if (Number.isNaN(value)) return verdict;
      if (step > lastStep) {
        for (let s = Math.max(lastStep + 1, step - span + 1); s < step; s++) ring[s % span] = Number.NaN;
        lastStep = step;
      }
      ring[step % span] = value;
      learnt++;
      return verdict;
    },
  };
}
