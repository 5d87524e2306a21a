/**
 * Bayesian online change point detection (Adams & MacKay 2007) with a Normal-Gamma conjugate model of
 * each run (unknown mean and precision) and a constant hazard. The run-length posterior is truncated to
 * the `maxRuns` most probable hypotheses, so a point costs O(maxRuns): one Student-t log density per
 * hypothesis for the update, plus one tail probability for the verdict.
 *
 * The verdict uses the predictive of the most probable run length (the MAP run), not the whole mixture:
 * the mixture's tail would cost a t tail per hypothesis per point, and its band (which must equal the
 * flag: flag ⇔ outside the band) would need a root search over the mixture. Away from a change the MAP run
 * carries the mixture (the long runs' predictives are near-identical); right after a change the MAP run
 * stays the old one until the new run overtakes it (a few points for a shift of a few σ), so those
 * points are flagged and the shift then becomes the new normal.
 */
import { logGamma } from '../random.ts';
import { MAD_TO_SIGMA } from './mad.ts';
import { flagScore, normalBandZ, scoreFromP, twoSidedNormalP } from './score.ts';
import type { DetectorOptions, StreamingDetector, Verdict } from './types.ts';
import { tToZ, zToT } from './zscore.ts';

export interface BocpdOptions extends DetectorOptions {
  /** Prior probability of a change at each point (default 1/250). */
  readonly hazard?: number;
  /** Run-length hypotheses kept (default 200). */
  readonly maxRuns?: number;
}

/** Learning points by default: enough for a robust scale of the prior. */
export const BOCPD_LEARNING_POINTS = 30;

// The prior of a new run: kappa0 small so a new run's mean follows its data after one point; alpha0 = 1
// makes the predictive degrees of freedom 2 + n (an integer, so per-n constants are cached by index).
const KAPPA0 = 0.01;
const ALPHA0 = 1;
const LOG_PI = Math.log(Math.PI);

/**
 * A BOCPD detector: the point's two-sided tail under the MAP run's Student-t predictive (df 2α, location
 * μ, scale² β(κ+1)/(ακ)), through Wallace's normal equivalent (`tToZ`), becomes the score; the band is that predictive's interval at the sensitivity's
 * alpha. The prior of a new run is centred on the learning points' median with their MAD as the scale
 * (learningPoints default 30). Timestamps are not used: the model is of a level that changes, so gaps
 * and irregular steps only mean fewer points. Not seasonal: give it deseasonalised residuals.
 */
export function createBocpdDetector(options: BocpdOptions): StreamingDetector {
  const sensitivity = options.sensitivity ?? 0.5;
  const hazard = options.hazard ?? 1 / 250;
  const maxRuns = Math.max(2, Math.trunc(options.maxRuns ?? 200));
  const learning = Math.max(3, options.learningPoints ?? BOCPD_LEARNING_POINTS);
  const zBand = normalBandZ(sensitivity);
  const threshold = flagScore(sensitivity);
  const logH = Math.log(hazard);
  const log1mH = Math.log1p(-hazard);

  // Hypotheses: run length n (points in the run), posterior mean mu and rate beta; kappa = KAPPA0 + n
  // and alpha = ALPHA0 + n / 2 follow from n.
  const cap = maxRuns + 1;
  const runN = new Float64Array(cap);
  const runMu = new Float64Array(cap);
  const runBeta = new Float64Array(cap);
  const logW = new Float64Array(cap);
  const logPred = new Float64Array(cap);
  let runs = 0;

  let mu0 = 0;
  let beta0 = 1;
  const learnt: number[] = [];

  // Per-n constants of the predictive: log Γ((ν+1)/2) − log Γ(ν/2) − ½ log(νπ).
  const logConst: number[] = [];
  const constFor = (n: number): number => {
    let c = logConst[n];
    if (c === undefined) {
      const nu = 2 * ALPHA0 + n;
      c = logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * (Math.log(nu) + LOG_PI);
      logConst[n] = c;
    }
    return c;
  };
  const startRuns = (): void => {
    runs = 1;
    runN[0] = 0;
    runMu[0] = mu0;
    runBeta[0] = beta0;
    logW[0] = 0;
  };

  const learn = (x: number): void => {
    // Predictive log density of x under each run, then growth (no change) and the change mass.
    let maxGrowth = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < runs; i++) {
      const n = runN[i]!;
      const kappa = KAPPA0 + n;
      const a = ALPHA0 + n / 2;
      const nu = 2 * a;
      const scale2 = (runBeta[i]! * (kappa + 1)) / (a * kappa);
      const d = x - runMu[i]!;
      const lp = constFor(n) - 0.5 * Math.log(scale2) - ((nu + 1) / 2) * Math.log1p((d * d) / (nu * scale2));
      logPred[i] = logW[i]! + lp;
      if (logPred[i]! > maxGrowth) maxGrowth = logPred[i]!;
    }
    let sum = 0;
    for (let i = 0; i < runs; i++) sum += Math.exp(logPred[i]! - maxGrowth);
    const logEvidence = maxGrowth + Math.log(sum);
    for (let i = 0; i < runs; i++) {
      const n = runN[i]!;
      const kappa = KAPPA0 + n;
      const d = x - runMu[i]!;
      runBeta[i] = runBeta[i]! + (kappa * d * d) / (2 * (kappa + 1));
      runMu[i] = runMu[i]! + d / (kappa + 1);
      runN[i] = n + 1;
      // Normalised: growth is (1 − H) of each run's joint, the change H of the evidence.
      logW[i] = logPred[i]! + log1mH - logEvidence;
    }
    // The truncation drops the least probable run when the new prior run would overflow.
    if (runs === cap) {
      let worst = 0;
      for (let i = 1; i < runs; i++) if (logW[i]! < logW[worst]!) worst = i;
      runs--;
      runN[worst] = runN[runs]!;
      runMu[worst] = runMu[runs]!;
      runBeta[worst] = runBeta[runs]!;
      logW[worst] = logW[runs]!;
    }
    runN[runs] = 0;
    runMu[runs] = mu0;
    runBeta[runs] = beta0;
    logW[runs] = logH;
    runs++;
  };

  const initialise = (): void => {
    const sorted = Float64Array.from(learnt).sort();
    const median = quantileSorted(sorted, 0.5);
    const dev = sorted.map((v) => Math.abs(v - median)).sort();
    let s = MAD_TO_SIGMA * quantileSorted(dev, 0.5);
    if (!(s > 0)) s = Math.max(Math.abs(median) * 1e-3, 1e-9);
    mu0 = median;
    // E[1/τ] under Gamma(α0, β0) is β0 / (α0 − 1), undefined at α0 = 1; β0 = s² puts the prior
    // predictive's scale at s·√((κ0+1)/κ0) ≈ 10 s: a new run accepts any level.
    beta0 = s * s;
    startRuns();
    for (const x of learnt) learn(x);
    learnt.length = 0;
  };

  let ready = false;
  const missing: Verdict = {
    score: 0,
    flag: false,
    expected: Number.NaN,
    lower: Number.NaN,
    upper: Number.NaN,
  };

  return {
    name: `bocpd(hazard=1/${Math.round(1 / hazard)},runs=${maxRuns},learning=${learning})`,
    update(_t: number, value: number): Verdict {
      if (!ready) {
        if (Number.isNaN(value)) return missing;
        learnt.push(value);
        if (learnt.length >= learning) {
          initialise();
          ready = true;
        }
        return missing;
      }
      // The MAP run among runs with data (the fresh prior run only when it is alone).
      let best = -1;
      for (let i = 0; i < runs; i++) {
        if (runN[i]! > 0 && (best < 0 || logW[i]! > logW[best]!)) best = i;
      }
      if (best < 0) best = 0;
      const n = runN[best]!;
      const kappa = KAPPA0 + n;
      const a = ALPHA0 + n / 2;
      const scale = Math.sqrt((runBeta[best]! * (kappa + 1)) / (a * kappa));
      const center = runMu[best]!;
      const half = zToT(zBand, 2 * a) * scale;
      if (Number.isNaN(value)) {
        return { score: 0, flag: false, expected: center, lower: center - half, upper: center + half };
      }
      const z = Math.abs(value - center) / scale;
      const p = twoSidedNormalP(tToZ(z, 2 * a));
      const score = scoreFromP(p);
      learn(value);
      return {
        score,
        flag: score >= threshold,
        expected: center,
        lower: center - half,
        upper: center + half,
      };
    },
  };
}

/** Linear-interpolation quantile of a sorted array (R's type 7). */
function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
