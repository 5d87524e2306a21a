/**
 * The Theta model of Fiorucci, Pellegrini, Louzada, Petropoulos & Koehler (2016, "Models for optimising
 * the theta method and their relationship to state space models", IJF 32(4)), eqs. (3.3)–(3.5):
 *
 *   Y_t = μ_t + ε_t
 *   μ_t = ℓ_{t−1} + (1 − 1/θ)·[(1−α)^{t−1} A + ((1 − (1−α)^t)/α) B]
 *   ℓ_t = α Y_t + (1−α) ℓ_{t−1}
 *
 * with A, B the least-squares intercept and slope over t = 1..n (the optimised Theta model, OTM), or
 * over t = 1..t−1 recomputed at each step (the dynamic DOTM, §3.2). θ = 2 is the standard Theta method
 * (STM). Parameters ℓ0, α, θ minimise the in-sample MSE (the Gaussian likelihood's profile).
 */
import { normalIntervals } from '../baselines/intervals.ts';
import { multiplicativeAdjustment } from '../decompose.ts';
import type { ForecastModel, ForecastOptions, ModelForecast } from '../types.ts';
import { minimizeBounded } from './minimize-1d.ts';
import { ALPHA_LOWER, ALPHA_UPPER } from './ses.ts';
import { constantWarnings } from './theta.ts';

/** w = 1 − 1/θ in [0, 0.99]: θ from 1 (Fiorucci et al.'s lower bound, SES alone) to 100. */
const W_MAX = 0.99;

export interface ThetaFit {
  readonly alpha: number;
  readonly theta: number;
  readonly l0: number;
  readonly sse: number;
  /** A and B at the end of the sample (t = n), which the forecasts use. */
  readonly a: number;
  readonly b: number;
}

/**
 * The weights g_t multiplying w = 1 − 1/θ in μ_t, for a given α: (1−α)^{t−1} A_· + ((1−(1−α)^t)/α) B_·
 * with A_·, B_· fixed (OTM) or the least-squares line through y_1..y_{t−1} (DOTM; A_0 = y_1, B_0 = 0
 * and B_1 = 0, where a line is not yet defined). Written into `g`; returns the final A_n, B_n.
 */
function trendWeights(y: ArrayLike<number>, alpha: number, dynamic: boolean, g: Float64Array) {
  const n = y.length;
  let a = 0;
  let b = 0;
  if (!dynamic) {
    // Least squares on t = 1..n.
    const tMean = (n + 1) / 2;
    let yMean = 0;
    for (let t = 0; t < n; t++) yMean += y[t]!;
    yMean /= n;
    let sxy = 0;
    let sxx = 0;
    for (let t = 0; t < n; t++) {
      sxy += (t + 1 - tMean) * (y[t]! - yMean);
      sxx += (t + 1 - tMean) ** 2;
    }
    b = sxx > 0 ? sxy / sxx : 0;
    a = yMean - b * tMean;
  }
  let decay = 1;
  let sumY = 0;
  let sumTY = 0;
  for (let t = 1; t <= n; t++) {
    if (dynamic) {
      // A_{t−1}, B_{t−1} from y_1..y_{t−1}: B = 6/(k²−1)·(2/k·Σ i·y_i − (k+1)·ȳ), A = ȳ − (k+1)/2·B (Fiorucci et al. eq. 3.7).
      const k = t - 1;
      if (k === 0) {
        a = y[0]!;
        b = 0;
      } else {
        const mean = sumY / k;
        b = k > 1 ? (6 / (k * k - 1)) * ((2 / k) * sumTY - (k + 1) * mean) : 0;
        a = mean - ((k + 1) / 2) * b;
      }
    }
    g[t - 1] = decay * a + ((1 - decay * (1 - alpha)) / alpha) * b;
    decay *= 1 - alpha;
    sumY += y[t - 1]!;
    sumTY += t * y[t - 1]!;
  }
  if (dynamic) {
    const mean = sumY / n;
    b = n > 1 ? (6 / (n * n - 1)) * ((2 / n) * sumTY - (n + 1) * mean) : 0;
    a = mean - ((n + 1) / 2) * b;
  }
  return { a, b };
}

/**
 * For a given α (and optionally a fixed w), the least-squares ℓ0 and w and their SSE. The one-step
 * errors are linear in both: e_t = r_t − (ℓ0 − y_1)(1−α)^{t−1} − w·g_t with r_t the errors of ℓ0 = y_1,
 * w = 0, so two normal equations give them; w outside [0, 0.99] is clamped (the profile in w is a convex
 * parabola) and ℓ0 re-solved.
 */
export function profileTheta(
  y: ArrayLike<number>,
  alpha: number,
  dynamic: boolean,
  g: Float64Array,
  fixedW?: number,
): ThetaFit & { w: number } {
  const n = y.length;
  const { a, b } = trendWeights(y, alpha, dynamic, g);
  const base = y[0]!;
  let level = base;
  let c = 1;
  let srr = 0;
  let src = 0;
  let srg = 0;
  let scc = 0;
  let scg = 0;
  let sgg = 0;
  for (let t = 0; t < n; t++) {
    const r = y[t]! - level;
    const gt = g[t]!;
    srr += r * r;
    src += r * c;
    srg += r * gt;
    scc += c * c;
    scg += c * gt;
    sgg += gt * gt;
    level += alpha * r;
    c *= 1 - alpha;
  }
  let w: number;
  if (fixedW !== undefined) w = fixedW;
  else {
    const det = scc * sgg - scg * scg;
    // g collinear with (1−α)^{t−1} (no slope: a constant series, or B = 0): w is not identified, take STM's.
    w = det > 1e-12 * scc * sgg ? (scc * srg - scg * src) / det : 0.5;
    w = Math.min(W_MAX, Math.max(0, w));
  }
  const delta = (src - w * scg) / scc;
  const sse = srr - 2 * delta * src - 2 * w * srg + delta * delta * scc + 2 * delta * w * scg + w * w * sgg;
  return { alpha, theta: 1 / (1 - w), w, l0: base + delta, sse: Math.max(0, sse), a, b };
}

export interface ThetaModelOptions {
  /** Recompute A and B at every step (DOTM) rather than once over the sample (OTM). */
  readonly dynamic?: boolean;
  /** Fix θ (θ = 2 is the standard Theta method) rather than estimate it. */
  readonly theta?: number;
}

/**
 * A Theta-model forecaster: seasonal adjustment as `thetaModel` (the 90% test at the shortest period,
 * n > 2m, classical multiplicative indices), ℓ0 and θ profiled out exactly, α by a bounded 1-D search,
 * then (eq. 3.6) Ŷ_{n+h} = ℓ_n + (1 − 1/θ)·[(1−α)^n A_n + ((h−1) + (1−(1−α)^{n+1})/α) B_n],
 * re-seasonalised. The intervals are the state space's: given the parameters the trend term is
 * deterministic and ℓ is an SES level, so Var = σ²(1 + (h−1)α²) with σ² = SSE/(n − 3).
 */
export function createThetaModel(settings: ThetaModelOptions = {}): ForecastModel {
  const dynamic = settings.dynamic ?? false;
  const fixedW = settings.theta === undefined ? undefined : 1 - 1 / settings.theta;
  const name = settings.theta === undefined ? (dynamic ? 'DOTM' : 'OTM') : `${dynamic ? 'DSTM' : 'STM'}`;
  return (y: Float64Array, options: ForecastOptions): ModelForecast => {
    const n = y.length;
    const m = options.seasonPeriods[0] ?? 1;
    const warnings = constantWarnings(y);
    const { adjusted, figure } =
      warnings.length > 0
        ? { adjusted: y, figure: null }
        : multiplicativeAdjustment(y, m, { minCycles: 2, strict: true });
    const g = new Float64Array(n);
    const { x: alpha } = minimizeBounded(
      (al) => profileTheta(adjusted, al, dynamic, g, fixedW).sse,
      ALPHA_LOWER,
      ALPHA_UPPER,
    );
    const fit = profileTheta(adjusted, alpha, dynamic, g, fixedW);
    const fitted = new Float64Array(n);
    let level = fit.l0;
    for (let t = 0; t < n; t++) {
      fitted[t] = (level + fit.w * g[t]!) * (figure ? figure[t % m]! : 1);
      level += alpha * (adjusted[t]! - level);
    }
    const sigma2 = fit.sse / Math.max(1, n - 3);
    const decayN = (1 - alpha) ** n;
    const mean = new Float64Array(options.horizon);
    const se = new Float64Array(options.horizon);
    const scale = figure ? new Float64Array(options.horizon) : undefined;
    for (let h = 0; h < options.horizon; h++) {
      mean[h] = level + fit.w * (decayN * fit.a + (h + (1 - decayN * (1 - alpha)) / alpha) * fit.b);
      se[h] = Math.sqrt(sigma2 * (1 + h * alpha * alpha));
      if (figure && scale) {
        scale[h] = figure[(n + h) % m]!;
        mean[h] = mean[h]! * scale[h]!;
      }
    }
    return {
      model: figure ? `${name}[${m}]` : name,
      mean,
      intervals: normalIntervals(mean, se, options.levels, scale),
      intervalMethod: 'analytic',
      fitted,
      params: { alpha, theta: fit.theta, l0: fit.l0, a: fit.a, b: fit.b, sigma2, seasonal: figure ? 1 : 0 },
      logLik: null,
      aicc: null,
      warnings,
    };
  };
}

/** The optimised Theta model (OTM): ℓ0, α and θ ≥ 1 by least squares, A and B over the whole sample. */
export const optimizedThetaModel: ForecastModel = createThetaModel();

/** The dynamic optimised Theta model (DOTM): as OTM with A and B updated at every step. */
export const dynamicOptimizedThetaModel: ForecastModel = createThetaModel({ dynamic: true });

/** The standard Theta method in state-space form (STM: θ fixed at 2, ℓ0 and α by least squares). */
export const standardThetaModel: ForecastModel = createThetaModel({ theta: 2 });
