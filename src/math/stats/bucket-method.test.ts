import { describe, expect, it } from 'vitest';
import reference from '../../../test/fixtures/scipy/resampling.json' with { type: 'json' };
import { coverage } from '../../../test/helpers/coverage.ts';
import { expectClose } from '../../../test/helpers/expect-close.ts';
import type { createRng } from '../random.ts';
import { assignBuckets, bucketMethod, bucketValues, hash32, hashId } from './bucket-method.ts';
import { chiSquareSf } from './distributions.ts';

describe('the bucket method agrees with scipy’s Welch test on per-bucket values', () => {
  const { bucket } = reference;
  it('a mean metric, unit i in bucket i mod 20', () => {
    const result = bucketMethod(Float64Array.from(bucket.control), Float64Array.from(bucket.treatment), {
      buckets: bucket.buckets,
      assignment: 'index',
    });
    expect(result.buckets).toEqual({ control: 20, treatment: 20 });
    expectClose(result.effect, bucket.mean.effect);
    expectClose(result.statistic, bucket.mean.statistic);
    expectClose(result.pValue, bucket.mean.pValue);
    expectClose(result.df, bucket.mean.df);
    expectClose(result.ci![0], bucket.mean.ci[0]!);
    expectClose(result.ci![1], bucket.mean.ci[1]!);
  });

  it('a ratio metric: Σx/Σy per bucket', () => {
    const arm = (a: { numerator: number[]; denominator: number[] }) => ({
      numerator: Float64Array.from(a.numerator),
      denominator: Float64Array.from(a.denominator),
    });
    const result = bucketMethod(
      arm(reference.linearization.control),
      arm(reference.linearization.treatment),
      {
        buckets: bucket.buckets,
        assignment: 'index',
      },
    );
    expectClose(result.effect, bucket.ratio.effect);
    expectClose(result.statistic, bucket.ratio.statistic);
    expectClose(result.pValue, bucket.ratio.pValue);
    expectClose(result.df, bucket.ratio.df);
  });
});

describe('bucket assignment', () => {
  it('hash32 is lowbias32, as the published C function computes it in 32-bit unsigned arithmetic', () => {
    expect(hash32(0)).toBe(0);
    expect(hash32(1)).toBe(lowbias32Naive(1));
    expect(hash32(0xdeadbeef)).toBe(lowbias32Naive(0xdeadbeef));
  });

  it('is reproducible from the seed and changes with it', () => {
    const a = assignBuckets(1000, { buckets: 10, seed: 1 });
    expect(Array.from(assignBuckets(1000, { buckets: 10, seed: 1 }))).toEqual(Array.from(a));
    expect(Array.from(assignBuckets(1000, { buckets: 10, seed: 2 }))).not.toEqual(Array.from(a));
  });

  it('spreads 100,000 units evenly over 100 buckets (chi-square)', () => {
    const counts = new Array<number>(100).fill(0);
    for (const b of assignBuckets(100_000, { buckets: 100, seed: 7 })) counts[b]!++;
    const chi = counts.reduce((s, c) => s + (c - 1000) ** 2 / 1000, 0);
    expect(chiSquareSf(chi, 99)).toBeGreaterThan(0.001);
  });

  it('puts an id in the same bucket wherever it appears, for string and integer ids', () => {
    const first = assignBuckets(3, { buckets: 50, seed: 3, ids: ['alice', 'bob', 42] });
    const second = assignBuckets(3, { buckets: 50, seed: 3, ids: [42, 'carol', 'alice'] });
    expect(second[2]).toBe(first[0]);
    expect(second[0]).toBe(first[2]);
    expect(hashId('alice', 3)).not.toBe(hashId('alice', 4));
    expect(hashId(2 ** 40 + 1, 3)).not.toBe(hashId(1, 3));
  });

  it('leaves empty buckets out', () => {
    const values = Float64Array.of(1, 2, 3);
    expect(Array.from(bucketValues(values, Uint32Array.of(0, 0, 5), 10))).toEqual([1.5, 3]);
    const result = bucketMethod(Float64Array.of(1, 2, 3, 4, 5), Float64Array.of(2, 3, 4, 5, 6), {
      buckets: 100,
    });
    expect(result.buckets.control).toBeLessThanOrEqual(5);
  });
});

/** lowbias32 written out with BigInt arithmetic, independent of Math.imul. */
function lowbias32Naive(x: number): number {
  const mask = 0xffffffffn;
  let h = BigInt(x >>> 0);
  h ^= h >> 16n;
  h = (h * 0x7feb352dn) & mask;
  h ^= h >> 15n;
  h = (h * 0x846ca68bn) & mask;
  h ^= h >> 16n;
  return Number(h);
}

describe('simulation: the bucket method on skewed data', () => {
  const design = {
    n: 1000,
    truth: 0.2,
    draw: (rng: ReturnType<typeof createRng>) => [rng.lognormal(0, 1), rng.lognormal(0, 1) + 0.2] as const,
  };

  it('covers the true difference 95% ± 1% with 50 hashed buckets (4,000 experiments of 1,000 lognormal users per arm)', () => {
    const share = coverage(design, 4000, 41, (c, t, seed) => bucketMethod(c, t, { buckets: 50, seed }).ci);
    expect(share).toBeGreaterThanOrEqual(0.94);
    expect(share).toBeLessThanOrEqual(0.96);
  });

  it('A/A: rejects 5% of the time ([0.044, 0.056], 5,000 draws)', () => {
    const share = coverage(
      { ...design, truth: 0, draw: (rng) => [rng.lognormal(0, 1), rng.lognormal(0, 1)] },
      5000,
      42,
      (c, t, seed) => bucketMethod(c, t, { buckets: 50, seed }).ci,
    );
    expect(1 - share).toBeGreaterThanOrEqual(0.044);
    expect(1 - share).toBeLessThanOrEqual(0.056);
  });
});
