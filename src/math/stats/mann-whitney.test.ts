import { describe, expect, it } from 'vitest';
import reference from '../../../test/fixtures/scipy/classical.json' with { type: 'json' };
import { expectClose } from '../../../test/helpers/expect-close.ts';
import { createRng } from '../random.ts';
import { mannWhitney, mannWhitneySorted } from './mann-whitney.ts';
import type { Alternative } from './result.ts';

const stored = reference.mannWhitney.datasets as Record<string, { control: number[]; treatment: number[] }>;

/** The 500 + 500 heavily tied sample of classical.py: control ⌊20u⌋, then treatment ⌊21u⌋, u from Rng(7). */
function rng7(): { control: number[]; treatment: number[] } {
  const rng = createRng(7);
  const control = Array.from({ length: 500 }, () => Math.floor(20 * rng.next()));
  const treatment = Array.from({ length: 500 }, () => Math.floor(21 * rng.next()));
  return { control, treatment };
}

const datasets: Record<string, { control: number[]; treatment: number[] }> = {
  ...stored,
  'rng7-500x500': rng7(),
};

/** U of the treatment arm by its definition: pairs where treatment wins, ties counting ½. O(n·m). */
function naiveU(control: ArrayLike<number>, treatment: ArrayLike<number>): number {
  let u = 0;
  for (let i = 0; i < treatment.length; i++)
    for (let j = 0; j < control.length; j++)
      u += treatment[i]! > control[j]! ? 1 : treatment[i] === control[j] ? 0.5 : 0;
  return u;
}

describe('Mann-Whitney U agrees with scipy mannwhitneyu(treatment, control, method="asymptotic")', () => {
  it.each(reference.mannWhitney.cases.map((c) => [c.dataset, c.alternative, c.continuity, c]))(
    '%s, %s, continuity %s',
    (dataset, alternative, continuity, expected) => {
      const { control, treatment } = datasets[dataset]!;
      const result = mannWhitney(control, treatment, { alternative: alternative as Alternative, continuity });
      expect(result.u).toBe(expected.u);
      expectClose(result.pValue, expected.pValue);
      expect(result.probabilityOfSuperiority).toBe(expected.u / (control.length * treatment.length));
    },
  );

  it('U counts the pairs the treatment wins, ties ½ (a naive double loop on tied data)', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 20; trial++) {
      const control = Array.from({ length: 1 + rng.int(0, 40) }, () => rng.int(0, 8));
      const treatment = Array.from({ length: 1 + rng.int(0, 40) }, () => rng.int(0, 9) - 0.5 * rng.int(0, 1));
      expect(mannWhitney(control, treatment).u).toBe(naiveU(control, treatment));
    }
  });

  it('the two-sided p-value does not depend on which arm is called treatment', () => {
    const { control, treatment } = datasets['zero-heavy']!;
    const forward = mannWhitney(control, treatment);
    const backward = mannWhitney(treatment, control);
    expect(backward.pValue).toBe(forward.pValue);
    expect(backward.u).toBe(control.length * treatment.length - forward.u!);
    expect(mannWhitney(treatment, control, { alternative: 'less' }).pValue).toBe(
      mannWhitney(control, treatment, { alternative: 'greater' }).pValue,
    );
  });

  it('does not reorder the caller’s arrays', () => {
    const control = [3, 1, 2];
    mannWhitney(control, [5, 4]);
    expect(control).toEqual([3, 1, 2]);
  });
});

describe('degenerate or malformed input', () => {
  it('an empty arm: a coded warning', () => {
    const result = mannWhitney([], [1, 2]);
    expect(result).toMatchObject({ u: null, pValue: null, probabilityOfSuperiority: null });
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_EMPTY_ARM']);
  });
  it('every value the same: U at its centre and no p-value', () => {
    const result = mannWhitney([0, 0, 0], [0, 0]);
    expect(result).toMatchObject({ u: 3, pValue: null, probabilityOfSuperiority: 0.5 });
    expect(result.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_VARIANCE']);
  });
  it('NaN and unsorted input to the sorted entry point are RangeErrors', () => {
    expect(() => mannWhitney([1, Number.NaN], [2])).toThrow(RangeError);
    expect(() => mannWhitneySorted(Float64Array.of(1, 3, 2), Float64Array.of(2.5))).toThrow(RangeError);
  });
});

/**
 * Seeded A/A simulations at the size the A/A validation uses (500 per arm): continuous data, and a
 * zero-heavy revenue-like metric (80% zeros, so one tie group holds most of the values, which is what
 * the tie-corrected variance is for). Bounds [0.044, 0.056] over 10,000 draws (±2.7 standard errors).
 */
describe('simulation: Mann-Whitney is calibrated under A/A', () => {
  it.each([
    ['normal', (rng: ReturnType<typeof createRng>) => rng.normal()],
    [
      'zero-heavy',
      (rng: ReturnType<typeof createRng>) => (rng.next() < 0.8 ? 0 : Math.round(rng.lognormal(2, 1))),
    ],
  ] as const)('%s values, 500 per arm', (_name, draw) => {
    const rng = createRng(505);
    const draws = 10_000;
    const control = new Float64Array(500);
    const treatment = new Float64Array(500);
    let rejected = 0;
    for (let d = 0; d < draws; d++) {
      for (let i = 0; i < 500; i++) control[i] = draw(rng);
      for (let i = 0; i < 500; i++) treatment[i] = draw(rng);
      control.sort();
      treatment.sort();
      if (mannWhitneySorted(control, treatment).pValue! < 0.05) rejected++;
    }
    expect(rejected / draws).toBeGreaterThanOrEqual(0.044);
    expect(rejected / draws).toBeLessThanOrEqual(0.056);
  });
});
