/**
 * The state-space form of the basic structural model (Harvey 1989, ch. 2-4; Durbin & Koopman 2012,
 * §3.2): y_t = Z_t α_t + ε_t, α_{t+1} = T α_t + R η_t, with ε_t ~ N(0, σ²_ε), η_t ~ N(0, Q).
 *
 * State layout, in this order:
 *   level μ_t, then (local linear trend) slope ν_t:   μ_{t+1} = μ_t + ν_t + ξ_t,  ν_{t+1} = ν_t + ζ_t
 *   dummy seasonal, m − 1 states γ_t … γ_{t−m+2}:    γ_{t+1} = −Σ_{j=0}^{m−2} γ_{t−j} + ω_t
 *   or trigonometric seasonal, two states per harmonic j = 1..K at λ_j = 2πj/m (one at j = m/2),
 *     each pair rotated by λ_j, every state with its own disturbance of variance σ²_ω (Harvey 1989 §2.3.4)
 *   regression coefficients β (constant states, no disturbance): Z_t carries x_t.
 *
 * T is never stored as a matrix: `transformRows` and `transformColumns` apply it in O(k) per column, so
 * T P T' costs O(k²) instead of O(k³) — the dummy seasonal of a daily period (23 states) would otherwise
 * dominate the fit time.
 */

export type TrendKind = 'level' | 'local-linear';
export type SeasonalForm = 'dummy' | 'trigonometric';

/** What the model contains; variances are supplied separately (see `StsVariances`). */
export interface StsStructure {
  readonly trend: TrendKind;
  /** Seasonal period in steps (>= 2), or 0 for none. */
  readonly period: number;
  readonly seasonalForm: SeasonalForm;
  /** Harmonics of the trigonometric form (1..floor(m/2)); ignored for the dummy form. */
  readonly harmonics: number;
  /** Number of regressors whose coefficients are states. */
  readonly regressors: number;
}

/** Variances: observation σ²_ε, level σ²_ξ, slope σ²_ζ (local-linear only), seasonal σ²_ω (with a season). */
export interface StsVariances {
  readonly irregular: number;
  readonly level: number;
  readonly slope: number;
  readonly seasonal: number;
}

/** Index arithmetic of the state vector, derived once from a structure. */
export interface StateLayout {
  readonly structure: StsStructure;
  readonly k: number;
  readonly slope: number; // index of the slope, or -1
  readonly seasonStart: number; // first seasonal state, or -1
  readonly seasonStates: number;
  /** Rotation (cos, sin) per trigonometric pair, and whether the last harmonic is the single Nyquist state. */
  readonly trigCos: Float64Array;
  readonly trigSin: Float64Array;
  readonly trigNyquist: boolean;
  readonly betaStart: number;
  /** Per-state disturbance variance: filled by `stateNoise`. */
  readonly noise: Float64Array;
}

/** The state layout of a structure: state count k and where each block starts. */
export function stateLayout(structure: StsStructure): StateLayout {
  let k = 1;
  const slope = structure.trend === 'local-linear' ? k++ : -1;
  let seasonStart = -1;
  let seasonStates = 0;
  let trigCos = new Float64Array(0);
  let trigSin = new Float64Array(0);
  let trigNyquist = false;
  const m = structure.period;
  if (m >= 2) {
    seasonStart = k;
    if (structure.seasonalForm === 'dummy') {
      seasonStates = m - 1;
    } else {
      const maxHarmonics = Math.floor(m / 2);
      const harmonics = Math.max(1, Math.min(structure.harmonics, maxHarmonics));
      trigNyquist = m % 2 === 0 && harmonics === maxHarmonics;
      const pairs = trigNyquist ? harmonics - 1 : harmonics;
      trigCos = new Float64Array(pairs);
      trigSin = new Float64Array(pairs);
      for (let j = 0; j < pairs; j++) {
        const lambda = (2 * Math.PI * (j + 1)) / m;
        trigCos[j] = Math.cos(lambda);
        trigSin[j] = Math.sin(lambda);
      }
      seasonStates = 2 * pairs + (trigNyquist ? 1 : 0);
    }
    k += seasonStates;
  }
  const betaStart = k;
  k += structure.regressors;
  return {
    structure,
    k,
    slope,
    seasonStart,
    seasonStates,
    trigCos,
    trigSin,
    trigNyquist,
    betaStart,
    noise: new Float64Array(k),
  };
}

/** Fills `layout.noise` with the diagonal of R Q R' for these variances (the state disturbances). */
export function stateNoise(layout: StateLayout, v: StsVariances): void {
  const q = layout.noise;
  q.fill(0);
  q[0] = v.level;
  if (layout.slope >= 0) q[layout.slope] = v.slope;
  if (layout.seasonStart >= 0) {
    if (layout.structure.seasonalForm === 'dummy') q[layout.seasonStart] = v.seasonal;
    else for (let j = 0; j < layout.seasonStates; j++) q[layout.seasonStart + j] = v.seasonal;
  }
}

/**
 * Writes Z_t into `z` (length k): 1 on the level, 1 on the first seasonal state (dummy) or on the first
 * state of each trigonometric pair, x_{t,i} on β_i. `xreg[i][t]` is regressor i at time t.
 */
export function observationRow(
  layout: StateLayout,
  xreg: readonly Float64Array[],
  t: number,
  z: Float64Array,
): void {
  z.fill(0);
  z[0] = 1;
  if (layout.seasonStart >= 0) {
    if (layout.structure.seasonalForm === 'dummy') z[layout.seasonStart] = 1;
    else for (let j = 0; j < layout.seasonStates; j += 2) z[layout.seasonStart + j] = 1;
  }
  for (let i = 0; i < layout.structure.regressors; i++) z[layout.betaStart + i] = xreg[i]![t]!;
}

/**
 * Replaces rows of the k×k row-major matrix `m` (or a k-vector, `cols` = 1) by T times it:
 * row operations implementing (T M). `tmp` needs length `cols`.
 */
export function transformRows(layout: StateLayout, m: Float64Array, cols: number, tmp: Float64Array): void {
  if (layout.slope >= 0) {
    const lo = 0;
    const so = layout.slope * cols;
    for (let c = 0; c < cols; c++) m[lo + c]! += m[so + c]!;
  }
  const s0 = layout.seasonStart;
  if (s0 < 0) return;
  const ns = layout.seasonStates;
  if (layout.structure.seasonalForm === 'dummy') {
    tmp.fill(0, 0, cols);
    for (let j = 0; j < ns; j++) {
      const o = (s0 + j) * cols;
      for (let c = 0; c < cols; c++) tmp[c]! -= m[o + c]!;
    }
    for (let j = ns - 1; j >= 1; j--) {
      const to = (s0 + j) * cols;
      const from = (s0 + j - 1) * cols;
      for (let c = 0; c < cols; c++) m[to + c] = m[from + c]!;
    }
    const o = s0 * cols;
    for (let c = 0; c < cols; c++) m[o + c] = tmp[c]!;
    return;
  }
  // Trigonometric: each pair (a, b) -> (cos a + sin b, −sin a + cos b); the Nyquist state flips sign.
  const pairs = layout.trigCos.length;
  for (let j = 0; j < pairs; j++) {
    const cs = layout.trigCos[j]!;
    const sn = layout.trigSin[j]!;
    const ao = (s0 + 2 * j) * cols;
    const bo = ao + cols;
    for (let c = 0; c < cols; c++) {
      const a = m[ao + c]!;
      const b = m[bo + c]!;
      m[ao + c] = cs * a + sn * b;
      m[bo + c] = -sn * a + cs * b;
    }
  }
  if (layout.trigNyquist) {
    const o = (s0 + 2 * pairs) * cols;
    for (let c = 0; c < cols; c++) m[o + c] = -m[o + c]!;
  }
}

/** Replaces the k×k row-major `m` by M T' (the same operations on columns). */
export function transformColumns(layout: StateLayout, m: Float64Array): void {
  const k = layout.k;
  const s0 = layout.seasonStart;
  const ns = layout.seasonStates;
  const dummy = layout.structure.seasonalForm === 'dummy';
  const pairs = layout.trigCos.length;
  for (let r = 0; r < k; r++) {
    const o = r * k;
    if (layout.slope >= 0) m[o]! += m[o + layout.slope]!;
    if (s0 < 0) continue;
    if (dummy) {
      let sum = 0;
      for (let j = 0; j < ns; j++) sum += m[o + s0 + j]!;
      for (let j = ns - 1; j >= 1; j--) m[o + s0 + j] = m[o + s0 + j - 1]!;
      m[o + s0] = -sum;
    } else {
      for (let j = 0; j < pairs; j++) {
        const cs = layout.trigCos[j]!;
        const sn = layout.trigSin[j]!;
        const a = m[o + s0 + 2 * j]!;
        const b = m[o + s0 + 2 * j + 1]!;
        m[o + s0 + 2 * j] = cs * a + sn * b;
        m[o + s0 + 2 * j + 1] = -sn * a + cs * b;
      }
      if (layout.trigNyquist) m[o + s0 + 2 * pairs] = -m[o + s0 + 2 * pairs]!;
    }
  }
}

/** P ← T P T' in place (O(k²)), then adds the disturbance diagonal when `addNoise`. */
export function predictCovariance(
  layout: StateLayout,
  p: Float64Array,
  tmp: Float64Array,
  addNoise: boolean,
): void {
  const k = layout.k;
  transformRows(layout, p, k, tmp);
  transformColumns(layout, p);
  if (addNoise) for (let i = 0; i < k; i++) p[i * k + i]! += layout.noise[i]!;
}

/** Number of variance parameters the structure estimates. */
export function varianceCount(structure: StsStructure): number {
  return 2 + (structure.trend === 'local-linear' ? 1 : 0) + (structure.period >= 2 ? 1 : 0);
}

/** A human-readable model name, e.g. `STS(local-linear, dummy season 7, 2 regressors)`. */
export function structureName(structure: StsStructure): string {
  const parts: string[] = [structure.trend === 'level' ? 'local level' : 'local linear trend'];
  if (structure.period >= 2) {
    parts.push(
      structure.seasonalForm === 'dummy'
        ? `dummy season ${structure.period}`
        : `trigonometric season ${structure.period} (${structure.harmonics} harmonics)`,
    );
  }
  if (structure.regressors > 0) parts.push(`${structure.regressors} regressors`);
  return `STS(${parts.join(', ')})`;
}

/** Replaces the k-vector r by T' r (the smoother's backward step, D&K eq. 4.44). */
export function transposeApply(layout: StateLayout, r: Float64Array): void {
  if (layout.slope >= 0) r[layout.slope]! += r[0]!;
  const s0 = layout.seasonStart;
  if (s0 < 0) return;
  const ns = layout.seasonStates;
  if (layout.structure.seasonalForm === 'dummy') {
    // Column j of T's seasonal block: −1 from the first row, +1 from row j + 1 (the shift).
    const first = r[s0]!;
    for (let j = 0; j < ns - 1; j++) r[s0 + j] = r[s0 + j + 1]! - first;
    r[s0 + ns - 1] = -first;
    return;
  }
  const pairs = layout.trigCos.length;
  for (let j = 0; j < pairs; j++) {
    const cs = layout.trigCos[j]!;
    const sn = layout.trigSin[j]!;
    const a = r[s0 + 2 * j]!;
    const b = r[s0 + 2 * j + 1]!;
    r[s0 + 2 * j] = cs * a - sn * b;
    r[s0 + 2 * j + 1] = sn * a + cs * b;
  }
  if (layout.trigNyquist) r[s0 + 2 * pairs] = -r[s0 + 2 * pairs]!;
}
