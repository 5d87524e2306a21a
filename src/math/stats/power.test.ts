import { describe, expect, it } from 'vitest';
import { golden, toleranceOf } from '../../../test/fixtures/experiments/golden.ts';
import reference from '../../../test/fixtures/scipy/power.json' with { type: 'json' };
import { isSightlineError } from '../../errors/index.ts';
import { effectEstimate } from './effect.ts';
import {
  exactSampleSize,
  liftMde,
  liftPower,
  minimumDetectableEffect,
  type PowerSettings,
  powerAt,
  type ResolvedSettings,
  sampleSize,
} from './power.ts';

const settings = (s: Partial<ResolvedSettings> & Pick<ResolvedSettings, 'metric'>): ResolvedSettings => ({
  alpha: 0.05,
  power: 0.8,
  ratio: 1,
  relative: false,
  ...s,
});

function expectRelative(actual: number, expected: number, tolerance = 1e-12): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

describe('hand-computed textbook cases', () => {
  it('a conversion rate from 10% to 12% at α = 0.05 and 80% power needs 3,841 users per arm', () => {
    // p̄ = 0.11: (1.959964·√(2·0.11·0.89) + 0.841621·√(0.09 + 0.1056))² / 0.02² = 3840.85.
    const plan = sampleSize({ metric: { type: 'proportion', baselineRate: 0.1 }, mde: 0.02 });
    expect(plan.sampleSizePerArm).toBe(3841);
    expect(plan.treatmentSampleSize).toBe(3841);
    expect(plan.totalSampleSize).toBe(7682);
    expect(plan.days).toBeUndefined();
    expect(plan.mde.absolute).toBeCloseTo(0.02, 15);
    expect(plan.mde.relative).toBeCloseTo(0.2, 14);
    expect(plan.achievedPower).toBeGreaterThanOrEqual(0.8);
    expect(plan.inputs).toEqual({
      metric: { type: 'proportion', baselineRate: 0.1 },
      alpha: 0.05,
      power: 0.8,
      ratio: 1,
      relative: false,
    });
  });

  it('the same lift stated as relative (+20%), with 1,000 users a day, takes 8 days', () => {
    const plan = sampleSize({
      metric: { type: 'proportion', baselineRate: 0.1 },
      mde: 0.2,
      relative: true,
      dailyUsers: 1000,
    });
    expect(plan.sampleSizePerArm).toBe(3841);
    expect(plan.days).toBe(8); // ⌈7682 / 1000⌉
    expect(plan.inputs.dailyUsers).toBe(1000);
  });

  it('a mean shift of 0.2 σ needs 2·(1.96 + 0.84)²/0.2² = 392.4, so 393 per arm', () => {
    const plan = sampleSize({ metric: { type: 'mean', baselineMean: 50, sd: 1 }, mde: 0.2 });
    expect(plan.sampleSizePerArm).toBe(393);
    expect(plan.totalSampleSize).toBe(786);
    expect(plan.mde.relative).toBeCloseTo(0.004, 15);
  });

  it('a 5% lift of a mean of 10 with σ = 2 is δ = 0.5: 252 per arm', () => {
    const plan = sampleSize({ metric: { type: 'mean', baselineMean: 10, sd: 2 }, mde: 0.05, relative: true });
    expect(plan.sampleSizePerArm).toBe(252);
    expect(plan.mde.absolute).toBeCloseTo(0.5, 15);
  });

  it('a 2:1 allocation needs (1 + 1/2)/2 of the balanced control arm and twice that in treatment', () => {
    const plan = sampleSize({ metric: { type: 'mean', baselineMean: 0, sd: 1 }, mde: 0.2, ratio: 2 });
    // 392.444 · 0.75 = 294.333: 295 control, ⌈588.67⌉ = 589 treatment.
    expect([plan.sampleSizePerArm, plan.treatmentSampleSize, plan.totalSampleSize]).toEqual([295, 589, 884]);
    expect(plan.mde.relative).toBeNull();
  });
});

describe('agrees with the formulas evaluated in scipy', () => {
  it.each(reference.means)('means: σ=$sd, δ=$delta, α=$alpha, power=$power, r=$ratio', (c) => {
    const s = settings({
      metric: { type: 'mean', baselineMean: 1, sd: c.sd },
      alpha: c.alpha,
      power: c.power,
      ratio: c.ratio,
    });
    expectRelative(exactSampleSize(s, c.delta), c.n);
    expectRelative(powerAt(s, c.delta, 1000, 1000 * c.ratio), c.powerAt1000);
    const plan = sampleSize({ ...s, mde: c.delta });
    expect(plan.sampleSizePerArm).toBe(Math.ceil(c.n));
    expect(plan.treatmentSampleSize).toBe(Math.ceil(c.n * c.ratio));
  });

  it.each(reference.proportions)('proportions: $p1 → $p2, α=$alpha, power=$power, r=$ratio', (c) => {
    const s = settings({
      metric: { type: 'proportion', baselineRate: c.p1 },
      alpha: c.alpha,
      power: c.power,
      ratio: c.ratio,
    });
    const delta = c.p2 - c.p1;
    expectRelative(exactSampleSize(s, delta), c.n);
    expectRelative(powerAt(s, delta, 1000, 1000 * c.ratio), c.powerAt1000, 1e-11);
    expect(sampleSize({ ...s, mde: delta }).sampleSizePerArm).toBe(Math.ceil(c.n));
  });

  it.each(reference.proportionMde)(
    'the MDE of a $p1 rate with $n1 per arm (r=$ratio, increase: $increase)',
    (c) => {
      const plan = minimumDetectableEffect({
        metric: { type: 'proportion', baselineRate: c.p1 },
        sampleSizePerArm: c.n1,
        alpha: c.alpha,
        power: c.power,
        ratio: c.ratio,
        direction: c.increase ? 'increase' : 'decrease',
      });
      expect(Math.abs(c.p1 + plan.mde.absolute - c.p2)).toBeLessThan(1e-12);
      expect(plan.sampleSizePerArm).toBe(c.n1);
    },
  );
});

describe('sample size, power and MDE are consistent', () => {
  // Each design with effects of a size it plans for; the far tail adds about 1e-6 to the power, less
  // than one unit of sample changes it at these sizes.
  const designs: [PowerSettings, number[]][] = [
    [{ metric: { type: 'proportion', baselineRate: 0.1 } }, [0.01, 0.03, -0.05]],
    [
      { metric: { type: 'proportion', baselineRate: 0.35 }, ratio: 3, alpha: 0.01, power: 0.9 },
      [0.01, 0.03, -0.05],
    ],
    [{ metric: { type: 'mean', baselineMean: 20, sd: 7 }, ratio: 0.5 }, [0.5, 1.5, -2]],
  ];
  it.each(designs)(
    'the rounded size reaches the target power and one unit fewer does not (%#)',
    (design, mdes) => {
      for (const mde of mdes) {
        const plan = sampleSize({ ...design, mde });
        const r = plan.inputs.ratio;
        const exact = exactSampleSize(plan.inputs, plan.mde.absolute);
        expect(plan.achievedPower).toBeGreaterThanOrEqual(plan.inputs.power);
        // At the unrounded size the power is the target plus the far tail.
        const atExact = powerAt(plan.inputs, plan.mde.absolute, exact, r * exact);
        expect(atExact - plan.inputs.power).toBeGreaterThanOrEqual(-1e-12);
        expect(atExact - plan.inputs.power).toBeLessThan(1e-5);
        const fewer = plan.sampleSizePerArm - 1;
        expect(powerAt(plan.inputs, plan.mde.absolute, fewer, r * fewer)).toBeLessThan(plan.inputs.power);
      }
    },
  );

  it.each(designs)('the MDE at a size gives that size back (%#)', (design) => {
    for (const n of [500, 4000, 50_000]) {
      const plan = minimumDetectableEffect({ ...design, sampleSizePerArm: n });
      expect(Math.abs(exactSampleSize(plan.inputs, plan.mde.absolute) - n) / n).toBeLessThan(1e-9);
      expect(plan.achievedPower).toBeCloseTo(plan.inputs.power, 5);
      expect(plan.sampleSizePerArm).toBe(n);
      expect(plan.totalSampleSize).toBe(n + Math.ceil(plan.inputs.ratio * n));
    }
  });

  it('the MDE of a mean is (z₁₋α/₂ + z₁₋β)·σ·√(2/n), relative to |baseline|', () => {
    const plan = minimumDetectableEffect({
      metric: { type: 'mean', baselineMean: -4, sd: 2 },
      sampleSizePerArm: 800,
      dailyUsers: 300,
    });
    const z = 1.959963984540054 + 0.8416212335729143;
    expect(plan.mde.absolute).toBeCloseTo(z * 2 * Math.sqrt(2 / 800), 14);
    expect(plan.mde.relative).toBeCloseTo((z * 2 * Math.sqrt(2 / 800)) / 4, 14);
    expect(plan.days).toBe(6); // ⌈1600 / 300⌉
  });
});

describe("GrowthBook's power calculator (GB-TS-03)", () => {
  const vector = golden<
    {
      metric: { mean: number; relative_effect: number };
      total_n: number;
      n_variations: number;
      alpha: number;
      sequential_tuning_parameter: number;
      target_power_for_mde: number;
    },
    Record<string, number>
  >('GB-TS-03');
  const tolerance = toleranceOf(vector);
  const { inputs, expected } = vector;
  const also = vector.also_computed as Record<string, number>;
  const query = {
    mean: inputs.metric.mean,
    variance: 3909.9997749994377, // standard_deviation = √3909.9997749994377
    totalSampleSize: inputs.total_n,
    variations: inputs.n_variations,
    alpha: inputs.alpha,
  };
  const sequential = { ...query, sequentialTuning: inputs.sequential_tuning_parameter };
  const lift = inputs.metric.relative_effect;

  it('frequentistVariance is the effect variance of effect.ts', () => {
    const a = { n: 4, mean: 7, variance: 2 };
    const b = { n: 15, mean: 5, variance: 0.5 };
    expect(
      Math.abs(effectEstimate(a, b, 'absolute').variance - expected['frequentistVariance_absolute']!),
    ).toBeLessThanOrEqual(tolerance);
    expect(
      Math.abs(effectEstimate(a, b, 'relative').variance - expected['frequentistVariance_relative']!),
    ).toBeLessThanOrEqual(tolerance);
  });

  it('power and MDE with a fixed horizon', () => {
    const power = liftPower({ ...query, lift });
    expect(Math.abs(power - expected['power_fixed']!)).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(power - also['power_fixed_reimplemented_in_python']!)).toBeLessThan(1e-13);
    const mde = liftMde({ ...query, power: inputs.target_power_for_mde });
    expect(Math.abs(mde - expected['mde_fixed']!)).toBeLessThanOrEqual(tolerance);
  });

  it('power and MDE with sequential testing, N* = 5000', () => {
    const power = liftPower({ ...sequential, lift });
    expect(Math.abs(power - expected['power_sequential']!)).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(power - also['power_sequential_reimplemented_in_python']!)).toBeLessThan(1e-13);
    const mde = liftMde({ ...sequential, power: inputs.target_power_for_mde });
    expect(Math.abs(mde - expected['mde_sequential']!)).toBeLessThanOrEqual(tolerance);
  });

  it('the MDE has exactly the requested power (ignoring the far tail)', () => {
    for (const q of [query, sequential]) {
      const mde = liftMde({ ...q, power: 0.8 });
      expect(liftPower({ ...q, lift: mde })).toBeCloseTo(0.8, 5);
    }
  });

  it('one tail only counts the upper rejection region', () => {
    const two = liftPower({ ...query, lift });
    const one = liftPower({ ...query, lift, twoTailed: false });
    expect(one).toBeGreaterThan(two);
  });

  it('too few users for any effect is a coded error', () => {
    expect(() => liftMde({ ...query, totalSampleSize: 30, power: 0.8 })).toThrow(/too few/);
  });
});

describe('invalid input is a coded error that says what to fix', () => {
  const proportion = { type: 'proportion', baselineRate: 0.1 } as const;
  const cases: [string, () => unknown][] = [
    ['alpha', () => sampleSize({ metric: proportion, mde: 0.01, alpha: 1.2 })],
    ['power', () => sampleSize({ metric: proportion, mde: 0.01, power: 0 })],
    ['ratio', () => sampleSize({ metric: proportion, mde: 0.01, ratio: -1 })],
    ['daily users', () => sampleSize({ metric: proportion, mde: 0.01, dailyUsers: 0 })],
    ['baseline rate', () => sampleSize({ metric: { type: 'proportion', baselineRate: 1 }, mde: 0.01 })],
    ['treatment rate', () => sampleSize({ metric: proportion, mde: 0.95 })],
    ['MDE', () => sampleSize({ metric: proportion, mde: 0 })],
    ['standard deviation', () => sampleSize({ metric: { type: 'mean', baselineMean: 1, sd: 0 }, mde: 1 })],
    [
      'nonzero baseline',
      () => sampleSize({ metric: { type: 'mean', baselineMean: 0, sd: 1 }, mde: 0.1, relative: true }),
    ],
    ['sample size', () => minimumDetectableEffect({ metric: proportion, sampleSizePerArm: 1 })],
    [
      'cannot detect',
      () => minimumDetectableEffect({ metric: proportion, sampleSizePerArm: 2, power: 0.99, alpha: 0.001 }),
    ],
  ];
  it.each(cases)('%s', (_, call) => {
    try {
      call();
      expect.unreachable();
    } catch (error) {
      expect(isSightlineError(error) && error.code).toBe('SL_STATS_INPUT_INVALID');
      expect(isSightlineError(error) && error.hint).toMatch(/experiment power --help/);
    }
  });
});
