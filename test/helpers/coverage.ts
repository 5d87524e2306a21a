/**
 * Coverage of an interval by simulation: K seeded experiments with a known true effect, and the share
 * whose interval contains it. Used by the simulation tests of the resampling and variance-reduction code.
 */
import { createRng, type Rng } from '../../src/math/random.ts';
import type { Interval } from '../../src/math/stats/result.ts';

/** Two arms of n units each, drawn a pair at a time, with a known true treatment − control. */
export interface CoverageDesign {
  readonly n: number;
  readonly truth: number;
  /** One control and one treatment value. */
  readonly draw: (rng: Rng) => readonly [number, number];
}

/**
 * The share of `experiments` simulated experiments whose interval contains the true effect. The data
 * come from createRng(seed); each experiment's method gets its own seed (seed·100,000 + k).
 */
export function coverage(
  design: CoverageDesign,
  experiments: number,
  seed: number,
  interval: (control: Float64Array, treatment: Float64Array, seed: number) => Interval | null,
): number {
  const rng = createRng(seed);
  const control = new Float64Array(design.n);
  const treatment = new Float64Array(design.n);
  let covered = 0;
  for (let k = 0; k < experiments; k++) {
    for (let i = 0; i < design.n; i++) [control[i], treatment[i]] = design.draw(rng);
    const ci = interval(control, treatment, seed * 100_000 + k);
    if (ci && ci[0] <= design.truth && design.truth <= ci[1]) covered++;
  }
  return covered / experiments;
}
