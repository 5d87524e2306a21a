/**
 * Minimisation of a function of one bounded variable: a grid to find the basin, then golden-section
 * search inside it. The Theta fits reduce to one smoothing weight α once the linear parameters are
 * profiled out, so a robust 1-D search finds the global optimum that a simplex over (α, ℓ0, θ) only
 * approaches (R's `ets` stops its Nelder-Mead at a relative tolerance of 1e-8 on the criterion).
 */

/**
 * The x in [lo, hi] minimising f: the best of `gridSize` evenly spaced points, refined by golden-section
 * search between its neighbours until the bracket is narrower than `tolerance` (Kiefer 1953; Press et
 * al. 2007, §10.2). Non-finite values count as +∞.
 */
export function minimizeBounded(
  f: (x: number) => number,
  lo: number,
  hi: number,
  gridSize = 24,
  tolerance = 1e-10,
): { x: number; value: number } {
  const safe = (x: number): number => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let bestIndex = 0;
  let bestValue = Number.POSITIVE_INFINITY;
  const step = (hi - lo) / (gridSize - 1);
  for (let i = 0; i < gridSize; i++) {
    const v = safe(lo + i * step);
    if (v < bestValue) {
      bestValue = v;
      bestIndex = i;
    }
  }
  let a = lo + Math.max(0, bestIndex - 1) * step;
  let b = lo + Math.min(gridSize - 1, bestIndex + 1) * step;
  const ratio = (Math.sqrt(5) - 1) / 2;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = safe(c);
  let fd = safe(d);
  while (b - a > tolerance) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = safe(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = safe(d);
    }
  }
  const x = fc <= fd ? c : d;
  const value = Math.min(fc, fd);
  // The grid point itself can beat the refined one when the basin sits at a bound.
  return value <= bestValue ? { x, value } : { x: lo + bestIndex * step, value: bestValue };
}
