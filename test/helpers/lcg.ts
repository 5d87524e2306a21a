/**
 * The small seeded generator the planted test warehouses draw from (a linear congruential generator,
 * glibc's constants): the same seed gives the same events on every machine and Node version, so a test's
 * planted data never moves under it.
 */
export function lcg(seed: number): { random: () => number; poisson: (lambda: number) => number } {
  let state = seed;
  const random = (): number => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  /** Knuth's multiplication method: fine for the small means of hourly counts. */
  const poisson = (lambda: number): number => {
    let k = 0;
    let p = 1;
    const limit = Math.exp(-lambda);
    do {
      k++;
      p *= random();
    } while (p > limit);
    return k - 1;
  };
  return { random, poisson };
}
