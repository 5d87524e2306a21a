/**
 * Simple exponential smoothing fitted by least squares: ETS(A,N,N) with the initial level and α chosen to
 * minimise the in-sample one-step MSE, as R's `forecast::ses` (which calls `ets(y, "ANN",
 * opt.crit = "mse")`). Hyndman et al. 2008, §2.3 and §3.1.
 */
import { minimizeBounded } from './minimize-1d.ts';

/** R's `ets` bounds for α ("usual" region, Hyndman et al. 2008 §5.2). */
export const ALPHA_LOWER = 1e-4;
export const ALPHA_UPPER = 0.9999;

export interface SesFit {
  readonly alpha: number;
  readonly l0: number;
  /** The level after the last observation, ℓ_n: the flat forecast. */
  readonly level: number;
  readonly sse: number;
  /** SSE / (n − 2), R's `sigma2` for ETS(A,N,N) (two estimated parameters). */
  readonly sigma2: number;
}

/**
 * The least-squares initial level for a given α, and the SSE it gives. The one-step errors are linear
 * in ℓ0: with ℓ_t = (1−α)ℓ_{t−1} + αy_t, e_t = y_t − ℓ_{t−1} = r_t − (1−α)^{t−1}(ℓ0 − base) where r_t
 * are the errors from ℓ0 = base, so the SSE is a parabola in ℓ0 minimised in closed form. `base` (the
 * first value) keeps r_t small so the closed form loses no precision on large values.
 */
export function profileSes(y: ArrayLike<number>, alpha: number): { l0: number; sse: number } {
  const n = y.length;
  const base = y[0]!;
  let level = base;
  let c = 1;
  let sumRR = 0;
  let sumRC = 0;
  let sumCC = 0;
  const decay = 1 - alpha;
  for (let t = 0; t < n; t++) {
    const r = y[t]! - level;
    sumRR += r * r;
    sumRC += r * c;
    sumCC += c * c;
    level += alpha * r;
    c *= decay;
  }
  const shift = sumRC / sumCC;
  return { l0: base + shift, sse: Math.max(0, sumRR - shift * sumRC) };
}

/** The level after smoothing y from ℓ0 with weight α (Hyndman et al. 2008, eq. 2.3). */
export function sesLevel(y: ArrayLike<number>, alpha: number, l0: number): number {
  let level = l0;
  for (let t = 0; t < y.length; t++) level += alpha * (y[t]! - level);
  return level;
}

/** The SES fit at given α and ℓ0 (no search): R's parameters reproduced, for reference checks. */
export function sesAt(y: ArrayLike<number>, alpha: number, l0: number): SesFit {
  let level = l0;
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const e = y[t]! - level;
    sse += e * e;
    level += alpha * e;
  }
  return { alpha, l0, level, sse, sigma2: sse / Math.max(1, y.length - 2) };
}

/**
 * SES fitted by minimising the MSE over α in [1e-4, 0.9999] and ℓ0 free: ℓ0 profiled out exactly
 * (`profileSes`), α by a grid and golden-section search. At the optimum this is the fit R's `ses`
 * reaches; R's Nelder-Mead stops near it, so the two agree to its tolerance, not to machine precision.
 */
export function fitSes(y: ArrayLike<number>): SesFit {
  const { x: alpha } = minimizeBounded((a) => profileSes(y, a).sse, ALPHA_LOWER, ALPHA_UPPER);
  const { l0, sse } = profileSes(y, alpha);
  const n = y.length;
  return { alpha, l0, level: sesLevel(y, alpha, l0), sse, sigma2: sse / Math.max(1, n - 2) };
}
