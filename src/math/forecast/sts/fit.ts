/**
 * Maximum likelihood of a structural model's variances (Harvey 1989 §4.2; Durbin & Koopman 2012 §7.3):
 * the diffuse log-likelihood of filter.ts with the irregular variance concentrated out (D&K §2.10.2,
 * Harvey §3.4: with every variance a ratio q_i times σ²_ε, P_* scales with σ²_ε and P_∞ does not, so
 * σ̂²_ε = Σ v²/F̃ / (n − d) over the non-diffuse steps), maximised over log q by Nelder-Mead and restarted
 * once from its optimum (a restart is the standard guard against the simplex collapsing early). The
 * concentration removes one dimension from the search, which roughly halves the evaluations.
 *
 * The search runs on y divided by a scale (the standard deviation of its first differences), so the
 * start and the tolerances mean the same for every series; the variances are scaled back by its square
 * and the log-likelihood is recomputed on the original y, so what is returned is exactly the likelihood
 * of the original series.
 */
import { nelderMead } from '../../optimize/nelder-mead.ts';
import { type FilterResult, filterWorkspace, kalmanFilter } from './filter.ts';
import {
  type StateLayout,
  type StsStructure,
  type StsVariances,
  stateLayout,
  varianceCount,
} from './system.ts';

/**
 * Log-ratios q_i = σ²_i / σ²_ε are kept in [LOG_MIN, LOG_MAX]: e^-30 ≈ 1e-13 is zero for every purpose,
 * and e^25 ≈ 7e10 stands for a zero irregular (the ratio form cannot express σ²_ε = 0 exactly).
 */
const LOG_MIN = -30;
const LOG_MAX = 25;
const LOG_2PI = Math.log(2 * Math.PI);

export interface StsFit {
  readonly structure: StsStructure;
  readonly layout: StateLayout;
  readonly variances: StsVariances;
  readonly logLik: number;
  /** The filter pass at the fitted variances on the original series (fitted values, final state). */
  readonly filter: FilterResult;
  readonly converged: boolean;
  readonly evaluations: number;
}

/** Turns the search vector (log-ratios to σ²_ε of level, slope?, seasonal?) into variances times σ²_ε = `irregular`. */
function toVariances(structure: StsStructure, theta: Float64Array, irregular: number): StsVariances {
  const get = (i: number): number => irregular * Math.exp(Math.min(LOG_MAX, Math.max(LOG_MIN, theta[i]!)));
  let i = 1;
  const slope = structure.trend === 'local-linear' ? get(i++) : 0;
  const seasonal = structure.period >= 2 ? get(i++) : 0;
  return { irregular, level: get(0), slope, seasonal };
}

/** The concentrated log-likelihood and σ̂²_ε of a filter pass run with σ²_ε = 1 (D&K eq. 2.63 with diffuse steps). */
function concentrated(r: FilterResult): { logLik: number; irregular: number } {
  const m = r.observed - r.diffuseSteps;
  if (m <= 0) return { logLik: Number.NaN, irregular: Number.NaN };
  const irregular = r.sumV2F / m;
  const logLik = -0.5 * (r.observed * LOG_2PI + r.sumLogFInf + r.sumLogF + m * Math.log(irregular) + m);
  return { logLik, irregular };
}

/** Standard deviation of the first differences of the observed points (NaN skipped), or of y, or 1. */
export function seriesScale(y: Float64Array): number {
  let n = 0;
  let s = 0;
  let s2 = 0;
  let prev = Number.NaN;
  for (let t = 0; t < y.length; t++) {
    const v = y[t]!;
    if (Number.isNaN(v)) continue;
    if (!Number.isNaN(prev)) {
      const d = v - prev;
      n++;
      s += d;
      s2 += d * d;
    }
    prev = v;
  }
  const sd = n > 1 ? Math.sqrt(Math.max(0, (s2 - (s * s) / n) / (n - 1))) : 0;
  if (sd > 0 && Number.isFinite(sd)) return sd;
  let m = 0;
  let c = 0;
  for (const v of y) {
    if (Number.isNaN(v)) continue;
    m += Math.abs(v);
    c++;
  }
  return c > 0 && m > 0 ? m / c : 1;
}

/**
 * Fits the variances of `structure` to y (NaN = missing) with regressors `xreg` (coefficients as
 * diffuse states, so they are estimated by the filter, i.e. by generalised least squares given the
 * variances) and returns them with the log-likelihood and the filter pass at the optimum.
 */
export function fitSts(y: Float64Array, structure: StsStructure, xreg: readonly Float64Array[] = []): StsFit {
  const layout = stateLayout(structure);
  const scale = seriesScale(y);
  const ys = new Float64Array(y.length);
  for (let t = 0; t < y.length; t++) ys[t] = y[t]! / scale;
  const workspace = filterWorkspace(layout.k);
  const objective = (theta: Float64Array): number => {
    const r = kalmanFilter(layout, ys, xreg, toVariances(structure, theta, 1), {
      likelihoodOnly: true,
      workspace,
    });
    const c = concentrated(r).logLik;
    return Number.isFinite(c) ? -c : Number.POSITIVE_INFINITY;
  };
  // Start: the best point of a coarse grid of ratios (level 1e-3..1e3 times the irregular, slope and
  // season 1e-4..1), because the likelihood of structural models is often multimodal in the ratios (a
  // noisy level vs. a smooth one with a large irregular, Harvey 1989 §4.2.3) and a single simplex start
  // settles in whichever basin it starts in. Tolerances: 1e-3 in a log-ratio is a 0.1% change of a
  // variance, far below its sampling error; 1e-6 in the log-likelihood is far below any AICc difference.
  const q = varianceCount(structure) - 1;
  const levelGrid = [-7, -2.3, 2.3, 7];
  const otherGrid = [-9, -4.6, 0];
  let x0 = new Float64Array(q);
  let bestStart = Number.POSITIVE_INFINITY;
  const cells = levelGrid.length * otherGrid.length ** (q - 1);
  const candidate = new Float64Array(q);
  for (let cell = 0; cell < cells; cell++) {
    let rest = cell;
    candidate[0] = levelGrid[rest % levelGrid.length]!;
    rest = Math.floor(rest / levelGrid.length);
    for (let i = 1; i < q; i++) {
      candidate[i] = otherGrid[rest % otherGrid.length]!;
      rest = Math.floor(rest / otherGrid.length);
    }
    const value = objective(candidate);
    if (value < bestStart) {
      bestStart = value;
      x0 = Float64Array.from(candidate);
    }
  }
  const options = {
    functionTolerance: 1e-6,
    pointTolerance: 1e-3,
    initialStep: 1.5,
    maxEvaluations: 200 * q,
  };
  const first = nelderMead(objective, x0, options);
  const second = nelderMead(objective, first.x, { ...options, initialStep: 0.5 });
  const best = second.value <= first.value ? second : first;
  const unit = kalmanFilter(layout, ys, xreg, toVariances(structure, best.x, 1), {
    likelihoodOnly: true,
    workspace,
  });
  const sigma2 = concentrated(unit).irregular;
  const variances = toVariances(structure, best.x, (Number.isFinite(sigma2) ? sigma2 : 1) * scale * scale);
  const filter = kalmanFilter(layout, y, xreg, variances);
  return {
    structure,
    layout,
    variances,
    logLik: filter.logLik,
    filter,
    converged: second.converged,
    evaluations: cells + first.evaluations + second.evaluations,
  };
}
