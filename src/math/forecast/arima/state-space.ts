/**
 * The state-space form of an ARIMA model that R's `stats::arima` uses (`makeARIMA`; Harvey 1989,
 * section 3.3; Durbin & Koopman 2012, section 3.4), and the Kalman filter that gives its exact
 * Gaussian likelihood (R's `ARIMA_Like`). The state stacks the r = max(p, q + 1) ARMA states of the
 * differenced series with the last d + mD undifferenced values; the latter start diffuse (variance
 * kappa = 1e6), so observations whose prediction variance is still above 1e4 are left out of the
 * likelihood, as R does.
 */

/** State-space matrices and the filter's current state; `a` and `P` change as the filter runs. */
export interface ArimaStateSpace {
  readonly phi: Float64Array;
  readonly theta: Float64Array;
  readonly delta: Float64Array;
  /** ARMA state dimension max(p, q + 1). */
  readonly r: number;
  /** Full state dimension r + length(delta). */
  readonly rd: number;
  /** State mean and covariance (column-major rd x rd), both in units of the innovation variance. */
  readonly a: Float64Array;
  readonly P: Float64Array;
  /** Covariance of the first predicted state (R's `Pn`). */
  readonly Pn: Float64Array;
}

/** R's default `kappa`: the prior variance of the undifferenced states. */
const KAPPA = 1e6;

/**
 * The stationary covariance of the r ARMA states for unit innovation variance (R's `getQ0`, which
 * follows Gardner, Harvey & Phillips 1980). Computed here in closed form from the autocovariances
 * gamma(h) and the psi weights: state i is sum_j phi_{i+1+j} y_{t-1-j} + sum_j theta_{i+j} e_{t-j}
 * (Harvey 1989, eq. 3.3.14), so its covariances are sums of gamma, of Cov(y_s, e_u) = psi_{s-u} and of
 * theta products. The two agree to rounding wherever the model is stationary.
 */
export function stationaryStateCovariance(phi: Float64Array, theta: Float64Array, r: number): Float64Array {
  const p = phi.length;
  const q = theta.length;
  const ph = new Float64Array(r + 1); // ph[k] = phi_k, k = 1..r
  for (let k = 0; k < p; k++) ph[k + 1] = phi[k]!;
  const th = new Float64Array(r); // th[k] = theta_k, th[0] = 1
  th[0] = 1;
  for (let k = 0; k < q && k + 1 < r; k++) th[k + 1] = theta[k]!;
  const psi = new Float64Array(r);
  for (let j = 0; j < r; j++) {
    let v = j === 0 ? 1 : th[j]!;
    for (let k = 1; k <= Math.min(j, p); k++) v += ph[k]! * psi[j - k]!;
    psi[j] = v;
  }
  const out = new Float64Array(r * r);
  if (p > 0) {
    const gamma = armaAutocovariance(ph, p, th, q, psi, r);
    // G[i][k] = sum_j phi_{i+1+j} gamma(|j-k|); H[i][k] = sum_{j<k} phi_{i+1+j} psi_{k-1-j}.
    const G = new Float64Array(r * r);
    const H = new Float64Array(r * r);
    for (let i = 0; i < r; i++) {
      const jmax = Math.min(r - 1 - i, p - 1 - i);
      for (let k = 0; k < r; k++) {
        let g = 0;
        let h = 0;
        for (let j = 0; j <= jmax; j++) {
          g += ph[i + 1 + j]! * gamma[Math.abs(j - k)]!;
          if (j < k) h += ph[i + 1 + j]! * psi[k - 1 - j]!;
        }
        G[i * r + k] = g;
        H[i * r + k] = h;
      }
    }
    for (let i = 0; i < r; i++) {
      for (let l = i; l < r; l++) {
        let aa = 0;
        for (let k = 0; l + 1 + k <= p; k++) aa += ph[l + 1 + k]! * G[i * r + k]!;
        let ab = 0;
        for (let k = 0; l + k < r; k++) ab += th[l + k]! * H[i * r + k]!;
        let ba = 0;
        for (let k = 0; i + k < r; k++) ba += th[i + k]! * H[l * r + k]!;
        out[i + r * l] = aa + ab + ba;
      }
    }
  }
  for (let i = 0; i < r; i++) {
    for (let l = i; l < r; l++) {
      let bb = 0;
      for (let j = 0; l + j < r; j++) bb += th[i + j]! * th[l + j]!;
      const v = out[i + r * l]! + bb;
      out[i + r * l] = v;
      out[l + r * i] = v;
    }
  }
  return out;
}

/**
 * gamma(0..r-1) of the ARMA process with unit innovation variance: the first p + 1 from the linear
 * system gamma(k) - sum_j phi_j gamma(|k-j|) = sum_{j>=k} theta_j psi_{j-k}, the rest by the
 * recursion (Brockwell & Davis 1991, eqs. 3.3.8-3.3.9).
 */
function armaAutocovariance(
  ph: Float64Array,
  p: number,
  th: Float64Array,
  q: number,
  psi: Float64Array,
  r: number,
): Float64Array {
  const len = Math.max(r, p + 1);
  const c = new Float64Array(len);
  for (let k = 0; k <= Math.min(q, len - 1); k++) {
    let v = 0;
    for (let j = k; j <= q && j < th.length; j++) v += th[j]! * (j - k < psi.length ? psi[j - k]! : 0);
    c[k] = v;
  }
  const n = p + 1;
  const A = new Float64Array(n * n);
  const b = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    A[k * n + k]! += 1;
    for (let j = 1; j <= p; j++) A[k * n + Math.abs(k - j)]! -= ph[j]!;
    b[k] = c[k]!;
  }
  solveInPlace(A, b, n);
  const gamma = new Float64Array(len);
  for (let k = 0; k < n; k++) gamma[k] = b[k]!;
  for (let k = n; k < len; k++) {
    let v = c[k]!;
    for (let j = 1; j <= p; j++) v += ph[j]! * gamma[k - j]!;
    gamma[k] = v;
  }
  return gamma;
}

/** Gaussian elimination with partial pivoting on a row-major n x n system; the solution replaces b. */
function solveInPlace(A: Float64Array, b: Float64Array, n: number): void {
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let i = col + 1; i < n; i++)
      if (Math.abs(A[i * n + col]!) > Math.abs(A[pivot * n + col]!)) pivot = i;
    if (pivot !== col) {
      for (let j = 0; j < n; j++) {
        const t = A[col * n + j]!;
        A[col * n + j] = A[pivot * n + j]!;
        A[pivot * n + j] = t;
      }
      const t = b[col]!;
      b[col] = b[pivot]!;
      b[pivot] = t;
    }
    const d = A[col * n + col]!;
    for (let i = col + 1; i < n; i++) {
      const f = A[i * n + col]! / d;
      if (f === 0) continue;
      for (let j = col; j < n; j++) A[i * n + j]! -= f * A[col * n + j]!;
      b[i]! -= f * b[col]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let v = b[i]!;
    for (let j = i + 1; j < n; j++) v -= A[i * n + j]! * b[j]!;
    b[i] = v / A[i * n + i]!;
  }
}

/** The initial state-space model for given phi, theta and Delta (R's `makeARIMA`, SSinit "Gardner1980"). */
export function makeStateSpace(phi: Float64Array, theta: Float64Array, delta: Float64Array): ArimaStateSpace {
  const r = Math.max(phi.length, theta.length + 1);
  const d = delta.length;
  const rd = r + d;
  const Pn = new Float64Array(rd * rd);
  const q0 = stationaryStateCovariance(phi, theta, r);
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) Pn[i + rd * j] = q0[i + r * j]!;
  for (let i = r; i < rd; i++) Pn[i + rd * i] = KAPPA;
  return { phi, theta, delta, r, rd, a: new Float64Array(rd), P: new Float64Array(rd * rd), Pn };
}

/** What the filter sums: the weighted squared innovations, the log prediction variances and their count. */
export interface FilterResult {
  readonly ssq: number;
  readonly sumLog: number;
  readonly nUsed: number;
}

/**
 * Runs the Kalman filter over y (R's `ARIMA_Like`), leaving the filtered state of the last point in
 * `model.a`/`model.P`. When `residuals` is given, it receives the standardised innovations
 * (innovation / sqrt(prediction variance)), as R's `residuals(arima(...))`.
 *
 * Once the filtered covariance stops changing (to 1e-12 of its largest element) the filter has
 * reached its steady state and the gain is reused: from then on a step costs O(rd) instead of
 * O(rd^2). The likelihood changes by less than that relative amount; R iterates the Riccati
 * recursion to the end, which costs ~50x more for a seasonal model with m = 24.
 */
export function kalmanFilter(
  y: Float64Array,
  model: ArimaStateSpace,
  residuals?: Float64Array,
): FilterResult {
  const { phi, theta, delta, r, rd, a, P, Pn } = model;
  const p = phi.length;
  const q = theta.length;
  const d = delta.length;
  const anew = new Float64Array(rd);
  const M = new Float64Array(rd);
  const mm = d > 0 ? new Float64Array(rd * rd) : null;
  const Pnew = Pn;
  let ssq = 0;
  let sumLog = 0;
  let nUsed = 0;
  let steady = false;
  let gain = 0;
  for (let l = 0; l < y.length; l++) {
    for (let i = 0; i < r; i++) {
      let tmp = i < r - 1 ? a[i + 1]! : 0;
      if (i < p) tmp += phi[i]! * a[0]!;
      anew[i] = tmp;
    }
    if (d > 0) {
      for (let i = r + 1; i < rd; i++) anew[i] = a[i - 1]!;
      let tmp = a[0]!;
      for (let i = 0; i < d; i++) tmp += delta[i]! * a[r + i]!;
      anew[r] = tmp;
    }
    if (!steady) {
      if (l > 0) predictCovariance(model, P, Pnew, mm);
      gain = Pnew[0]!;
      for (let i = 0; i < d; i++) gain += delta[i]! * Pnew[r + i]!;
      for (let i = 0; i < rd; i++) {
        let tmp = Pnew[i]!;
        for (let j = 0; j < d; j++) tmp += Pnew[i + rd * (r + j)]! * delta[j]!;
        M[i] = tmp;
      }
      for (let i = 0; i < d; i++) gain += delta[i]! * M[r + i]!;
    }
    let resid0 = y[l]! - anew[0]!;
    for (let i = 0; i < d; i++) resid0 -= delta[i]! * anew[r + i]!;
    if (gain < 1e4) {
      nUsed++;
      ssq += (resid0 * resid0) / gain;
      sumLog += Math.log(gain);
    }
    if (residuals) residuals[l] = resid0 / Math.sqrt(gain);
    const k = resid0 / gain;
    for (let i = 0; i < rd; i++) a[i] = anew[i]! + M[i]! * k;
    if (!steady) {
      let change = 0;
      let scale = 0;
      for (let i = 0; i < rd; i++) {
        for (let j = 0; j < rd; j++) {
          const v = Pnew[i + rd * j]! - (M[i]! * M[j]!) / gain;
          change = Math.max(change, Math.abs(v - P[i + rd * j]!));
          scale = Math.max(scale, Math.abs(v));
          P[i + rd * j] = v;
        }
      }
      if (l > 0 && gain < 1e4 && change <= 1e-12 * scale) steady = true;
    }
  }
  void q;
  return { ssq, sumLog, nUsed };
}

/** Pnew = T P T' + R R' (R's `ARIMA_Like` inner step, exploiting the sparsity of T). */
function predictCovariance(
  model: ArimaStateSpace,
  P: Float64Array,
  Pnew: Float64Array,
  mm: Float64Array | null,
): void {
  const { phi, theta, delta, r, rd } = model;
  const p = phi.length;
  const q = theta.length;
  const d = delta.length;
  if (d === 0 || mm === null) {
    for (let i = 0; i < r; i++) {
      const vi = i === 0 ? 1 : i - 1 < q ? theta[i - 1]! : 0;
      for (let j = 0; j < r; j++) {
        let tmp = j === 0 ? vi : j - 1 < q ? vi * theta[j - 1]! : 0;
        if (i < p && j < p) tmp += phi[i]! * phi[j]! * P[0]!;
        if (i < r - 1 && j < r - 1) tmp += P[i + 1 + r * (j + 1)]!;
        if (i < p && j < r - 1) tmp += phi[i]! * P[j + 1]!;
        if (j < p && i < r - 1) tmp += phi[j]! * P[i + 1]!;
        Pnew[i + r * j] = tmp;
      }
    }
    return;
  }
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < rd; j++) {
      let tmp = 0;
      if (i < p) tmp += phi[i]! * P[rd * j]!;
      if (i < r - 1) tmp += P[i + 1 + rd * j]!;
      mm[i + rd * j] = tmp;
    }
  }
  for (let j = 0; j < rd; j++) {
    let tmp = P[rd * j]!;
    for (let k = 0; k < d; k++) tmp += delta[k]! * P[r + k + rd * j]!;
    mm[r + rd * j] = tmp;
  }
  for (let i = 1; i < d; i++) for (let j = 0; j < rd; j++) mm[r + i + rd * j] = P[r + i - 1 + rd * j]!;
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < rd; j++) {
      let tmp = 0;
      if (i < p) tmp += phi[i]! * mm[j]!;
      if (i < r - 1) tmp += mm[rd * (i + 1) + j]!;
      Pnew[j + rd * i] = tmp;
    }
  }
  for (let j = 0; j < rd; j++) {
    let tmp = mm[j]!;
    for (let k = 0; k < d; k++) tmp += delta[k]! * mm[rd * (r + k) + j]!;
    Pnew[j + rd * r] = tmp;
  }
  for (let i = 1; i < d; i++) for (let j = 0; j < rd; j++) Pnew[j + rd * (r + i)] = mm[rd * (r + i - 1) + j]!;
  for (let i = 0; i <= q; i++) {
    const vi = i === 0 ? 1 : theta[i - 1]!;
    for (let j = 0; j <= q; j++) Pnew[i + rd * j]! += vi * (j === 0 ? 1 : theta[j - 1]!);
  }
}

/**
 * h-step forecasts from the filtered state and their variances in units of sigma^2 (R's
 * `KalmanForecast`): a <- T a, P <- T P T' + R R', mean Z'a, variance Z'PZ.
 */
export function kalmanForecast(
  model: ArimaStateSpace,
  horizon: number,
): { mean: Float64Array; variance: Float64Array } {
  const { phi, theta, delta, r, rd } = model;
  const a = Float64Array.from(model.a);
  const P = Float64Array.from(model.P);
  const Pnew = new Float64Array(rd * rd);
  const mm = new Float64Array(rd * rd);
  const anew = new Float64Array(rd);
  const p = phi.length;
  const d = delta.length;
  const mean = new Float64Array(horizon);
  const variance = new Float64Array(horizon);
  const view: ArimaStateSpace = { ...model, a, P, Pn: Pnew };
  for (let h = 0; h < horizon; h++) {
    for (let i = 0; i < r; i++) {
      let tmp = i < r - 1 ? a[i + 1]! : 0;
      if (i < p) tmp += phi[i]! * a[0]!;
      anew[i] = tmp;
    }
    if (d > 0) {
      for (let i = r + 1; i < rd; i++) anew[i] = a[i - 1]!;
      let tmp = a[0]!;
      for (let i = 0; i < d; i++) tmp += delta[i]! * a[r + i]!;
      anew[r] = tmp;
    }
    a.set(anew);
    predictCovariance(view, P, Pnew, d > 0 ? mm : null);
    P.set(Pnew);
    let fc = a[0]!;
    for (let i = 0; i < d; i++) fc += delta[i]! * a[r + i]!;
    let v = P[0]!;
    for (let i = 0; i < d; i++) v += 2 * delta[i]! * P[r + i]!;
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) v += delta[i]! * delta[j]! * P[r + i + rd * (r + j)]!;
    mean[h] = fc;
    variance[h] = v;
  }
  void theta;
  return { mean, variance };
}
