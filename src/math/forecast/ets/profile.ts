/**
 * The weights search with the initial state concentrated out (a profile likelihood; `concentrate.ts`)
 * for the additive-error forms without a multiplicative season: Nelder-Mead over α, β, γ, φ only
 * (1-4 dimensions instead of up to 28), each point scored at its least-squares initial state. R's lik
 * for these forms is n·log Σe², monotone in Σe², so the score is the likelihood exactly minimised over
 * x0 and the result is the joint maximum likelihood up to the weights search.
 *
 * Multiplicative errors are not profiled: their lik weights errors by 1/ŷ² and adds 2·Σlog|ŷ|, so the
 * unweighted least-squares x0 is only a start, and a measured polish from it (30 evaluations per
 * dimension) ended 5-165 units of log-likelihood below R on 4 of 9 hourly-taxi forms. A weighted
 * Gram matrix loses the shift structure that keeps the solve at O(n·m).
 */
import { nelderMead } from '../../optimize/nelder-mead.ts';
import { LOWER, parametersAllowed, UPPER } from './admissible.ts';
import { createConcentrator } from './concentrate.ts';
import { type EtsForm, hasSeason, hasTrend } from './form.ts';

export interface Profiled {
  /** α, β?, γ?, φ? in the order the joint search uses. */
  readonly weights: number[];
  /** The free initial states (l0, b0?, s1..s_{m−1}) at those weights. */
  readonly states: Float64Array;
}

/** True for the forms `profileWeights` fits exactly: additive error, no multiplicative season. */
export function isProfiled(form: EtsForm): boolean {
  return form.error === 'A' && form.season !== 'M';
}

/**
 * The best weights (and their concentrated states) for a form `isProfiled` accepts; null when no
 * admissible point of the start grid has a finite score. `heuristic` is R's `initstate` for the form.
 * `start` (weights in the search's order) replaces the grid, and the first simplex is a quarter of
 * the usual size: for a backtest window, whose weights are close to those fitted to the whole series.
 */
export function profileWeights(
  y: Float64Array,
  form: EtsForm,
  period: number,
  heuristic: ArrayLike<number>,
  start?: readonly number[],
): Profiled | null {
  const n = y.length;
  const has = { trend: hasTrend(form), season: hasSeason(form), damped: form.trend === 'Ad' };
  const concentrator = createConcentrator(y, form.trend, has.season, period, heuristic);
  const free = new Float64Array(heuristic.length);
  const states = new Float64Array(heuristic.length);
  const params = { alpha: 0, beta: 0, gamma: 0, phi: 1 };

  /**
   * Scores weights w, leaving the concentrated states in `states`. A point outside the box is scored
   * at its projection onto the box plus a small slope away from it: optima often sit on the box
   * (γ = 1e-4, α = 0.9999), where an Infinity wall makes the simplex creep toward the corner for
   * hundreds of evaluations, while the projected score lets it settle there.
   */
  const score = (w: ArrayLike<number>): number => {
    const distance = project(params, w, has);
    if (!parametersAllowed(params, has, period)) return Number.POSITIVE_INFINITY;
    const value = concentratedScore();
    return value + distance * slope;
  };
  let slope = 0;
  const concentratedScore = (): number => {
    const sse = concentrator.solve(params, free);
    if (!Number.isFinite(sse)) return Number.POSITIVE_INFINITY;
    states.set(free);
    // As R: a perfect fit's log(0) would end the search at −Infinity.
    return sse > 0 ? Math.max(n * Math.log(sse), -1e10) : -1e10;
  };

  // The score is multimodal in α (a local optimum at small α and another near 1 is common), so the
  // search starts from the best point of a coarse grid.
  let first: number[] | null = null;
  let startValue = Number.POSITIVE_INFINITY;
  for (const w of start ? [[...start]] : startGrid(has)) {
    const value = score(w);
    if (value < startValue) {
      startValue = value;
      first = w;
    }
  }
  if (!first) return null;
  // Leaving the box by 0.01 costs about a unit of lik (half a unit of log-likelihood) per 10,000.
  slope = 1e-2 * Math.max(1, Math.abs(startValue));
  const from = first;
  const steps = from.map((_, i) => stepFor(i, from, has) / (start ? 4 : 1));
  const tolerance = { functionTolerance: 1e-6 * Math.max(1, Math.abs(startValue)), pointTolerance: 1e-3 };
  let best = nelderMead(score, from, {
    ...tolerance,
    initialStep: steps,
    maxEvaluations: 150 * from.length,
  });
  // A restart with a fresh, smaller simplex: cheap in ≤ 4 dimensions, and it moves off a collapsed simplex.
  // It also settles the weights more tightly than the first, loose search needs to.
  const again = nelderMead(score, best.x, {
    functionTolerance: 1e-8 * Math.max(1, Math.abs(best.value)),
    pointTolerance: 1e-5,
    initialStep: steps.map((s) => s / 4),
    maxEvaluations: 60 * from.length,
  });
  if (again.value <= best.value) best = again;
  if (!Number.isFinite(best.value)) return null;
  score(best.x);
  return { weights: weightsArray(params, has), states: Float64Array.from(states) };
}

/** Writes the projection of w onto the box (β ≤ α, γ ≤ 1 − α) into params; returns the L1 distance moved. */
function project(
  params: { alpha: number; beta: number; gamma: number; phi: number },
  w: ArrayLike<number>,
  has: { trend: boolean; season: boolean; damped: boolean },
): number {
  let i = 0;
  const a = w[i++]!;
  params.alpha = clamp(a, LOWER.alpha, UPPER.alpha);
  let distance = Math.abs(a - params.alpha);
  params.beta = 0;
  params.gamma = 0;
  params.phi = 1;
  if (has.trend) {
    const b = w[i++]!;
    params.beta = clamp(b, LOWER.beta, Math.min(UPPER.beta, params.alpha));
    distance += Math.abs(b - params.beta);
  }
  if (has.season) {
    const g = w[i++]!;
    params.gamma = clamp(g, LOWER.gamma, Math.min(UPPER.gamma, 1 - params.alpha));
    distance += Math.abs(g - params.gamma);
  }
  if (has.damped) {
    const f = w[i++]!;
    params.phi = clamp(f, LOWER.phi, UPPER.phi);
    distance += Math.abs(f - params.phi);
  }
  return Number.isNaN(distance) ? Number.POSITIVE_INFINITY : distance;
}

function weightsArray(
  params: { alpha: number; beta: number; gamma: number; phi: number },
  has: { trend: boolean; season: boolean; damped: boolean },
): number[] {
  const w = [params.alpha];
  if (has.trend) w.push(params.beta);
  if (has.season) w.push(params.gamma);
  if (has.damped) w.push(params.phi);
  return w;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** α over its range; β and γ as shares of their room (β ≤ α, γ ≤ 1 − α); φ near its upper end. */
function* startGrid(has: { trend: boolean; season: boolean; damped: boolean }): Generator<number[]> {
  for (const alpha of [0.02, 0.1, 0.3, 0.6, 0.95]) {
    for (const beta of has.trend ? [0.05 * alpha, 0.5 * alpha] : [0]) {
      for (const gamma of has.season ? [0.05, 0.3].map((g) => g * (1 - alpha)) : [0]) {
        for (const phi of has.damped ? [0.9, 0.97] : [1]) {
          const w = [alpha];
          if (has.trend) w.push(beta);
          if (has.season) w.push(gamma);
          if (has.damped) w.push(phi);
          yield w;
        }
      }
    }
  }
}

/** First simplex step of weight i: toward the interior, about a fifth of the room on that side. */
function stepFor(i: number, w: number[], has: { trend: boolean; season: boolean; damped: boolean }): number {
  const alpha = w[0]!;
  if (i === 0) return alpha > 0.5 ? -0.2 * (alpha - LOWER.alpha) : 0.2 * (UPPER.alpha - alpha);
  let k = 1;
  if (has.trend && i === k++) return 0.5 * w[i]!;
  if (has.season && i === k++) return w[i]! < 0.5 * (1 - alpha) ? 0.3 * (1 - alpha - w[i]!) : -0.3 * w[i]!;
  return -0.3 * (w[i]! - LOWER.phi);
}
