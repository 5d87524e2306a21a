/**
 * Prophet's predictive intervals (Taylor & Letham 2018, section 3.1.4; Prophet's
 * `sample_predictive_trend` and `sample_model` with a MAP fit): each sample path lays new changepoints
 * over the horizon as a Poisson process with the history's rate (S changepoints per unit of scaled
 * time), draws each one's rate change from Laplace(0, lambda) with lambda the mean |delta| of the fit
 * (plus 1e-8, as Prophet), adds them to the fitted trend, then adds Gaussian noise with the fitted
 * sigma (per step, so the caller may add the estimate's own variance: parameter-uncertainty.ts). The
 * interval at a level is the pair of empirical quantiles (numpy's linear interpolation, as
 * Prophet's `nanpercentile`) of the samples at each step.
 */
import type { Rng } from '../../random.ts';

export interface TrendUncertainty {
  /** Number of potential changepoints in the history (S). */
  readonly changepoints: number;
  /** mean |delta| of the fit, on the scaled axis. */
  readonly meanAbsDelta: number;
}

/** Laplace(0, scale) by inversion. */
function laplace(rng: Rng, scale: number): number {
  const u = rng.next() - 0.5;
  return -scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
}

/** The q-quantile (q in [0, 1]) of sorted values, by linear interpolation between order statistics. */
function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Simulated intervals around `point` (scaled axis, length h) for the future scaled times `futureT`
 * (all above 1), with Gaussian noise of sd `noiseSd[j]` at step j. Returns, per level, the lower and upper bounds on the scaled axis; each bound is
 * widened to include the point forecast, so lower <= point <= upper holds even for a handful of
 * samples or zero noise.
 */
export function simulateIntervals(
  point: Float64Array,
  futureT: Float64Array,
  noiseSd: Float64Array,
  trend: TrendUncertainty,
  levels: readonly number[],
  samples: number,
  rng: Rng,
): { lower: Float64Array; upper: Float64Array }[] {
  const h = point.length;
  const paths = new Float64Array(h * samples); // step-major: paths[j * samples + s]
  const tEnd = h > 0 ? futureT[h - 1]! : 1;
  const rate = trend.changepoints * Math.max(0, tEnd - 1);
  const lambda = trend.meanAbsDelta + 1e-8;
  for (let s = 0; s < samples; s++) {
    const count = rate > 0 ? rng.poisson(rate) : 0;
    for (let j = 0; j < h; j++) paths[j * samples + s] = point[j]! + noiseSd[j]! * rng.normal();
    for (let c = 0; c < count; c++) {
      const at = 1 + rng.next() * (tEnd - 1);
      const delta = laplace(rng, lambda);
      for (let j = 0; j < h; j++) {
        const t = futureT[j]!;
        if (t >= at) paths[j * samples + s] = paths[j * samples + s]! + delta * (t - at);
      }
    }
  }
  const out = levels.map(() => ({ lower: new Float64Array(h), upper: new Float64Array(h) }));
  const column = new Float64Array(samples);
  for (let j = 0; j < h; j++) {
    for (let s = 0; s < samples; s++) column[s] = paths[j * samples + s]!;
    column.sort();
    for (let l = 0; l < levels.length; l++) {
      const tail = (1 - levels[l]! / 100) / 2;
      out[l]!.lower[j] = Math.min(point[j]!, quantileSorted(column, tail));
      out[l]!.upper[j] = Math.max(point[j]!, quantileSorted(column, 1 - tail));
    }
  }
  return out;
}
