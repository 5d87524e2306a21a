/**
 * Derivative-free minimisation by the Nelder-Mead simplex (Nelder & Mead 1965), with the adaptive
 * coefficients of Gao & Han (2012, "Implementing the Nelder-Mead simplex algorithm with adaptive
 * parameters") that keep it working in more than a few dimensions. Bounds and constraints are the
 * caller's: return Infinity (or a penalty) outside the feasible region, or optimise a transform.
 *
 * Stops when the spread of function values over the simplex and the simplex's size both fall below
 * the tolerances (as scipy's `fmin`: `fatol`, `xatol`), or at `maxEvaluations`.
 */

export interface NelderMeadOptions {
  /** Absolute tolerance on the spread of function values across the simplex (default 1e-8). */
  readonly functionTolerance?: number;
  /** Absolute tolerance on the largest coordinate distance from the best vertex (default 1e-8). */
  readonly pointTolerance?: number;
  /** At most this many evaluations of f (default 200 per dimension, at least 400). */
  readonly maxEvaluations?: number;
  /** Initial step per coordinate (default 5% of the coordinate, or 0.00025 where it is 0, as scipy). */
  readonly initialStep?: number | ArrayLike<number>;
}

export interface NelderMeadResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly evaluations: number;
  /** False when the evaluation budget ran out before the tolerances were met. */
  readonly converged: boolean;
}

export function nelderMead(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const n = x0.length;
  const fTol = options.functionTolerance ?? 1e-8;
  const xTol = options.pointTolerance ?? 1e-8;
  const maxEvaluations = options.maxEvaluations ?? Math.max(400, 200 * n);
  const alpha = 1;
  const beta = 1 + 2 / n; // expansion
  const gamma = 0.75 - 1 / (2 * n); // contraction
  const delta = 1 - 1 / n; // shrink
  let evaluations = 0;
  const evaluate = (x: Float64Array): number => {
    evaluations++;
    const value = f(x);
    return Number.isNaN(value) ? Number.POSITIVE_INFINITY : value;
  };

  const simplex: Float64Array[] = [];
  const values = new Float64Array(n + 1);
  simplex.push(Float64Array.from(x0));
  for (let i = 0; i < n; i++) {
    const vertex = Float64Array.from(x0);
    const step = options.initialStep;
    const h =
      step === undefined
        ? vertex[i] !== 0
          ? 0.05 * vertex[i]!
          : 0.00025
        : typeof step === 'number'
          ? step
          : step[i]!;
    vertex[i]! += h;
    simplex.push(vertex);
  }
  for (let i = 0; i <= n; i++) values[i] = evaluate(simplex[i]!);

  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Float64Array(n);
  const reflected = new Float64Array(n);
  const trial = new Float64Array(n);
  let converged = false;

  while (evaluations < maxEvaluations) {
    order.sort((a, b) => values[a]! - values[b]!);
    const best = order[0]!;
    const worst = order[n]!;
    const secondWorst = order[n - 1]!;
    if (converged || isConverged(simplex, values, best, fTol, xTol)) {
      converged = true;
      break;
    }
    centroid.fill(0);
    for (let k = 0; k < n; k++) {
      const v = simplex[order[k]!]!;
      for (let j = 0; j < n; j++) centroid[j]! += v[j]! / n;
    }
    const w = simplex[worst]!;
    for (let j = 0; j < n; j++) reflected[j] = centroid[j]! + alpha * (centroid[j]! - w[j]!);
    const fr = evaluate(reflected);
    if (fr < values[best]!) {
      for (let j = 0; j < n; j++) trial[j] = centroid[j]! + beta * (reflected[j]! - centroid[j]!);
      const fe = evaluate(trial);
      if (fe < fr) replace(simplex, values, worst, trial, fe);
      else replace(simplex, values, worst, reflected, fr);
      continue;
    }
    if (fr < values[secondWorst]!) {
      replace(simplex, values, worst, reflected, fr);
      continue;
    }
    // Contract: outside when the reflection beat the worst vertex, inside otherwise.
    const outside = fr < values[worst]!;
    for (let j = 0; j < n; j++) {
      trial[j] = outside
        ? centroid[j]! + gamma * (reflected[j]! - centroid[j]!)
        : centroid[j]! - gamma * (centroid[j]! - w[j]!);
    }
    const fc = evaluate(trial);
    if (fc < (outside ? fr : values[worst]!)) {
      replace(simplex, values, worst, trial, fc);
      continue;
    }
    const b = simplex[best]!;
    for (let k = 1; k <= n; k++) {
      const v = simplex[order[k]!]!;
      for (let j = 0; j < n; j++) v[j] = b[j]! + delta * (v[j]! - b[j]!);
      values[order[k]!] = evaluate(v);
      if (evaluations >= maxEvaluations) break;
    }
  }

  let bestIndex = 0;
  for (let i = 1; i <= n; i++) if (values[i]! < values[bestIndex]!) bestIndex = i;
  return {
    x: Float64Array.from(simplex[bestIndex]!),
    value: values[bestIndex]!,
    evaluations,
    converged,
  };
}

function replace(
  simplex: Float64Array[],
  values: Float64Array,
  index: number,
  x: Float64Array,
  fx: number,
): void {
  simplex[index]!.set(x);
  values[index] = fx;
}

function isConverged(
  simplex: readonly Float64Array[],
  values: Float64Array,
  best: number,
  fTol: number,
  xTol: number,
): boolean {
  let fSpread = 0;
  let xSpread = 0;
  const b = simplex[best]!;
  for (let i = 0; i < simplex.length; i++) {
    if (i === best) continue;
    fSpread = Math.max(fSpread, Math.abs(values[i]! - values[best]!));
    const v = simplex[i]!;
    for (let j = 0; j < b.length; j++) xSpread = Math.max(xSpread, Math.abs(v[j]! - b[j]!));
  }
  return fSpread <= fTol && xSpread <= xTol;
}
