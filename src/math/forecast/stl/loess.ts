/**
 * The local regressions STL is built from: `stlest` (one tricube-weighted local constant or local
 * linear fit at a point) and `stless` (that fit along a series, at every `jump`-th point with linear
 * interpolation between), as in the Fortran of Cleveland, Cleveland, McRae & Terpenning (1990), "STL:
 * A Seasonal-Trend Decomposition Procedure Based on Loess", J. Official Statistics 6(1), which R's
 * `stats::stl` and statsmodels' `STL` both run. Positions are the Fortran's 1-based `1..n` so that the
 * end-point extrapolations at `0` and `n + 1` read as in the paper; a `Span` maps them onto an offset
 * and stride in a flat Float64Array, so the cycle-subseries of a long series are smoothed in place.
 */

/** A strided view: logical position j (1-based) is `data[offset + (j - 1) * stride]`. */
export interface Span {
  data: Float64Array;
  offset: number;
  stride: number;
}

export function span(data: Float64Array, offset = 0, stride = 1): Span {
  return { data, offset, stride };
}

/**
 * The local fit at position `xs` from the points `nleft..nright` of `y` (length n), with tricube
 * weights over the half-width h = max(xs - nleft, nright - xs), widened by (len - n) / 2 when the
 * window is longer than the series; times the robustness weights `rw` when given. Degree 1 adds
 * the weighted linear term unless the points' weighted spread is below 0.001 of the range, as the
 * Fortran does. Returns the fitted value, or NaN when every weight is zero (the caller then keeps
 * the data value, as `stless` does when `ok` is false). `w` is scratch of at least `nright` + 1.
 */
export function loessAt(
  y: Span,
  n: number,
  len: number,
  degree: number,
  xs: number,
  nleft: number,
  nright: number,
  w: Float64Array,
  rw: Span | null,
): number {
  const range = n - 1;
  let h = Math.max(xs - nleft, nright - xs);
  // Integer division, as the Fortran's (len - n) / 2.
  if (len > n) h += Math.trunc((len - n) / 2);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  let a = 0;
  for (let j = nleft; j <= nright; j++) {
    let wj = 0;
    const r = Math.abs(j - xs);
    if (r <= h9) {
      if (r <= h1) wj = 1;
      else {
        const q = r / h;
        const c = 1 - q * q * q;
        wj = c * c * c;
      }
      if (rw !== null) wj *= rw.data[rw.offset + (j - 1) * rw.stride]!;
      a += wj;
    }
    w[j] = wj;
  }
  if (a <= 0) return Number.NaN;
  for (let j = nleft; j <= nright; j++) w[j] = w[j]! / a;
  if (h > 0 && degree > 0) {
    let mean = 0;
    for (let j = nleft; j <= nright; j++) mean += w[j]! * j;
    let b = xs - mean;
    let c = 0;
    for (let j = nleft; j <= nright; j++) c += w[j]! * (j - mean) * (j - mean);
    if (Math.sqrt(c) > 0.001 * range) {
      b /= c;
      for (let j = nleft; j <= nright; j++) w[j] = w[j]! * (b * (j - mean) + 1);
    }
  }
  let ys = 0;
  const d = y.data;
  for (let j = nleft; j <= nright; j++) ys += w[j]! * d[y.offset + (j - 1) * y.stride]!;
  return ys;
}

/**
 * Loess of `y` (length n) with window `len` and `degree`, evaluated at every `jump`-th position and
 * linearly interpolated between (the Fortran's `stless`), written to `out` (positions 1..n). Returns
 * nothing; `w` is scratch of at least n + 1.
 */
export function loessSmooth(
  y: Span,
  n: number,
  len: number,
  degree: number,
  jump: number,
  rw: Span | null,
  out: Span,
  w: Float64Array,
): void {
  const yd = y.data;
  const od = out.data;
  const at = (j: number) => y.offset + (j - 1) * y.stride;
  const ot = (j: number) => out.offset + (j - 1) * out.stride;
  if (n < 2) {
    od[ot(1)] = yd[at(1)]!;
    return;
  }
  const newnj = Math.min(jump, n - 1);
  let nleft = 1;
  let nright = n;
  const fitAt = (i: number) => {
    const v = loessAt(y, n, len, degree, i, nleft, nright, w, rw);
    od[ot(i)] = Number.isNaN(v) ? yd[at(i)]! : v;
  };
  if (len >= n) {
    nleft = 1;
    nright = n;
    for (let i = 1; i <= n; i += newnj) fitAt(i);
  } else if (newnj === 1) {
    const nsh = Math.trunc((len + 1) / 2);
    nleft = 1;
    nright = len;
    for (let i = 1; i <= n; i++) {
      if (i > nsh && nright !== n) {
        nleft++;
        nright++;
      }
      fitAt(i);
    }
  } else {
    const nsh = Math.trunc((len + 1) / 2);
    for (let i = 1; i <= n; i += newnj) {
      if (i < nsh) {
        nleft = 1;
        nright = len;
      } else if (i >= n - nsh + 1) {
        nleft = n - len + 1;
        nright = n;
      } else {
        nleft = i - nsh + 1;
        nright = len + i - nsh;
      }
      fitAt(i);
    }
  }
  if (newnj !== 1) {
    for (let i = 1; i <= n - newnj; i += newnj) {
      const start = od[ot(i)]!;
      const delta = (od[ot(i + newnj)]! - start) / newnj;
      for (let j = i + 1; j <= i + newnj - 1; j++) od[ot(j)] = start + delta * (j - i);
    }
    const k = Math.trunc((n - 1) / newnj) * newnj + 1;
    if (k !== n) {
      // The last window (nleft, nright) of the loop above is reused, as in the Fortran.
      fitAt(n);
      if (k !== n - 1) {
        const start = od[ot(k)]!;
        const delta = (od[ot(n)]! - start) / (n - k);
        for (let j = k + 1; j <= n - 1; j++) od[ot(j)] = start + delta * (j - k);
      }
    }
  }
}
