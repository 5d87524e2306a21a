/**
 * The Kalman filter of a structural model with exact diffuse initialisation (Durbin & Koopman 2012,
 * §5.2, univariate observations): every state starts diffuse (P_1 = κ P_∞ + P_*, P_∞ = I, P_* = 0,
 * κ → ∞), and the filter carries P_∞ and P_* separately until P_∞ vanishes — after one informative
 * observation per state. Missing observations (NaN) skip the update step (D&K §4.10).
 *
 * The log-likelihood is the diffuse one, D&K eq. (7.4):
 *   log L_d = −(n/2) log 2π − ½ Σ_{diffuse t} w_t − ½ Σ_{other t} (log F_t + v_t² / F_t),
 * w_t = log F_∞,t where F_∞,t > 0 (else the usual term), n counting observed points only. This is what
 * statsmodels' UnobservedComponents(use_exact_diffuse=True) reports as `llf` (checked in sts.test.ts).
 *
 * Speed: T is applied structurally (system.ts), so a step costs O(k²); once the time-invariant filter
 * has converged (no regressors, no gap since) the gain is frozen and a step costs O(k) — the steady
 * state of D&K §4.3.4 — which is what keeps a 1,000-point fit with a 23-state season in tens of ms.
 */
import {
  observationRow,
  predictCovariance,
  type StateLayout,
  type StsVariances,
  stateNoise,
  transformRows,
} from './system.ts';

const LOG_2PI = Math.log(2 * Math.PI);
/** F_∞ below this (relative to Z Z') counts as zero: the observation carries no diffuse information. */
const DIFFUSE_TOLERANCE = 1e-8;
/** Relative change of every element of P_* below which the filter is treated as converged. */
const STEADY_TOLERANCE = 1e-11;

/** What the smoother and the forecast need from a filter pass, per time point (predicted quantities). */
export interface FilterStore {
  /** a_t, n×k row-major (predicted state before observing y_t). */
  readonly a: Float64Array;
  /** P_*,t, n×k×k (predicted, before observing y_t). */
  readonly pStar: Float64Array;
  /** P_∞,t for diffuse steps only (zeros elsewhere), n×k×k. */
  readonly pInf: Float64Array;
  /** M_*,t = P_*,t Z_t' and M_∞,t = P_∞,t Z_t', n×k. */
  readonly mStar: Float64Array;
  readonly mInf: Float64Array;
  /** Innovation v_t, F_*,t, F_∞,t (F_∞ = 0 outside the diffuse phase); v is NaN at a missing point. */
  readonly v: Float64Array;
  readonly fStar: Float64Array;
  readonly fInf: Float64Array;
}

export interface FilterResult {
  readonly logLik: number;
  /** Observed (non-NaN) points and, of them, the diffuse ones (F_∞ > 0). */
  readonly observed: number;
  readonly diffuseSteps: number;
  /** The parts of the log-likelihood: Σ log F_∞ over diffuse steps, Σ log F and Σ v²/F over the others. */
  readonly sumLogFInf: number;
  readonly sumLogF: number;
  readonly sumV2F: number;
  /** Predicted state and covariance for the step after the last point (a_{n+1}, P_{n+1}). */
  readonly aEnd: Float64Array;
  readonly pEnd: Float64Array;
  /** True when P_∞ never vanished (too few observations to identify every state). */
  readonly stillDiffuse: boolean;
  /** One-step predictions Z_t a_t and their variances F_t; NaN in the diffuse phase. */
  readonly fitted: Float64Array;
  readonly fittedVariance: Float64Array;
  readonly store: FilterStore | null;
}

/** Scratch buffers reused across likelihood evaluations of the same layout. */
export interface FilterWorkspace {
  readonly a: Float64Array;
  readonly pStar: Float64Array;
  readonly pInf: Float64Array;
  readonly mStar: Float64Array;
  readonly mInf: Float64Array;
  readonly pPrev: Float64Array;
  readonly z: Float64Array;
  readonly tmp: Float64Array;
}

export function filterWorkspace(k: number): FilterWorkspace {
  return {
    a: new Float64Array(k),
    pStar: new Float64Array(k * k),
    pInf: new Float64Array(k * k),
    mStar: new Float64Array(k),
    mInf: new Float64Array(k),
    pPrev: new Float64Array(k * k),
    z: new Float64Array(k),
    tmp: new Float64Array(k),
  };
}

export interface FilterOptions {
  /** Keep per-step quantities for the smoother (costs n·k² memory). */
  readonly store?: boolean;
  /** Skip fitted values (the likelihood search does not need them). */
  readonly likelihoodOnly?: boolean;
  readonly workspace?: FilterWorkspace;
}

/**
 * Runs the exact diffuse Kalman filter over y (NaN = missing) and returns the diffuse log-likelihood,
 * the one-step predictions and the predicted state after the last point.
 */
export function kalmanFilter(
  layout: StateLayout,
  y: Float64Array,
  xreg: readonly Float64Array[],
  variances: StsVariances,
  options: FilterOptions = {},
): FilterResult {
  const k = layout.k;
  const n = y.length;
  const w = options.workspace ?? filterWorkspace(k);
  const { a, pStar, pInf, mStar, mInf, pPrev, z, tmp } = w;
  stateNoise(layout, variances);
  const h = variances.irregular;
  const hasRegressors = layout.structure.regressors > 0;
  a.fill(0);
  pStar.fill(0);
  pInf.fill(0);
  for (let i = 0; i < k; i++) pInf[i * k + i] = 1;
  let diffuse = true;
  let rankLeft = k;
  let steady = false;
  let havePrev = false;
  let fSteady = 0;
  let logFSteady = 0;
  let sumLogFInf = 0;
  let sumLogF = 0;
  let sumV2F = 0;
  let observed = 0;
  let diffuseSteps = 0;
  const likelihoodOnly = options.likelihoodOnly === true;
  const fitted = likelihoodOnly ? new Float64Array(0) : new Float64Array(n);
  const fittedVariance = likelihoodOnly ? new Float64Array(0) : new Float64Array(n);
  const store: FilterStore | null = options.store
    ? {
        a: new Float64Array(n * k),
        pStar: new Float64Array(n * k * k),
        pInf: new Float64Array(n * k * k),
        mStar: new Float64Array(n * k),
        mInf: new Float64Array(n * k),
        v: new Float64Array(n),
        fStar: new Float64Array(n),
        fInf: new Float64Array(n),
      }
    : null;
  observationRow(layout, xreg, 0, z);
  // Nonzero positions of Z (level, seasonal, β): M = P Z' then costs O(k·nnz).
  const nz = new Int32Array(k);
  let nnz = 0;
  const refreshNonzeros = (): void => {
    nnz = 0;
    for (let i = 0; i < k; i++) if (z[i] !== 0) nz[nnz++] = i;
  };
  refreshNonzeros();

  for (let t = 0; t < n; t++) {
    if (hasRegressors && t > 0) {
      observationRow(layout, xreg, t, z);
      refreshNonzeros();
    }
    let yhat = 0;
    for (let j = 0; j < nnz; j++) yhat += z[nz[j]!]! * a[nz[j]!]!;
    const yt = y[t]!;
    if (store) {
      store.a.set(a, t * k);
      store.pStar.set(pStar, t * k * k);
      if (diffuse) store.pInf.set(pInf, t * k * k);
    }

    if (steady && !Number.isNaN(yt)) {
      // Converged: P_* and the gain no longer change (no regressors, no gap since convergence).
      const v = yt - yhat;
      sumLogF += logFSteady;
      sumV2F += (v * v) / fSteady;
      observed++;
      const c = v / fSteady;
      for (let i = 0; i < k; i++) a[i]! += mStar[i]! * c;
      transformRows(layout, a, 1, tmp);
      if (!likelihoodOnly) {
        fitted[t] = yhat;
        fittedVariance[t] = fSteady;
      }
      if (store) {
        store.mStar.set(mStar, t * k);
        store.v[t] = v;
        store.fStar[t] = fSteady;
      }
      continue;
    }
    steady = false;
    let canSettle = false;

    // M_* = P_* Z', F_* = Z P_* Z' + σ²_ε (and the same for P_∞).
    let fStar = h;
    for (let i = 0; i < k; i++) {
      const row = i * k;
      let s = 0;
      for (let j = 0; j < nnz; j++) s += pStar[row + nz[j]!]! * z[nz[j]!]!;
      mStar[i] = s;
    }
    for (let j = 0; j < nnz; j++) fStar += z[nz[j]!]! * mStar[nz[j]!]!;
    let fInf = 0;
    if (diffuse) {
      let zz = 0;
      for (let i = 0; i < k; i++) {
        const row = i * k;
        let s = 0;
        for (let j = 0; j < nnz; j++) s += pInf[row + nz[j]!]! * z[nz[j]!]!;
        mInf[i] = s;
      }
      for (let j = 0; j < nnz; j++) {
        fInf += z[nz[j]!]! * mInf[nz[j]!]!;
        zz += z[nz[j]!]! * z[nz[j]!]!;
      }
      if (fInf <= DIFFUSE_TOLERANCE * zz) fInf = 0;
    }

    if (Number.isNaN(yt)) {
      // Missing: no update (D&K §4.10); the prediction step below still runs.
      if (!likelihoodOnly) {
        fitted[t] = diffuse && fInf > 0 ? Number.NaN : yhat;
        fittedVariance[t] = diffuse && fInf > 0 ? Number.NaN : fStar;
      }
      if (store) {
        store.v[t] = Number.NaN;
        store.fStar[t] = fStar;
        store.fInf[t] = fInf;
      }
    } else {
      const v = yt - yhat;
      observed++;
      if (store) {
        store.mStar.set(mStar, t * k);
        store.v[t] = v;
        store.fStar[t] = fStar;
        store.fInf[t] = fInf;
        if (diffuse) store.mInf.set(mInf, t * k);
      }
      if (fInf > 0) {
        // Diffuse update, D&K eqs. (5.12)-(5.14) with F^(1) = 1/F_∞, F^(2) = −F_*/F_∞².
        diffuseSteps++;
        sumLogFInf += Math.log(fInf);
        const c = v / fInf;
        const f1 = 1 / fInf;
        const f2 = fStar / (fInf * fInf);
        for (let i = 0; i < k; i++) a[i]! += mInf[i]! * c;
        for (let i = 0; i < k; i++) {
          const row = i * k;
          const mi = mInf[i]!;
          const si = mStar[i]!;
          for (let j = 0; j < k; j++) {
            pStar[row + j]! += mi * mInf[j]! * f2 - (si * mInf[j]! + mi * mStar[j]!) * f1;
            pInf[row + j]! -= mi * mInf[j]! * f1;
          }
        }
        if (--rankLeft === 0) {
          diffuse = false;
          pInf.fill(0);
        }
        if (!likelihoodOnly) {
          fitted[t] = Number.NaN;
          fittedVariance[t] = Number.NaN;
        }
      } else {
        sumLogF += Math.log(fStar);
        sumV2F += (v * v) / fStar;
        const c = v / fStar;
        const f1 = 1 / fStar;
        for (let i = 0; i < k; i++) a[i]! += mStar[i]! * c;
        for (let i = 0; i < k; i++) {
          const row = i * k;
          const si = mStar[i]! * f1;
          for (let j = i; j < k; j++) pStar[row + j]! -= si * mStar[j]!;
        }
        for (let i = 1; i < k; i++) for (let j = 0; j < i; j++) pStar[i * k + j] = pStar[j * k + i]!;
        if (!likelihoodOnly) {
          fitted[t] = yhat;
          fittedVariance[t] = fStar;
        }
        canSettle = !diffuse && !hasRegressors;
      }
    }
    transformRows(layout, a, 1, tmp);
    predictCovariance(layout, pStar, tmp, true);
    if (diffuse) predictCovariance(layout, pInf, tmp, false);
    if (canSettle) {
      // Steady when every element of the predicted P_* stopped moving relative to itself (D&K §4.3.4).
      // Comparing F or the gain alone is not enough: a state with a tiny variance (a nearly fixed slope)
      // keeps a covariance that shrinks like 1/t while F is already constant to 16 digits.
      let moved = !havePrev;
      for (let i = 0; i < k * k && !moved; i++) {
        const d = Math.abs(pStar[i]! - pPrev[i]!);
        if (d > STEADY_TOLERANCE * Math.abs(pStar[i]!)) moved = true;
      }
      if (moved) {
        pPrev.set(pStar);
        havePrev = true;
      } else {
        steady = true;
        fSteady = h;
        for (let i = 0; i < k; i++) {
          const row = i * k;
          let sum = 0;
          for (let j = 0; j < nnz; j++) sum += pStar[row + nz[j]!]! * z[nz[j]!]!;
          mStar[i] = sum;
        }
        for (let j = 0; j < nnz; j++) fSteady += z[nz[j]!]! * mStar[nz[j]!]!;
        logFSteady = Math.log(fSteady);
      }
    } else {
      havePrev = false;
    }
  }
  const pEnd = Float64Array.from(pStar);
  return {
    logLik: -0.5 * (observed * LOG_2PI + sumLogFInf + sumLogF + sumV2F),
    observed,
    diffuseSteps,
    sumLogFInf,
    sumLogF,
    sumV2F,
    aEnd: Float64Array.from(a),
    pEnd,
    stillDiffuse: diffuse,
    fitted,
    fittedVariance,
    store,
  };
}
