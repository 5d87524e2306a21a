/**
 * The design of the Prophet model (Taylor & Letham 2018, "Forecasting at Scale", The American
 * Statistician 72(1), section 3): time scaled to [0, 1] over the history, y scaled by its largest
 * absolute value (Prophet's default 'absmax' scaling, floor 0), the piecewise-linear trend's columns
 * (1, t and one ramp (t - s_j)+ per potential changepoint s_j), Fourier columns per seasonal period
 * and the regressors (holiday windows are 0/1 regressors), standardised as Prophet's
 * `standardize='auto'` does. Each column carries its prior: Normal(0, 5) on k and m, Laplace(0, tau)
 * on the changepoint deltas, Normal(0, scale) on the seasonal and regressor coefficients.
 */

export interface ProphetDesignOptions {
  readonly changepoints: number;
  readonly changepointRange: number;
  readonly changepointPriorScale: number;
  readonly seasonalityPriorScale: number;
  readonly regressorPriorScale: number;
}

/** The kind of prior on a column: Gaussian with a scale, or Laplace with a scale. */
export interface ColumnPrior {
  readonly kind: 'normal' | 'laplace';
  readonly scale: number;
}

export interface SeasonSpec {
  readonly period: number;
  readonly order: number;
}

export interface RegressorScaling {
  readonly mean: number;
  readonly std: number;
}

export interface ProphetDesign {
  /** Row-major n x p design matrix. */
  readonly x: Float64Array;
  readonly n: number;
  readonly p: number;
  readonly names: readonly string[];
  readonly priors: readonly ColumnPrior[];
  /** Changepoint times on the scaled axis and their indices in the series. */
  readonly changepointT: Float64Array;
  readonly changepointIndex: Int32Array;
  readonly seasons: readonly SeasonSpec[];
  readonly regressorScaling: readonly RegressorScaling[];
  /** Column offsets: [trend 0..2+cp), [season ...), [regressors ...). */
  readonly seasonStart: number;
  readonly regressorStart: number;
}

/**
 * The Fourier order Prophet would use for a period given in steps, by what the period is on a common
 * sampling: a week (7 days, 168 hours, 52 weeks is a year) gets Prophet's weekly order 3, a day (24
 * hours, 48 half-hours, 96 quarter-hours, 144 ten-minute or 288 five-minute steps, 1,440 minutes) its
 * daily order 4, anything else is taken as yearly-like and gets Prophet's yearly 10; never more than
 * period / 2 harmonics, which is all a period can hold.
 */
export function defaultFourierOrder(period: number): number {
  const weekly = [7, 168, 336, 672, 2016];
  const daily = [24, 48, 96, 144, 288, 1440];
  const order = weekly.includes(period) ? 3 : daily.includes(period) ? 4 : 10;
  return Math.max(1, Math.min(order, Math.floor(period / 2)));
}

/** numpy's round (half to even), which Prophet's changepoint grid goes through. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Prophet's `set_changepoints`: `changepoints` potential points (fewer if the first
 * `changepointRange` of the history is short) evenly spread over the indices of that part, the first
 * one (the start of the series) left out. Returns their indices.
 */
export function changepointIndices(n: number, changepoints: number, range: number): Int32Array {
  const histSize = Math.floor(n * range);
  const count = Math.min(changepoints, histSize - 1);
  if (count <= 0) return new Int32Array(0);
  const out = new Int32Array(count);
  for (let i = 1; i <= count; i++) out[i - 1] = roundHalfEven(((histSize - 1) * i) / count);
  return out;
}

/** Scaled time of step i: 0 at the first point, 1 at the last (Prophet's t). */
export function scaledTime(i: number, n: number): number {
  return n > 1 ? i / (n - 1) : 0;
}

/**
 * The design for steps `from..from+rows` (0-based, steps past n - 1 are the future) of a series of
 * length n: used for the history (from 0) and the horizon (from n). Regressors are given already
 * aligned to those rows.
 */
export function buildRows(
  from: number,
  rows: number,
  n: number,
  changepointT: Float64Array,
  seasons: readonly SeasonSpec[],
  regressors: readonly Float64Array[],
  scaling: readonly RegressorScaling[],
  p: number,
): Float64Array {
  const x = new Float64Array(rows * p);
  const ncp = changepointT.length;
  for (let r = 0; r < rows; r++) {
    const step = from + r;
    const t = scaledTime(step, n);
    let c = r * p;
    x[c++] = 1;
    x[c++] = t;
    for (let j = 0; j < ncp; j++) {
      const s = changepointT[j]!;
      x[c++] = t >= s ? t - s : 0;
    }
    for (const season of seasons) {
      const w = (2 * Math.PI * step) / season.period;
      for (let k = 1; k <= season.order; k++) {
        // A sine at exactly half the period is zero at every step; it is left out (see seasonColumns).
        if (2 * k !== season.period) x[c++] = Math.sin(k * w);
        x[c++] = Math.cos(k * w);
      }
    }
    for (let j = 0; j < regressors.length; j++) {
      const sc = scaling[j]!;
      x[c++] = (regressors[j]![r]! - sc.mean) / sc.std;
    }
  }
  return x;
}

/** Prophet's `standardize='auto'`: 0/1 columns kept as they are, others centred and divided by their sd. */
export function regressorScaling(x: Float64Array): RegressorScaling {
  let binary = true;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v !== 0 && v !== 1) binary = false;
    sum += v;
  }
  if (binary) return { mean: 0, std: 1 };
  const mean = sum / x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i]! - mean) ** 2;
  const std = Math.sqrt(ss / Math.max(1, x.length - 1));
  // A constant column: Prophet divides by the mean instead; that keeps it at 1, as here.
  if (!(std > 0)) return { mean: 0, std: mean !== 0 ? Math.abs(mean) : 1 };
  return { mean, std };
}

/** The design over the history, with the column names and priors. */
export function buildDesign(
  n: number,
  seasons: readonly SeasonSpec[],
  regressors: readonly Float64Array[],
  options: ProphetDesignOptions,
): ProphetDesign {
  const changepointIndex = changepointIndices(n, options.changepoints, options.changepointRange);
  const changepointT = Float64Array.from(changepointIndex, (i) => scaledTime(i, n));
  const names: string[] = ['m', 'k'];
  const priors: ColumnPrior[] = [
    { kind: 'normal', scale: 5 },
    { kind: 'normal', scale: 5 },
  ];
  for (let j = 0; j < changepointIndex.length; j++) {
    names.push(`delta${j + 1}`);
    priors.push({ kind: 'laplace', scale: options.changepointPriorScale });
  }
  const seasonStart = names.length;
  for (const s of seasons) {
    for (let k = 1; k <= s.order; k++) {
      if (2 * k !== s.period) {
        names.push(`season${s.period}_sin${k}`);
        priors.push({ kind: 'normal', scale: options.seasonalityPriorScale });
      }
      names.push(`season${s.period}_cos${k}`);
      priors.push({ kind: 'normal', scale: options.seasonalityPriorScale });
    }
  }
  const regressorStart = names.length;
  const scaling = regressors.map(regressorScaling);
  for (let j = 0; j < regressors.length; j++) {
    names.push(`xreg${j + 1}`);
    priors.push({ kind: 'normal', scale: options.regressorPriorScale });
  }
  const p = names.length;
  const x = buildRows(0, n, n, changepointT, seasons, regressors, scaling, p);
  return {
    x,
    n,
    p,
    names,
    priors,
    changepointT,
    changepointIndex,
    seasons,
    regressorScaling: scaling,
    seasonStart,
    regressorStart,
  };
}
