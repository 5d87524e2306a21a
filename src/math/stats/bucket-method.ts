/**
 * The bucket method (a long-standing practice for ratio and heavy-tailed metrics on large A/B
 * platforms): each arm's units are split into B
 * buckets, the metric is computed per bucket (a mean, or Σx/Σy for a ratio), and the B bucket values per
 * arm enter a Welch t-test as if they were units. By the central limit theorem the bucket values are
 * close to normal even when the metric is skewed, and a ratio needs no delta method. The price is fewer
 * degrees of freedom (about 2B − 2).
 *
 * Buckets come from a seeded hash of each unit's index (or of its id, when given, so that a user lands
 * in the same bucket in every analysis), or from the index modulo B. Empty buckets are left out. The
 * hash is Chris Wellons's `lowbias32` (2-round xorshift-multiply, bias ≈ 0.17), mapped to [0, B) by a
 * multiply-shift of its 32 bits.
 */
import { type CompareOptions, compareMoments, type MeanComparison } from './effect.ts';
import { momentsOf } from './moments.ts';
import type { RatioValues } from './ratio.ts';
import type { StatWarning } from './result.ts';

/** lowbias32 (Wellons, "Prospecting for hash functions", 2018): a 32-bit integer hash. */
export function hash32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of an id under a seed: FNV-1a over a string's UTF-16 units, or the two words of an integer. */
export function hashId(id: string | number, seed: number): number {
  let h = hash32(seed ^ 0x9e3779b9);
  if (typeof id === 'number') {
    if (!Number.isSafeInteger(id))
      throw new RangeError(`hashId: numeric ids must be safe integers, got ${id}`);
    h = hash32(h ^ (id >>> 0));
    return hash32(h ^ Math.floor(id / 4294967296));
  }
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return hash32(h);
}

/** Which bucket in [0, buckets) a 32-bit hash falls in: ⌊h·B/2^32⌋. */
function bucketOfHash(h: number, buckets: number): number {
  return Math.floor((h * buckets) / 4294967296);
}

export type BucketAssignment = 'hash' | 'index';

export interface BucketOptions {
  /** Number of buckets per arm; default 100. */
  readonly buckets?: number;
  /** `hash` (default): a seeded hash of the index or id; `index`: index mod B. */
  readonly assignment?: BucketAssignment;
  /** Seed of the hash; default 0. */
  readonly seed?: number;
}

/** The bucket of every unit of an arm. `ids`, when given, are hashed instead of the indices. */
export function assignBuckets(
  units: number,
  options: BucketOptions & { readonly ids?: ArrayLike<string | number> },
): Uint32Array {
  const buckets = options.buckets ?? 100;
  if (!Number.isInteger(buckets) || buckets < 2)
    throw new RangeError(`bucket method: need at least 2 buckets, got ${buckets}`);
  const out = new Uint32Array(units);
  const seed = options.seed ?? 0;
  if (options.ids && options.ids.length !== units)
    throw new RangeError('assignBuckets: ids and values differ in length');
  if (options.assignment === 'index') {
    for (let i = 0; i < units; i++) out[i] = i % buckets;
    return out;
  }
  const key = hash32(seed ^ 0x85ebca6b);
  for (let i = 0; i < units; i++) {
    const h = options.ids ? hashId(options.ids[i]!, seed) : hash32(key ^ hash32(i));
    out[i] = bucketOfHash(h, buckets);
  }
  return out;
}

/**
 * Per-bucket values of an arm, empty buckets left out, in bucket order: the mean of each bucket, or,
 * with `denominators`, Σx/Σy over its units (a bucket whose denominator sums to 0 is left out too).
 */
export function bucketValues(
  values: Float64Array,
  bucketOf: Uint32Array,
  buckets: number,
  denominators?: Float64Array,
): Float64Array {
  const num = new Float64Array(buckets);
  const den = new Float64Array(buckets);
  for (let i = 0; i < values.length; i++) {
    const b = bucketOf[i]!;
    num[b]! += values[i]!;
    den[b]! += denominators ? denominators[i]! : 1;
  }
  let kept = 0;
  for (let b = 0; b < buckets; b++) if (den[b] !== 0) num[kept++] = num[b]! / den[b]!;
  return num.slice(0, kept);
}

export interface BucketComparison extends MeanComparison {
  /** The number of non-empty buckets in each arm. */
  readonly buckets: { readonly control: number; readonly treatment: number };
}

/** One arm for the bucket method: per-unit values (a mean metric) or numerators and denominators (a ratio). */
export type BucketArm = Float64Array | RatioValues;

/**
 * Welch's t (unless told) across the bucket values of the two arms: absolute or relative effect of the
 * bucket means, which for equal-sized buckets is the metric's own effect. Each arm is bucketed on its
 * own, with the same seed; `ids` makes the buckets follow the units rather than their order.
 */
export function bucketMethod(
  control: BucketArm,
  treatment: BucketArm,
  options: CompareOptions &
    BucketOptions & {
      readonly ids?: {
        readonly control: ArrayLike<string | number>;
        readonly treatment: ArrayLike<string | number>;
      };
    } = {},
): BucketComparison {
  const buckets = options.buckets ?? 100;
  const arm = (input: BucketArm, ids: ArrayLike<string | number> | undefined): Float64Array => {
    const values = input instanceof Float64Array ? input : input.numerator;
    const denominators = input instanceof Float64Array ? undefined : input.denominator;
    if (denominators && denominators.length !== values.length)
      throw new RangeError('bucketMethod: numerators and denominators differ in length');
    const bucketOf = assignBuckets(values.length, {
      buckets,
      seed: options.seed ?? 0,
      assignment: options.assignment ?? 'hash',
      ...(ids ? { ids } : {}),
    });
    return bucketValues(values, bucketOf, buckets, denominators);
  };
  const c = arm(control, options.ids?.control);
  const t = arm(treatment, options.ids?.treatment);
  const result = compareMoments(momentsOf(c), momentsOf(t), options);
  const warnings: StatWarning[] = [...result.warnings];
  return { ...result, buckets: { control: c.length, treatment: t.length }, warnings };
}
