/**
 * Monte Carlo power: run the test an analyst will actually run on many simulated experiments of the
 * planned size and count how often it rejects, as a check on the analytic formulas of `power.ts` (which
 * rest on normal approximations) and as a way to search for the sample size directly.
 *
 * The tests simulated: for a mean metric Welch's t (`compareMoments`, the default test), on normal data;
 * for a conversion rate the two-proportion z-test with the pooled variance under H0, the test the sample
 * size formula describes, its p-value from `testEstimate`. Each experiment is drawn through its sufficient
 * statistics, exactly in distribution: for normal data the sample mean μ + σZ/√n and the sample variance
 * σ²·χ²ₙ₋₁/(n − 1), independent of each other; for conversions the successes ~ Binomial(n, p). So a
 * simulation costs O(log n), not O(n), per experiment, and a million units per arm is as quick as a hundred.
 *
 * Reproducible: the same seed gives the same numbers. The Monte Carlo standard error of a simulated power
 * P̂ from S experiments is √(P̂(1 − P̂)/S) (0.004 at P̂ = 0.8 and S = 10,000).
 */
import { SightlineError } from '../../errors/index.ts';
import { createRng, type Rng } from '../random.ts';
import { compareMoments, testEstimate } from './effect.ts';
import { type PowerPlan, type ResolvedSettings, type SampleSizeQuery, sampleSize } from './power.ts';

export interface SimulationOptions {
  readonly seed: number;
  /** Simulated experiments. Default 10,000. */
  readonly simulations?: number;
}

export interface SimulatedPower {
  /** The share of simulated experiments in which the test rejected H0 at alpha. */
  readonly power: number;
  /** Its Monte Carlo standard error √(power(1 − power)/simulations). */
  readonly standardError: number;
  readonly simulations: number;
  readonly seed: number;
  readonly sampleSizePerArm: number;
  readonly treatmentSampleSize: number;
  readonly test: 'welch' | 'pooled-z';
}

/**
 * A Gamma(shape, 1) deviate by Marsaglia & Tsang, "A simple method for generating gamma variables" (ACM
 * TOMS 26, 2000), with their squeeze; a shape below 1 draws Gamma(shape + 1)·U^(1/shape).
 */
export function gammaDraw(rng: Rng, shape: number): number {
  if (shape < 1) return gammaDraw(rng, shape + 1) * (1 - rng.next()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * A Binomial(n, p) deviate by Knuth's order-statistic splitting (TAOCP vol. 2, 3rd ed., §3.4.1, the
 * binomial distribution): the a-th smallest of n uniforms is X ~ Beta(a, n + 1 − a); if
 * X ≥ p the count is Binomial(a − 1, p/X), otherwise a + Binomial(n − a, (p − X)/(1 − X)). Halving n each
 * step leaves at most 64 Bernoulli trials: O(log n) work, exact in distribution.
 */
export function binomialDraw(rng: Rng, n: number, p: number): number {
  let count = 0;
  let t = n;
  let q = p;
  while (t > 64) {
    const a = 1 + Math.floor(t / 2);
    const ga = gammaDraw(rng, a);
    const x = ga / (ga + gammaDraw(rng, t + 1 - a));
    if (x >= q) {
      t = a - 1;
      q /= x;
    } else {
      count += a;
      t -= a;
      q = (q - x) / (1 - x);
    }
  }
  for (let i = 0; i < t; i++) if (rng.next() < q) count++;
  return count;
}

/** One simulated experiment: did the test reject H0? */
function rejects(rng: Rng, settings: ResolvedSettings, delta: number, nc: number, nt: number): boolean {
  const { metric, alpha } = settings;
  if (metric.type === 'mean') {
    const arm = (n: number, mean: number) => ({
      n,
      mean: mean + (metric.sd * rng.normal()) / Math.sqrt(n),
      variance: (metric.sd * metric.sd * 2 * gammaDraw(rng, (n - 1) / 2)) / (n - 1),
    });
    const result = compareMoments(arm(nc, metric.baselineMean), arm(nt, metric.baselineMean + delta), {
      alpha,
    });
    return result.pValue !== null && result.pValue < alpha;
  }
  const p1 = metric.baselineRate;
  const xc = binomialDraw(rng, nc, p1);
  const xt = binomialDraw(rng, nt, p1 + delta);
  const pooled = (xc + xt) / (nc + nt);
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / nc + 1 / nt));
  if (!(se0 > 0)) return false;
  return testEstimate(xt / nt - xc / nc, se0, Number.POSITIVE_INFINITY, alpha, 'two-sided').pValue < alpha;
}

function simulateAt(
  settings: ResolvedSettings,
  delta: number,
  nc: number,
  nt: number,
  options: SimulationOptions,
): SimulatedPower {
  const simulations = options.simulations ?? 10_000;
  if (!(Number.isInteger(simulations) && simulations >= 1))
    throw new SightlineError(
      'SL_STATS_INPUT_INVALID',
      `simulations must be a positive integer, got ${simulations}`,
    );
  const rng = createRng(options.seed);
  let hits = 0;
  for (let s = 0; s < simulations; s++) if (rejects(rng, settings, delta, nc, nt)) hits++;
  const power = hits / simulations;
  return {
    power,
    standardError: Math.sqrt((power * (1 - power)) / simulations),
    simulations,
    seed: options.seed,
    sampleSizePerArm: nc,
    treatmentSampleSize: nt,
    test: settings.metric.type === 'mean' ? 'welch' : 'pooled-z',
  };
}

/**
 * The simulated power of the test at the analytic sample size of `sampleSize(query)`, or at
 * `sampleSizePerArm` control units (and ⌈ratio·n⌉ treatment units) when given.
 */
export function simulatePower(
  query: SampleSizeQuery & { readonly sampleSizePerArm?: number },
  options: SimulationOptions,
): SimulatedPower {
  const analytic = sampleSize(query);
  const delta = analytic.mde.absolute;
  const nc = query.sampleSizePerArm ?? analytic.sampleSizePerArm;
  if (!(Number.isInteger(nc) && nc >= 2))
    throw new SightlineError(
      'SL_STATS_INPUT_INVALID',
      `the sample size per arm must be an integer ≥ 2, got ${nc}`,
    );
  const nt =
    query.sampleSizePerArm === undefined
      ? analytic.treatmentSampleSize
      : Math.max(2, Math.ceil(analytic.inputs.ratio * nc));
  return simulateAt(analytic.inputs, delta, nc, nt, options);
}

/**
 * The smallest control-arm size whose simulated power reaches the target, by bisection with the same seed
 * (common random numbers) at every size tried, starting from a bracket around the analytic size. Monte
 * Carlo error limits its resolution: near the target the power curve moves by about 0.4·Δn/n, so a
 * standard error of 0.004 blurs n by about 1%. The plan carries the simulated power at the size found and
 * the analytic plan beside it.
 */
export function simulateSampleSize(
  query: SampleSizeQuery,
  options: SimulationOptions,
): Omit<PowerPlan, 'achievedPower'> & { simulation: SimulatedPower; analytic: PowerPlan } {
  const analytic = sampleSize(query);
  const settings = analytic.inputs;
  const delta = analytic.mde.absolute;
  const target = settings.power;
  const run = (nc: number) =>
    simulateAt(settings, delta, nc, Math.max(2, Math.ceil(settings.ratio * nc)), options);
  let hi = analytic.sampleSizePerArm;
  let atHi = run(hi);
  for (let grow = 0; atHi.power < target; grow++) {
    if (grow === 12)
      throw new SightlineError(
        'SL_STATS_INPUT_INVALID',
        `no sample size up to ${hi} reaches power ${target}`,
      );
    hi *= 2;
    atHi = run(hi);
  }
  let lo = 1; // one unit per arm admits no test: power 0
  for (let candidate = Math.floor(hi / 2); candidate >= 2; candidate = Math.floor(candidate / 2)) {
    const at = run(candidate);
    if (at.power < target) {
      lo = candidate;
      break;
    }
    hi = candidate;
    atHi = at;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const at = run(mid);
    if (at.power >= target) {
      hi = mid;
      atHi = at;
    } else lo = mid;
  }
  const totalSampleSize = atHi.sampleSizePerArm + atHi.treatmentSampleSize;
  const base = {
    sampleSizePerArm: atHi.sampleSizePerArm,
    treatmentSampleSize: atHi.treatmentSampleSize,
    totalSampleSize,
    mde: analytic.mde,
    inputs: settings,
    simulation: atHi,
    analytic,
  };
  return settings.dailyUsers === undefined
    ? base
    : { ...base, days: Math.ceil(totalSampleSize / settings.dailyUsers) };
}
