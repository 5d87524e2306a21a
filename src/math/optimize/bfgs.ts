/**
 * Quasi-Newton minimisation by BFGS with a backtracking line search, as R's `optim(method = "BFGS")`
 * (Nash 1990, "Compact Numerical Methods", algorithm 21; R's `vmmin`), with R's central-difference
 * gradient (step `ndeps` = 1e-3 on the scaled parameters). Following R step for step matters where a
 * fit is compared with R's: on flat likelihoods the optimiser, not the model, decides the last digits.
 */

export interface BfgsOptions {
  /** Parameters are optimised as x / parscale (R's `parscale`); default 1 each. */
  readonly parscale?: ArrayLike<number>;
  /** Relative tolerance on the function value (R's `reltol`, default sqrt(machine epsilon)). */
  readonly reltol?: number;
  /** Iteration limit (R's `maxit`, default 100). */
  readonly maxIterations?: number;
  /** Finite-difference step on the scaled parameters (R's `ndeps`, default 1e-3). */
  readonly ndeps?: number;
}

export interface BfgsResult {
  readonly x: Float64Array;
  readonly value: number;
  /** False when the iteration limit was reached (R's convergence code 1). */
  readonly converged: boolean;
  /** False when the objective or a finite difference was not finite at the start (R stops with an error). */
  readonly ok: boolean;
}

export function bfgs(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: BfgsOptions = {},
): BfgsResult {
  const n = x0.length;
  const scale = Float64Array.from({ length: n }, (_, i) => options.parscale?.[i] ?? 1);
  const reltol = options.reltol ?? Math.sqrt(Number.EPSILON);
  const maxit = options.maxIterations ?? 100;
  const ndeps = options.ndeps ?? 1e-3;
  const xs = new Float64Array(n);
  const fn = (b: Float64Array): number => {
    for (let i = 0; i < n; i++) xs[i] = b[i]! * scale[i]!;
    return f(xs);
  };
  const gradient = (b: Float64Array, g: Float64Array): boolean => {
    for (let i = 0; i < n; i++) {
      const bi = b[i]!;
      b[i] = bi + ndeps;
      const v1 = fn(b);
      b[i] = bi - ndeps;
      const v2 = fn(b);
      b[i] = bi;
      const gi = (v1 - v2) / (2 * ndeps);
      if (!Number.isFinite(gi)) return false;
      g[i] = gi;
    }
    return true;
  };
  const b = Float64Array.from({ length: n }, (_, i) => x0[i]! / scale[i]!);
  const unscale = (): Float64Array => Float64Array.from(b, (v, i) => v * scale[i]!);
  if (n === 0) return { x: new Float64Array(0), value: fn(b), converged: true, ok: true };
  let f0 = fn(b);
  if (!Number.isFinite(f0)) return { x: unscale(), value: f0, converged: false, ok: false };
  const g = new Float64Array(n);
  if (!gradient(b, g)) return { x: unscale(), value: f0, converged: false, ok: false };
  const B = new Float64Array(n * n);
  const X = new Float64Array(n);
  const c = new Float64Array(n);
  const t = new Float64Array(n);
  const stepredn = 0.2;
  const acctol = 1e-4;
  const reltest = 10;
  let iter = 1;
  let gradcount = 1;
  let ilast = gradcount;
  let count = 0;
  let fval = f0;
  do {
    if (ilast === gradcount) {
      B.fill(0);
      for (let i = 0; i < n; i++) B[i * n + i] = 1;
    }
    for (let i = 0; i < n; i++) {
      X[i] = b[i]!;
      c[i] = g[i]!;
    }
    let gradproj = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j <= i; j++) s -= B[i * n + j]! * g[j]!;
      for (let j = i + 1; j < n; j++) s -= B[j * n + i]! * g[j]!;
      t[i] = s;
      gradproj += s * g[i]!;
    }
    if (gradproj < 0) {
      let steplength = 1;
      let accpoint = false;
      do {
        count = 0;
        for (let i = 0; i < n; i++) {
          b[i] = X[i]! + steplength * t[i]!;
          if (reltest + X[i]! === reltest + b[i]!) count++;
        }
        if (count < n) {
          fval = fn(b);
          accpoint = Number.isFinite(fval) && fval <= f0 + gradproj * steplength * acctol;
          if (!accpoint) steplength *= stepredn;
        }
      } while (!(count === n || accpoint));
      const enough = Math.abs(fval - f0) > reltol * (Math.abs(f0) + reltol);
      if (!enough) {
        count = n;
        f0 = fval;
      }
      if (count < n) {
        f0 = fval;
        if (!gradient(b, g)) return { x: unscale(), value: f0, converged: false, ok: false };
        gradcount++;
        iter++;
        let D1 = 0;
        for (let i = 0; i < n; i++) {
          t[i] = steplength * t[i]!;
          c[i] = g[i]! - c[i]!;
          D1 += t[i]! * c[i]!;
        }
        if (D1 > 0) {
          let D2 = 0;
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let j = 0; j <= i; j++) s += B[i * n + j]! * c[j]!;
            for (let j = i + 1; j < n; j++) s += B[j * n + i]! * c[j]!;
            X[i] = s;
            D2 += s * c[i]!;
          }
          D2 = 1 + D2 / D1;
          for (let i = 0; i < n; i++) {
            for (let j = 0; j <= i; j++)
              B[i * n + j]! += (D2 * t[i]! * t[j]! - X[i]! * t[j]! - t[i]! * X[j]!) / D1;
          }
        } else {
          ilast = gradcount;
        }
      } else if (ilast < gradcount) {
        count = 0;
        ilast = gradcount;
      }
    } else {
      count = 0;
      if (ilast === gradcount) count = n;
      else ilast = gradcount;
    }
    if (iter >= maxit) break;
    if (gradcount - ilast > 2 * n) ilast = gradcount;
  } while (count !== n || ilast !== gradcount);
  return { x: unscale(), value: f0, converged: iter < maxit, ok: true };
}
