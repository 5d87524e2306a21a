/**
 * The distribution functions the tests need, each with the tail it is asked for computed directly, so a
 * p-value of 1e-30 keeps its digits instead of becoming 1 − 0.999…9 = 0. Thin wrappers over stdlib's
 * implementations (Cephes/Boost lineage, the same algorithms scipy calls), named for what they return.
 */

import gammainc from '@stdlib/math-base-special-gammainc';
import betaCdfImpl from '@stdlib/stats-base-dists-beta-cdf';
import betaQuantileImpl from '@stdlib/stats-base-dists-beta-quantile';
import chiSquareCdfImpl from '@stdlib/stats-base-dists-chisquare-cdf';
import normalCdfImpl from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileImpl from '@stdlib/stats-base-dists-normal-quantile';
import tCdfImpl from '@stdlib/stats-base-dists-t-cdf';
import tQuantileImpl from '@stdlib/stats-base-dists-t-quantile';

/** P(Z ≤ x) for a standard normal Z. */
export function normalCdf(x: number): number {
  return normalCdfImpl(x, 0, 1);
}

/** P(Z > x), the upper tail, accurate far into it. */
export function normalSf(x: number): number {
  return normalCdfImpl(-x, 0, 1);
}

/**
 * The x with P(Z ≤ x) = p. stdlib's inverse is good to about 1e-9 relative in the far tails; one Newton
 * step against the (accurate) cdf brings it to full double precision.
 */
export function normalQuantile(p: number): number {
  const x = normalQuantileImpl(p, 0, 1);
  if (!Number.isFinite(x) || p === 0.5) return x;
  const density = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  return x - (normalCdf(x) - p) / density;
}

/** P(T ≤ x) for Student's t with df degrees of freedom; df = Infinity is the standard normal. */
export function tCdf(x: number, df: number): number {
  return df === Number.POSITIVE_INFINITY ? normalCdf(x) : tCdfImpl(x, df);
}

/** P(T > x), the upper tail. */
export function tSf(x: number, df: number): number {
  return tCdf(-x, df);
}

/** The x with P(T ≤ x) = p. */
export function tQuantile(p: number, df: number): number {
  return df === Number.POSITIVE_INFINITY ? normalQuantile(p) : tQuantileImpl(p, df);
}

/** P(X ≤ x) for a chi-square X with k degrees of freedom. */
export function chiSquareCdf(x: number, k: number): number {
  return chiSquareCdfImpl(x, k);
}

/** P(X > x) for a chi-square X with k degrees of freedom: the regularised upper incomplete gamma Q(k/2, x/2). */
export function chiSquareSf(x: number, k: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, k / 2, true, true);
}

/** P(X ≤ x) for X ~ Beta(a, b). */
export function betaCdf(x: number, a: number, b: number): number {
  return betaCdfImpl(x, a, b);
}

/** The x with P(X ≤ x) = p for X ~ Beta(a, b). */
export function betaQuantile(p: number, a: number, b: number): number {
  return betaQuantileImpl(p, a, b);
}
