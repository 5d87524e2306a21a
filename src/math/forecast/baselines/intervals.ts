/** Gaussian prediction intervals from a point forecast and its standard errors, shared by the baselines and Theta. */
import { normalQuantile } from '../../stats/distributions.ts';
import type { PredictionInterval } from '../types.ts';

/**
 * mean ± z·se per step with z = Φ⁻¹(0.5 + level/200), one interval per level in the order given (R's
 * `forecast` convention, FPP3 §5.5). `scale`, when given, multiplies mean and se alike per step: the
 * re-seasonalisation of an interval computed on a seasonally adjusted series.
 */
export function normalIntervals(
  mean: Float64Array,
  se: Float64Array,
  levels: readonly number[],
  scale?: Float64Array,
): PredictionInterval[] {
  return levels.map((level) => {
    const z = normalQuantile(0.5 + level / 200);
    const lower = new Float64Array(mean.length);
    const upper = new Float64Array(mean.length);
    for (let i = 0; i < mean.length; i++) {
      const s = scale ? scale[i]! : 1;
      lower[i] = mean[i]! - z * se[i]! * s;
      upper[i] = mean[i]! + z * se[i]! * s;
    }
    return { level, lower, upper };
  });
}

/** True when every value equals the first: a constant series has nothing for a model to learn. */
export function isConstant(y: ArrayLike<number>): boolean {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return false;
  return true;
}
