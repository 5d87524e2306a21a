/**
 * One scale for every detector: a tail probability p becomes a score `min(1, -log10(p) / 10)`, so 0.3
 * is a 1-in-1,000 point, 0.5 a 1-in-100,000 point, 1 a 1-in-10-billion point or rarer. A log scale keeps
 * extreme points apart (a probability scale would round every point past 6 sigma to 1), which is what a
 * threshold chosen over many series needs, and lets scores of different detectors be compared and combined.
 */
import { normalCdf } from '../stats/distributions.ts';

/** Decades of probability that map to a score of 1. */
export const SCORE_DECADES = 10;
/** The sensitivity used when none is given. */
export const DEFAULT_SENSITIVITY = 0.5;

/**
 * The fraction of the flag score that marks a point still inside a flagged episode (Numenta's yellow
 * zone): a detector that flags a sustained change once scores its later points here, and an alert rule
 * holds a breach while its scores stay at or above it.
 */
export const EPISODE_SCORE_FRACTION = 0.6;

/** The score of a point whose tail probability is `p` (clamped to [1e-10, 1]). */
export function scoreFromP(p: number): number {
  if (!(p < 1)) return 0;
  if (!(p > 0)) return 1;
  return Math.min(1, -Math.log10(p) / SCORE_DECADES);
}

/** The tail probability a score stands for: the inverse of `scoreFromP` below 1. */
export function pFromScore(score: number): number {
  return 10 ** (-score * SCORE_DECADES);
}

/** The tail probability that flags a point: 10^-(2 + 6 (1 - sensitivity)), from 1e-8 at 0 to 1e-2 at 1. */
export function alphaFor(sensitivity: number = DEFAULT_SENSITIVITY): number {
  const s = Math.min(1, Math.max(0, sensitivity));
  return 10 ** -(2 + 6 * (1 - s));
}

/** The score at and above which a point is flagged at `sensitivity`. */
export function flagScore(sensitivity: number = DEFAULT_SENSITIVITY): number {
  return scoreFromP(alphaFor(sensitivity));
}

/** Two-sided normal tail probability of a standardised deviation z: P(|Z| >= |z|). */
export function twoSidedNormalP(z: number): number {
  if (!Number.isFinite(z)) return Number.isNaN(z) ? 1 : 0;
  return 2 * normalCdf(-Math.abs(z));
}

/** The half-width, in standard deviations, of the two-sided normal band at `sensitivity`. */
export function normalBandZ(sensitivity: number = DEFAULT_SENSITIVITY): number {
  // Solve 2 Phi(-z) = alpha by bisection on a monotone function: no quantile-function edge cases at 1e-8.
  const alpha = alphaFor(sensitivity);
  let lo = 0;
  let hi = 40;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (twoSidedNormalP(mid) > alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
