/**
 * Seeded series and small helpers shared by the detector tests, so every detector is tested on the same
 * constructed data.
 */
import { createRng } from '../random.ts';

/** `n` times `stepMs` apart from 0. */
export function gridTimes(n: number, stepMs: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => i * stepMs);
}

/** The indices of the flagged points. */
export function flagged(flags: Uint8Array): number[] {
  return [...flags.keys()].filter((i) => flags[i] === 1);
}

/** Gaussian noise around 100 with standard deviation `sd`, seeded. */
export function noise(n: number, seed: number, sd = 5): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => 100 + sd * rng.normal());
}

/** Hourly noise (sd 5) around 100 with a daily shape, and a dip of 40 at 03:00 every day. */
export function daily(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from(
    { length: n },
    (_, i) => 100 + 20 * Math.sin((2 * Math.PI * i) / 24) + (i % 24 === 3 ? -40 : 0) + 5 * rng.normal(),
  );
}
