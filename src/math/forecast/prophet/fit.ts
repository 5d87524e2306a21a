/**
 * The maximum a posteriori fit of the Prophet model (Taylor & Letham 2018, section 3; Prophet's
 * default fit is this MAP by L-BFGS in Stan). On the scaled series y the log posterior is, up to a
 * constant,
 *   -RSS(theta) / (2 sigma^2) - n log sigma - sum_j |delta_j| / tau - sum_c theta_c^2 / (2 s_c^2) - sigma^2 / (2 * 0.5^2),
 * with sigma's half-normal(0, 0.5) prior. For a fixed sigma this is a lasso (the Laplace prior is an
 * L1 penalty sigma^2 / tau on the deltas) plus ridge (sigma^2 / s_c^2 on the Gaussian-prior
 * coefficients) least squares, solved by cyclic coordinate descent on the Gram matrix X'X (Friedman,
 * Hastie & Tibshirani 2010, "Regularization Paths for Generalized Linear Models via Coordinate
 * Descent", with covariance updates: O(p) per coordinate, nothing per data point). For fixed theta the
 * sigma^2 that maximises is the positive root of 4 s^2 + n s - RSS = 0. The two steps alternate until
 * sigma settles; each step raises the posterior, so the alternation converges.
 *
 * The ramps of neighbouring changepoints are nearly collinear, which makes plain coordinate descent
 * crawl (20,000 passes did not reach 1e-11 on 730 daily points). So every few passes the current
 * active set and signs are tried as the answer: the lasso optimum on a known active set with known
 * signs solves (G_AA + R) theta_A = b_A - lambda sign_A (R the ridge terms), and it is the optimum when
 * the signs agree and every inactive delta meets the KKT condition |b_j - (G theta)_j| <= lambda
 * (Tibshirani 2013, "The lasso problem and uniqueness"), with a few active-set corrections (drop a
 * coordinate whose sign flips, add one that breaks KKT). Descent resumes when that does not settle.
 */
import type { ColumnPrior } from './design.ts';

export interface MapFit {
  /** Rows the fit used. */
  readonly n: number;
  readonly theta: Float64Array;
  /** X'X of the design (p x p, row-major), for the estimate's covariance. */
  readonly gram: Float64Array;
  /** The observation sd on the scaled axis. */
  readonly sigma: number;
  readonly rss: number;
  readonly converged: boolean;
  readonly sweeps: number;
}

/** X'X (p x p, row-major) and X'y of a row-major n x p design, over the rows `keep` marks (all if null). */
export function gram(x: Float64Array, y: Float64Array, n: number, p: number, keep: Uint8Array | null = null) {
  const g = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let r = 0; r < n; r++) {
    if (keep !== null && keep[r] === 0) continue;
    const row = r * p;
    const yr = y[r]!;
    for (let i = 0; i < p; i++) {
      const xi = x[row + i]!;
      if (xi === 0) continue;
      b[i] = b[i]! + xi * yr;
      const gi = i * p;
      for (let j = i; j < p; j++) g[gi + j] = g[gi + j]! + xi * x[row + j]!;
    }
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) g[i * p + j] = g[j * p + i]!;
  return { g, b };
}

/** sigma^2 at the MAP for a given RSS: the positive root of 4 s^2 + n s - RSS = 0 (half-normal(0, 0.5) prior). */
export function sigmaSquaredFor(rss: number, n: number): number {
  return (-n + Math.sqrt(n * n + 16 * Math.max(0, rss))) / 8;
}

/**
 * The MAP coefficients and sigma of y (scaled) on the design x with the given column priors.
 * Rows where `keep` is 0 are left out (as missing points are in Prophet). `maxSweeps` bounds the
 * coordinate-descent passes over all columns in total.
 */
export function fitMap(
  x: Float64Array,
  y: Float64Array,
  rows: number,
  p: number,
  priors: readonly ColumnPrior[],
  keep: Uint8Array | null = null,
  maxSweeps = 20000,
): MapFit {
  const { g, b } = gram(x, y, rows, p, keep);
  let yy = 0;
  let n = 0;
  for (let i = 0; i < rows; i++) {
    if (keep !== null && keep[i] === 0) continue;
    yy += y[i]! * y[i]!;
    n++;
  }
  const theta = new Float64Array(p);
  const gTheta = new Float64Array(p); // G theta, kept up to date
  const rssOf = () => {
    let quad = 0;
    let lin = 0;
    for (let i = 0; i < p; i++) {
      quad += theta[i]! * gTheta[i]!;
      lin += theta[i]! * b[i]!;
    }
    return Math.max(0, yy - 2 * lin + quad);
  };
  // Start sigma at a tenth of y's sd: small enough that the first lasso pass follows the data.
  let mean = 0;
  for (let i = 0; i < rows; i++) if (keep === null || keep[i] !== 0) mean += y[i]!;
  mean /= n;
  let s2 = Math.max(1e-12, (0.01 * Math.max(0, yy / n - mean * mean)) as number);
  let sweeps = 0;
  let converged = false;
  const tol = 1e-11;
  for (let outer = 0; outer < 200 && sweeps < maxSweeps; outer++) {
    // Coordinate descent at this sigma.
    let innerConverged = false;
    while (sweeps < maxSweeps) {
      sweeps++;
      let maxChange = 0;
      for (let j = 0; j < p; j++) {
        const gjj = g[j * p + j]!;
        if (gjj <= 0) continue;
        const prior = priors[j]!;
        const old = theta[j]!;
        const z = gjj * old - (gTheta[j]! - b[j]!);
        let next: number;
        if (prior.kind === 'laplace') {
          const lambda = s2 / prior.scale;
          next = z > lambda ? (z - lambda) / gjj : z < -lambda ? (z + lambda) / gjj : 0;
        } else {
          next = z / (gjj + s2 / (prior.scale * prior.scale));
        }
        const d = next - old;
        if (d !== 0) {
          theta[j] = next;
          const gj = j * p;
          for (let i = 0; i < p; i++) gTheta[i] = gTheta[i]! + d * g[gj + i]!;
          // The change measured in fitted values: |d| sqrt(G_jj) is the norm of its effect on X theta.
          const effect = Math.abs(d) * Math.sqrt(gjj);
          if (effect > maxChange) maxChange = effect;
        }
      }
      if (maxChange < tol * Math.sqrt(n)) {
        innerConverged = true;
        break;
      }
      if (sweeps % 5 === 0 && solveOnActiveSet(g, b, p, priors, s2, theta, gTheta)) {
        innerConverged = true;
        break;
      }
    }
    const nextS2 = Math.max(1e-300, sigmaSquaredFor(rssOf(), n));
    const settled = Math.abs(nextS2 - s2) <= 1e-9 * s2;
    s2 = nextS2;
    if (settled && innerConverged) {
      converged = true;
      break;
    }
  }
  const rss = rssOf();
  return { n, theta, gram: g, sigma: Math.sqrt(sigmaSquaredFor(rss, n)), rss, converged, sweeps };
}

/**
 * Tries the exact lasso-ridge optimum starting from the current active set and signs (see the file
 * comment): a few active-set corrections, each dropping the L1 coordinates whose solved sign flips
 * or else adding the inactive one that breaks KKT the most, with the sign of its gradient. On
 * success writes the optimum to theta and gTheta and returns true; otherwise leaves both as they were.
 */
function solveOnActiveSet(
  g: Float64Array,
  b: Float64Array,
  p: number,
  priors: readonly ColumnPrior[],
  s2: number,
  theta: Float64Array,
  gTheta: Float64Array,
): boolean {
  const sign = new Float64Array(p);
  for (let j = 0; j < p; j++) sign[j] = priors[j]!.kind === 'normal' ? 1 : Math.sign(theta[j]!);
  const next = new Float64Array(p);
  const gNext = new Float64Array(p);
  for (let attempt = 0; attempt < p; attempt++) {
    const active: number[] = [];
    for (let j = 0; j < p; j++) if (sign[j] !== 0) active.push(j);
    const a = active.length;
    const m = new Float64Array(a * a);
    const rhs = new Float64Array(a);
    for (let u = 0; u < a; u++) {
      const ju = active[u]!;
      const prior = priors[ju]!;
      for (let v = 0; v < a; v++) m[u * a + v] = g[ju * p + active[v]!]!;
      if (prior.kind === 'normal') {
        m[u * a + u] = m[u * a + u]! + s2 / (prior.scale * prior.scale);
        rhs[u] = b[ju]!;
      } else {
        rhs[u] = b[ju]! - (s2 / prior.scale) * sign[ju]!;
      }
    }
    if (!choleskySolve(m, rhs, a)) return false;
    let changed = false;
    for (let u = 0; u < a; u++) {
      const ju = active[u]!;
      if (priors[ju]!.kind === 'laplace' && Math.sign(rhs[u]!) !== sign[ju]) {
        sign[ju] = 0;
        changed = true;
      }
    }
    if (changed) continue;
    next.fill(0);
    for (let u = 0; u < a; u++) next[active[u]!] = rhs[u]!;
    for (let i = 0; i < p; i++) {
      let v = 0;
      for (let j = 0; j < p; j++) v += g[i * p + j]! * next[j]!;
      gNext[i] = v;
    }
    // KKT for the inactive L1 coordinates, with a hair of slack for rounding; the worst violator
    // joins (one at a time: adding every violator at once was seen to cycle).
    let worst = -1;
    let worstExcess = 0;
    for (let j = 0; j < p; j++) {
      const prior = priors[j]!;
      if (prior.kind === 'laplace' && sign[j] === 0) {
        const excess = Math.abs(b[j]! - gNext[j]!) - (s2 / prior.scale) * (1 + 1e-9);
        if (excess > worstExcess) {
          worstExcess = excess;
          worst = j;
        }
      }
    }
    if (worst >= 0) {
      sign[worst] = Math.sign(b[worst]! - gNext[worst]!);
      continue;
    }
    theta.set(next);
    gTheta.set(gNext);
    return true;
  }
  return false;
}

/** Solves m x = rhs in place (m is overwritten by its Cholesky factor) (rhs becomes x) for a symmetric positive definite m; false if it is not. */
export function choleskySolve(m: Float64Array, rhs: Float64Array, a: number): boolean {
  for (let j = 0; j < a; j++) {
    let d = m[j * a + j]!;
    for (let k = 0; k < j; k++) d -= m[j * a + k]! * m[j * a + k]!;
    if (!(d > 0)) return false;
    const l = Math.sqrt(d);
    m[j * a + j] = l;
    for (let i = j + 1; i < a; i++) {
      let v = m[i * a + j]!;
      for (let k = 0; k < j; k++) v -= m[i * a + k]! * m[j * a + k]!;
      m[i * a + j] = v / l;
    }
  }
  for (let i = 0; i < a; i++) {
    let v = rhs[i]!;
    for (let k = 0; k < i; k++) v -= m[i * a + k]! * rhs[k]!;
    rhs[i] = v / m[i * a + i]!;
  }
  for (let i = a - 1; i >= 0; i--) {
    let v = rhs[i]!;
    for (let k = i + 1; k < a; k++) v -= m[k * a + i]! * rhs[k]!;
    rhs[i] = v / m[i * a + i]!;
  }
  return true;
}
