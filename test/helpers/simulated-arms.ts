/**
 * Seeded draws of one arm reduced to its sufficient statistics, for the simulation tests of the
 * classical tests: no arrays, so tens of thousands of arms stay fast.
 */
import type { Rng } from '../../src/math/random.ts';
import type { MeanSums } from '../../src/math/stats/moments.ts';

/** n values of `draw`, summed. */
export function drawSums(n: number, draw: () => number): MeanSums {
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sumSquares += x * x;
  }
  return { n, sum, sumSquares };
}

/** The number of successes in n Bernoulli(p) trials. */
export function drawSuccesses(rng: Rng, n: number, p: number): number {
  let successes = 0;
  for (let i = 0; i < n; i++) if (rng.next() < p) successes++;
  return successes;
}
