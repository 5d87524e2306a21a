/**
 * Drawing units with replacement, for the bootstrap: a uniform index from one uint32 by Lemire's
 * multiply-shift with rejection (exactly uniform), and a hot loop that sums n resampled values with the
 * xoshiro128** step of random.ts inlined, so that nothing is called or allocated per draw. Given the
 * state {@link seededState} derives from a seed, the loop draws exactly what {@link uniformIndex} draws
 * on createRngFromState of that state (a test checks it).
 */
import { createRng, type Rng } from '../random.ts';

const TWO_POW_32 = 4294967296;
const INV_TWO_POW_32 = 1 / TWO_POW_32;
/** Below this size u·n stays under 2^53, so Lemire's product is exact in a double. */
const LEMIRE_LIMIT = 2 ** 21;

/**
 * A uniform integer in [0, n): Lemire, "Fast random integer generation in an interval" (ACM TOMACS
 * 2019): the high word of u·n, redrawing when the low word falls in the (2^32 mod n) biased sliver.
 * Above 2^21 a 53-bit uniform is scaled instead (bias below n/2^53).
 */
export function uniformIndex(rng: Rng, n: number): number {
  if (n >= LEMIRE_LIMIT) {
    const hi = rng.nextUint32() >>> 5;
    const lo = rng.nextUint32() >>> 6;
    return Math.floor(((hi * 67108864 + lo) / 9007199254740992) * n);
  }
  let m = rng.nextUint32() * n;
  let low = m % TWO_POW_32;
  if (low < n) {
    const threshold = (TWO_POW_32 - n) % n;
    while (low < threshold) {
      m = rng.nextUint32() * n;
      low = m % TWO_POW_32;
    }
  }
  return Math.floor(m / TWO_POW_32);
}

/** The xoshiro128** state of createRng(seed), so a hot loop can run the same stream from locals. */
export function seededState(seed: number): Int32Array {
  const rng = createRng(seed);
  const state = new Int32Array(4);
  for (let i = 0; i < 4; i++) state[i] = rng.nextUint32() | 0;
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[3] = 1;
  return state;
}

/**
 * The sum of n values drawn with replacement from `values`, advancing the xoshiro128** `state`: the
 * draws are exactly {@link uniformIndex}'s on the generator with that state (random.ts's step and
 * Lemire's rejection, inlined so that nothing is called or allocated per draw).
 */
export function resampledSum(values: Float64Array, state: Int32Array): number {
  const n = values.length;
  if (n >= LEMIRE_LIMIT) throw new RangeError(`resampledSum: at most ${LEMIRE_LIMIT - 1} values`);
  const threshold = (TWO_POW_32 - n) % n;
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let index = -1;
    while (index < 0) {
      const x = Math.imul(b, 5);
      const u = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      const m = u * n;
      const high = Math.floor(m * INV_TWO_POW_32);
      if (m - high * TWO_POW_32 >= threshold) index = high;
    }
    sum += values[index]!;
  }
  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
  return sum;
}
