/**
 * Forecasts of a structural model from the filter's last predicted state (Durbin & Koopman 2012 §4.11:
 * forecasting is filtering with missing observations): mean_j = Z_j a_{n+j}, Var(y_{n+j}) = Z_j P_{n+j} Z_j'
 * + σ²_ε, with a_{n+j+1} = T a_{n+j}, P_{n+j+1} = T P_{n+j} T' + R Q R'.
 *
 * Also the variance of a weighted running sum S_j = Σ_{i≤j} w_i y_{n+i} (the cumulative effect of causal
 * impact), exactly, from the cross-covariances the same recursion implies:
 *   Var(Σ w Z α)_j = Var_{j−1} + w_j² Z_j P_j Z_j' + 2 w_j Z_j c_j,  c_{j+1} = T (c_j + w_j P_j Z_j'),
 * where c_j = Cov(α_{n+j}, Σ_{i<j} w_i Z_i α_{n+i}); the irregular adds σ²_ε Σ w_i².
 */
import type { FilterResult } from './filter.ts';
import {
  observationRow,
  predictCovariance,
  type StateLayout,
  type StsVariances,
  stateNoise,
  transformRows,
} from './system.ts';

export interface StsForecastMoments {
  /** Predictive mean and variance of each y_{n+j}. */
  readonly mean: Float64Array;
  readonly variance: Float64Array;
  /** Mean and variance of the running sums Σ_{i≤j} w_i y_{n+i}. */
  readonly cumulativeMean: Float64Array;
  readonly cumulativeVariance: Float64Array;
}

/**
 * Predictive moments over `horizon` steps after the filtered series. `futureXreg[i]` holds regressor i over
 * the horizon; `weights` (default all 1) weight the running sum (0 leaves a step out of it).
 */
export function forecastMoments(
  layout: StateLayout,
  filter: FilterResult,
  variances: StsVariances,
  futureXreg: readonly Float64Array[],
  horizon: number,
  weights?: Float64Array,
): StsForecastMoments {
  const k = layout.k;
  stateNoise(layout, variances);
  const a = Float64Array.from(filter.aEnd);
  const p = Float64Array.from(filter.pEnd);
  const z = new Float64Array(k);
  const pz = new Float64Array(k);
  const c = new Float64Array(k);
  const tmp = new Float64Array(k);
  const mean = new Float64Array(horizon);
  const variance = new Float64Array(horizon);
  const cumulativeMean = new Float64Array(horizon);
  const cumulativeVariance = new Float64Array(horizon);
  let sumMean = 0;
  let sumStateVar = 0;
  let sumIrregular = 0;
  for (let j = 0; j < horizon; j++) {
    observationRow(layout, futureXreg, j, z);
    const w = weights ? weights[j]! : 1;
    let m = 0;
    let zpz = 0;
    let zc = 0;
    for (let i = 0; i < k; i++) {
      m += z[i]! * a[i]!;
      let s = 0;
      const row = i * k;
      for (let l = 0; l < k; l++) s += p[row + l]! * z[l]!;
      pz[i] = s;
    }
    for (let i = 0; i < k; i++) {
      zpz += z[i]! * pz[i]!;
      zc += z[i]! * c[i]!;
    }
    mean[j] = m;
    variance[j] = Math.max(0, zpz) + variances.irregular;
    sumMean += w * m;
    sumStateVar += w * w * zpz + 2 * w * zc;
    sumIrregular += w * w * variances.irregular;
    cumulativeMean[j] = sumMean;
    cumulativeVariance[j] = Math.max(0, sumStateVar) + sumIrregular;
    for (let i = 0; i < k; i++) c[i]! += w * pz[i]!;
    transformRows(layout, c, 1, tmp);
    transformRows(layout, a, 1, tmp);
    predictCovariance(layout, p, tmp, true);
  }
  return { mean, variance, cumulativeMean, cumulativeVariance };
}
