/**
 * Maximum-likelihood fitting of one ETS form, as `forecast::ets` does it (R's `etsmodel`): the
 * smoothing weights and the free initial states are searched jointly by Nelder-Mead on R's `lik`
 * (n·log Σe² + 2·Σlog|ŷ| for multiplicative errors), inside the usual box intersected with the
 * admissible region (`bounds = "both"`), starting from R's `initparam` weights and `initstate` states.
 */
import { nelderMead } from '../../optimize/nelder-mead.ts';
import { LOWER, parametersAllowed, UPPER } from './admissible.ts';
import { type EtsForm, type EtsParams, hasSeason, hasTrend, stateLength } from './form.ts';
import { completeSeasons, initialState } from './init-state.ts';
import { isProfiled, profileWeights } from './profile.ts';
import { etsFilter, etsLik } from './recursion.ts';

export interface EtsFit {
  readonly form: EtsForm;
  /** The seasonal period used (1 when the form has no season). */
  readonly m: number;
  readonly params: EtsParams;
  /** The initial state (l0, b0, s1..sm), R's `states[1, ]`. */
  readonly initialState: Float64Array;
  /** The state after the last observation, R's `states[n + 1, ]`. */
  readonly finalState: Float64Array;
  readonly residuals: Float64Array;
  readonly fitted: Float64Array;
  /** R's `lik`; logLik = −lik/2 (Hyndman et al. 2008, eq. 5.3, without the constant). */
  readonly lik: number;
  readonly logLik: number;
  /** AICc with np = weights + free initial states + 1 (σ²), as R counts them; Infinity when n ≤ np + 1. */
  readonly aicc: number;
  /** Σe²/(n − np'), np' the weights and free states (R's `sigma2`); relative errors for multiplicative forms. */
  readonly sigma2: number;
  /** False when the search ran out of evaluations; the fit is still the best point found. */
  readonly converged: boolean;
}

/** Per-dimension budget of the search; R stops its Nelder-Mead at 2,000 evaluations in all. */
const EVALUATIONS_PER_DIMENSION = 100;

/**
 * Fits `form` to y with seasonal period m (ignored without a season). Returns null when the likelihood
 * is not finite anywhere the search went (the caller falls back to a simpler form).
 *
 * Additive-error forms without a multiplicative season are fitted with the initial state concentrated
 * out (`profile.ts`: exact maximum likelihood over x0 for each set of weights, Nelder-Mead over the
 * 1-4 weights only); the others by the joint search of `fitEtsJoint`.
 *
 * `warm`, a fit of the same form and period to a series this one shares its start with (the whole
 * series, when y is a backtest window's training part), starts the search at its weights and initial
 * state instead of R's heuristics and the start grid, with a smaller first simplex.
 */
export function fitEts(y: Float64Array, form: EtsForm, m: number, warm?: EtsFit): EtsFit | null {
  if (!isProfiled(form)) return fitEtsJoint(y, form, m, warm);
  const problem = setUp(y, form, m);
  const profiled = profileWeights(y, form, problem.period, problem.states, warm && startOf(warm).weights);
  if (!profiled) return fitEtsJoint(y, form, m, warm);
  const x = Float64Array.from([...profiled.weights, ...profiled.states]);
  if (!Number.isFinite(problem.objective(x))) return fitEtsJoint(y, form, m, warm);
  return problem.finish(x, true);
}

/**
 * The search `forecast::ets` does (R's `etsmodel`), and the reference for the profiled one: weights
 * and free initial states jointly by Nelder-Mead, from the best point of a coarse weight grid at R's
 * heuristic states, then one restart.
 */
export function fitEtsJoint(y: Float64Array, form: EtsForm, m: number, warm?: EtsFit): EtsFit | null {
  const { x0, objective, has, period, nw, finish } = setUp(y, form, m);
  const warmStart = warm && startOf(warm);
  if (warmStart && Number.isFinite(objective(Float64Array.from(warmStart.x)))) {
    x0.set(warmStart.x);
  } else {
    // The likelihood is often multimodal in the weights (a non-seasonal form on seasonal data has a
    // local optimum at small α and another near α = 1), so the search starts from the best of a coarse
    // grid of weights at the heuristic states rather than from R's single start, which is in the grid.
    let bestStart = objective(x0);
    const trial = Float64Array.from(x0);
    for (const w of weightGrid(has, period)) {
      trial.set(w);
      const value = objective(trial);
      if (value < bestStart) {
        bestStart = value;
        x0.set(w);
      }
    }
  }
  const steps = initialSteps(x0, nw, y, form, period).map((step) => (warmStart ? step / 4 : step));
  const maxEvaluations = Math.max(1000, EVALUATIONS_PER_DIMENSION * x0.length);
  let best = nelderMead(objective, x0, {
    initialStep: steps,
    maxEvaluations,
    functionTolerance: 1e-9 * Math.max(1, Math.abs(objective(x0))),
    pointTolerance: Number.POSITIVE_INFINITY,
  });
  // One restart from the best point with a fresh simplex: Nelder-Mead collapses along valleys in ~20
  // dimensions (Gao & Han 2012), and a restart recovers most of what is left at a modest cost.
  const again = nelderMead(objective, best.x, {
    initialStep: steps.map((s) => s / 2),
    maxEvaluations: Math.round(maxEvaluations / 2),
    functionTolerance: 1e-10 * Math.max(1, Math.abs(best.value)),
    pointTolerance: Number.POSITIVE_INFINITY,
  });
  if (again.value <= best.value) best = { ...again, converged: again.converged || best.converged };
  if (!Number.isFinite(best.value)) return null;
  return finish(best.x, best.converged);
}

/**
 * What both searches share: the start (R's `initparam` weights and `initstate` states), the objective
 * on [weights, free states] (R's lik, Infinity outside the admissible region) and the final fit.
 */
function setUp(y: Float64Array, form: EtsForm, m: number) {
  const period = hasSeason(form) ? m : 1;
  const trend = hasTrend(form);
  const season = hasSeason(form);
  const damped = form.trend === 'Ad';
  const has = { trend, season, damped };
  const start = initialWeights(has, period);
  const states = initialState(y, period, form.trend, form.season);
  const nw = start.length;
  const x0 = Float64Array.from([...start, ...states]);
  const full = new Float64Array(stateLength(form, period));
  const ring = new Float64Array(period);
  const s0 = trend ? 2 : 1;

  const objective = (x: Float64Array): number => {
    const params = weightsOf(x, has);
    if (!parametersAllowed(params, has, period)) return Number.POSITIVE_INFINITY;
    if (!unpackState(x, nw, full, s0, period, form)) return Number.POSITIVE_INFINITY;
    const lik = etsLik(y, form, period, params, full, ring);
    if (Number.isNaN(lik)) return Number.POSITIVE_INFINITY;
    // As R: a perfect fit's log(0) would end the search at −Infinity.
    return lik < -1e10 ? -1e10 : lik;
  };
  const finish = (x: Float64Array, converged: boolean): EtsFit | null => {
    const params = weightsOf(x, has);
    unpackState(x, nw, full, s0, period, form);
    return etsFromState(y, form, period, params, full, x.length, converged);
  };
  return { x0, states, objective, has, period, nw, finish };
}

/**
 * The fit at given weights and initial state (no search): R's likelihood, residuals and final state.
 * `freeCount` is the number of estimated quantities (weights + free states), default the form's.
 */
export function etsFromState(
  y: Float64Array,
  form: EtsForm,
  m: number,
  params: EtsParams,
  init: ArrayLike<number>,
  freeCount = weightCount(form) + stateLength(form, hasSeason(form) ? m : 1) - (hasSeason(form) ? 1 : 0),
  converged = true,
): EtsFit | null {
  const period = hasSeason(form) ? m : 1;
  const filtered = etsFilter(y, form, period, normalise(params, form), init);
  if (!Number.isFinite(filtered.lik)) return null;
  const n = y.length;
  const np = freeCount + 1;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += filtered.residuals[i]! * filtered.residuals[i]!;
  const aicc = n - np - 1 > 0 ? filtered.lik + 2 * np + (2 * np * (np + 1)) / (n - np - 1) : Infinity;
  return {
    form,
    m: period,
    params: normalise(params, form),
    initialState: Float64Array.from(init),
    finalState: filtered.finalState,
    residuals: filtered.residuals,
    fitted: filtered.fitted,
    lik: filtered.lik,
    logLik: -0.5 * filtered.lik,
    aicc,
    sigma2: sse / (n > freeCount ? n - freeCount : n),
    converged,
  };
}

/** A fit's weights (α, β?, γ?, φ?) and its search point [weights, free initial states]. */
function startOf(fit: EtsFit): { weights: number[]; x: number[] } {
  const has = { trend: hasTrend(fit.form), season: hasSeason(fit.form), damped: fit.form.trend === 'Ad' };
  const weights = [fit.params.alpha];
  if (has.trend) weights.push(fit.params.beta);
  if (has.season) weights.push(fit.params.gamma);
  if (has.damped) weights.push(fit.params.phi);
  const free = fit.initialState.subarray(0, fit.initialState.length - (has.season ? 1 : 0));
  return { weights, x: [...weights, ...free] };
}

/** The number of smoothing weights a form estimates (α, and β, γ, φ where present). */
export function weightCount(form: EtsForm): number {
  return 1 + (hasTrend(form) ? 1 : 0) + (hasSeason(form) ? 1 : 0) + (form.trend === 'Ad' ? 1 : 0);
}

/** Unused weights set to their neutral values: β = 0, γ = 0, φ = 1, as `pegelsresid.C` does. */
function normalise(p: EtsParams, form: EtsForm): EtsParams {
  return {
    alpha: p.alpha,
    beta: hasTrend(form) ? p.beta : 0,
    gamma: hasSeason(form) ? p.gamma : 0,
    phi: form.trend === 'Ad' ? p.phi : 1,
  };
}

/** R's `initparam` with the default bounds: α near the low end (scaled by 1/m), β and γ smaller, φ near 0.98. */
function initialWeights(has: { trend: boolean; season: boolean; damped: boolean }, m: number): number[] {
  const alpha = LOWER.alpha + (0.2 * (UPPER.alpha - LOWER.alpha)) / m;
  const out = [alpha];
  if (has.trend) out.push(LOWER.beta + 0.1 * (Math.min(UPPER.beta, alpha) - LOWER.beta));
  if (has.season) out.push(LOWER.gamma + 0.05 * (Math.min(UPPER.gamma, 1 - alpha) - LOWER.gamma));
  if (has.damped) out.push(LOWER.phi + 0.99 * (UPPER.phi - LOWER.phi));
  return out;
}

/** Candidate weights for the start: α over its range, β, γ as shares of their room, φ over [0.8, 0.98]. */
function* weightGrid(
  has: { trend: boolean; season: boolean; damped: boolean },
  m: number,
): Generator<number[]> {
  for (const alpha of [0.2 / m, 0.05, 0.2, 0.5, 0.8, 0.99]) {
    for (const beta of has.trend ? [0.05 * alpha, 0.3 * alpha, 0.95 * alpha] : [0]) {
      for (const gamma of has.season ? [0.02, 0.1, 0.4].map((g) => g * (1 - alpha)) : [0]) {
        for (const phi of has.damped ? [0.82, 0.9, 0.97] : [1]) {
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

function weightsOf(x: Float64Array, has: { trend: boolean; season: boolean; damped: boolean }): EtsParams {
  let i = 0;
  const alpha = x[i++]!;
  const beta = has.trend ? x[i++]! : 0;
  const gamma = has.season ? x[i++]! : 0;
  const phi = has.damped ? x[i++]! : 1;
  return { alpha, beta, gamma, phi };
}

/** Writes the full initial state (with the implied last season) into `full`; false if a multiplicative season is negative. */
function unpackState(
  x: Float64Array,
  nw: number,
  full: Float64Array,
  s0: number,
  m: number,
  form: EtsForm,
): boolean {
  const free = full.length - (hasSeason(form) ? 1 : 0);
  for (let j = 0; j < free; j++) full[j] = x[nw + j]!;
  if (!hasSeason(form)) return true;
  full[full.length - 1] = completeSeasons(full.subarray(s0, full.length - 1), m, form.season);
  if (form.season === 'M') for (let j = s0; j < full.length; j++) if (full[j]! < 0) return false;
  return true;
}

/**
 * First simplex steps: moves that keep the weights inside the box, and for states a tenth of the series' spread
 * (of the seasonal amplitude for seasons) — R's single step of 10% of the largest coordinate would
 * move α by the size of the level and waste most of the first evaluations outside the box.
 */
function initialSteps(x0: Float64Array, nw: number, y: Float64Array, form: EtsForm, m: number): number[] {
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i]!;
  mean /= y.length;
  let ss = 0;
  for (let i = 0; i < y.length; i++) ss += (y[i]! - mean) ** 2;
  const spread = Math.sqrt(ss / y.length) || Math.abs(mean) || 1;
  // α up by 0.1, β doubled (it must stay below α), γ up by 0.05, φ down by a tenth of its range.
  const steps: number[] = [0.1];
  if (hasTrend(form)) steps.push(x0[1]!);
  if (hasSeason(form)) steps.push(0.05);
  if (form.trend === 'Ad') steps.push(-0.1 * (UPPER.phi - LOWER.phi));
  const s0 = hasTrend(form) ? 2 : 1;
  for (let j = nw; j < x0.length; j++) {
    const k = j - nw;
    if (k === 0) steps.push(0.1 * spread);
    else if (k === 1 && s0 === 2) steps.push((0.1 * spread) / Math.max(m, 10));
    else steps.push(form.season === 'M' ? 0.02 : 0.1 * spread);
  }
  return steps;
}
