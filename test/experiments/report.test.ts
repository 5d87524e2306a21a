import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeExperiment } from '../../src/analytics/experiments/analyze-experiment.ts';
import type { Experiment } from '../../src/analytics/experiments/experiment.ts';
import type { ExperimentReport, MetricReport } from '../../src/analytics/experiments/experiment-report.ts';
import { InsightContext } from '../../src/analytics/insights/insight-context.ts';
import type { SemanticLayer } from '../../src/analytics/metrics/semantic-layer.ts';
import type { Warehouse } from '../../src/data/warehouse/warehouse.ts';
import { bayesianFromEstimate } from '../../src/math/stats/bayes.ts';
import { compareCuped, cupedSumsOf } from '../../src/math/stats/cuped.ts';
import { compareCupedRatio, cupedRatioSumsOf } from '../../src/math/stats/cuped-ratio.ts';
import { normalSf } from '../../src/math/stats/distributions.ts';
import { correctPValues } from '../../src/math/stats/multiple-testing.ts';
import { sampleSize } from '../../src/math/stats/power.ts';
import { proportionZTest } from '../../src/math/stats/proportion-test.ts';
import { compareRatio, ratioMoments, ratioSumsOf } from '../../src/math/stats/ratio.ts';
import type { Comparison } from '../../src/math/stats/result.ts';
import { confidenceSequence } from '../../src/math/stats/sequential.ts';
import { tTest } from '../../src/math/stats/t-test.ts';
import { at, projectFrom, type RawEvent, warehouseFromEvents } from './fixtures.ts';
import { naiveAssignment, naiveCounts, ofVariant, plantedEvents, WINDOW } from './planted.ts';

const METRICS = `
metrics:
  views: { type: count, event: view }
  likes: { type: count, event: like }
  ctr: { type: ratio, numerator: likes, denominator: views }
  purchasers: { type: unique_users, event: purchase }
`;
const WINDOW_YAML = `start: ${WINDOW.from}\n    end: ${WINDOW.to}`;
const YAML = `${METRICS}
experiments:
  planted:
    arms: { from: exposures }
    variants: [control, treatment]
    control: control
    primary: ctr
    secondary: [views, purchasers]
    ${WINDOW_YAML}
    mde: 0.5
    breakdowns: [os]
  planted_cuped:
    arms: { from: exposures, experiment: planted }
    variants: [control, treatment]
    control: control
    primary: views
    secondary: [ctr]
    preDays: 2
    ${WINDOW_YAML}
  planted_small_mde:
    arms: { from: exposures, experiment: planted }
    variants: [control, treatment]
    control: control
    primary: ctr
    ${WINDOW_YAML}
    mde: 0.02
  planted_sequential:
    arms: { from: exposures, experiment: planted }
    variants: [control, treatment]
    control: control
    primary: ctr
    ${WINDOW_YAML}
    mde: 0.02
    sequential: true
    sequentialTuning: 1000
  planted_field:
    arms: { from: event_field, field: exp_group, values: { A: control, B: treatment } }
    control: control
    primary: views
    ${WINDOW_YAML}
  planted_hash:
    arms: { from: hash, variants: [h0, h1], salt: planted }
    weights: { h0: 3, h1: 1 }
    control: h0
    primary: views
    ${WINDOW_YAML}
`;

const EVENTS = plantedEvents({ users: 600, seed: 7 });

let warehouse: Warehouse;
let dispose: () => Promise<void>;
let layer: SemanticLayer;
let experiments: ReadonlyMap<string, Experiment>;
const reports = new Map<string, ExperimentReport>();

beforeAll(async () => {
  ({ warehouse, dispose } = await warehouseFromEvents(EVENTS));
  ({ layer, experiments } = projectFrom(YAML));
  const ctx = new InsightContext(warehouse, layer, 'default');
  for (const name of experiments.keys()) reports.set(name, await analyzeExperiment(ctx, experiments, name));
});
afterAll(async () => dispose());

const metric = (experiment: string, name: string): MetricReport =>
  reports.get(experiment)!.metrics.find((m) => m.metric === name)!;

/** The report's comparison of the first treatment equals the reference to ~12 significant digits. */
function expectSame(
  actual: { effect: number | null; ci: readonly [number, number] | null; pValue: number | null },
  expected: Comparison,
) {
  expect(actual.effect).toBeCloseTo(expected.effect!, 12);
  expect(actual.ci![0]).toBeCloseTo(expected.ci![0], 12);
  expect(actual.ci![1]).toBeCloseTo(expected.ci![1], 12);
  expect(actual.pValue! / expected.pValue!).toBeCloseTo(1, 9);
}

describe('the report on a warehouse with a planted effect', () => {
  const users = naiveAssignment(EVENTS, 'exposures');
  const views = naiveCounts(EVENTS, users, 'view');
  const likes = naiveCounts(EVENTS, users, 'like');
  const purchases = naiveCounts(EVENTS, users, 'purchase').map((x) => (x > 0 ? 1 : 0));
  const arm = (values: Float64Array, variant: string) => ofVariant(values, users, variant);

  it('counts the exposed users per arm and finds no sample ratio mismatch in an even split', () => {
    const r = reports.get('planted')!;
    expect(r.exposure.variants.map((v) => [v.variant, v.users])).toEqual([
      ['control', 300],
      ['treatment', 300],
    ]);
    expect(r.srm).toMatchObject({ pValue: 1, statistic: 0, mismatch: false });
    expect(r.window).toEqual({ from: WINDOW.from, to: WINDOW.to, days: 7 });
    expect(r.warnings).toEqual([]);
  });

  it('ratio metric: per-arm sums and the delta-method comparison of the naive per-user numerators and denominators', () => {
    const ctr = metric('planted', 'ctr');
    expect(ctr.kind).toBe('ratio');
    expect(ctr.test.name).toBe('delta method');
    const sums = (variant: string) =>
      ratioSumsOf({ numerator: arm(likes, variant), denominator: arm(views, variant) });
    expect(ctr.arms.map((a) => [a.n, a.numerator, a.denominator])).toEqual(
      ['control', 'treatment'].map((v) => [sums(v).n, sums(v).numerator.sum, sums(v).denominator.sum]),
    );
    const v = ctr.variants[0]!;
    expectSame(v.absolute, compareRatio(sums('control'), sums('treatment'), { difference: 'absolute' }));
    expectSame(v.relative, compareRatio(sums('control'), sums('treatment'), { difference: 'relative' }));
    // The planted uplift (0.2 -> 0.3, +50%) lies in the interval and is detected.
    expect(v.relative.ci![0]).toBeLessThan(0.5);
    expect(v.relative.ci![1]).toBeGreaterThan(0.5);
    expect(v).toMatchObject({ significant: true, direction: 'better' });
  });

  it('mean metric: Welch’s t on per-user counts, inactive users counted as zeros', () => {
    const m = metric('planted', 'views');
    expect(m.test.name).toBe('Welch t-test');
    const c = arm(views, 'control');
    const t = arm(views, 'treatment');
    expect(c.some((x) => x === 0)).toBe(true);
    expect(m.arms.map((a) => a.mean)).toEqual([
      c.reduce((s, x) => s + x, 0) / c.length,
      t.reduce((s, x) => s + x, 0) / t.length,
    ]);
    expectSame(m.variants[0]!.absolute, tTest(c, t, { difference: 'absolute' }));
    expectSame(m.variants[0]!.relative, tTest(c, t, { difference: 'relative' }));
  });

  it('binary metric: the two-proportion z-test on who purchased', () => {
    const m = metric('planted', 'purchasers');
    expect(m.test.name).toBe('two-proportion z-test');
    const count = (variant: string) => {
      const x = arm(purchases, variant);
      return { n: x.length, successes: x.reduce((s, y) => s + y, 0) };
    };
    expectSame(m.variants[0]!.absolute, proportionZTest(count('control'), count('treatment')));
  });

  it('corrects the primary and secondary p-values together (Holm) and reads the same estimates sequentially and as a posterior', () => {
    const r = reports.get('planted')!;
    const raw = r.metrics.map((m) => m.variants[0]!.pValue);
    expect(r.metrics.map((m) => m.variants[0]!.adjustedPValue)).toEqual(correctPValues(raw, 'holm').adjusted);
    expect(r.correction).toEqual({ method: 'holm', comparisons: 3 });
    const v = metric('planted', 'ctr').variants[0]!;
    const relative = { effect: v.relative.effect!, variance: v.relative.se! ** 2 };
    expect(v.sequential.relative).toEqual({
      ci: confidenceSequence(relative, 600, { tuning: 5000 }).ci,
      pValue: confidenceSequence(relative, 600, { tuning: 5000 }).pValue,
    });
    const posterior = bayesianFromEstimate(relative);
    expect(v.bayesian).toEqual({
      chanceToWin: posterior.chanceToWin,
      riskTreatment: posterior.risk!.treatment,
      riskControl: posterior.risk!.control,
      ci: posterior.ci,
    });
  });

  it('recommends shipping the treatment, with the reason in words', () => {
    const r = reports.get('planted')!;
    expect(r.recommendation.decision).toBe('ship');
    expect(r.recommendation.variant).toBe('treatment');
    expect(r.recommendation.reasons[0]).toMatch(
      /^ctr is significantly better for treatment after correction: \+\d+\.\d\d%/,
    );
  });

  it('breakdowns split the same users by their os, each group tested like the whole', () => {
    const [os] = metric('planted', 'views').breakdowns;
    expect(os!.dimension).toBe('os');
    const total = os!.groups.reduce((s, g) => s + g.arms.reduce((x, a) => x + a.n, 0), 0);
    expect(total).toBe(600);
    // Users who never came back after exposure have no os after it: their group is null.
    const inactive = users.filter((_, i) => views[i] === 0 && likes[i] === 0 && purchases[i] === 0).length;
    expect(os!.groups.find((g) => g.value === null)?.arms.reduce((x, a) => x + a.n, 0) ?? 0).toBe(inactive);
    const android = os!.groups.find((g) => g.value === 'Android')!;
    expect(android.variants[0]!.absolute.effect).not.toBeNull();
  });

  it('CUPED: the pre-period views adjust the comparison, with θ pooled across arms', () => {
    const m = metric('planted_cuped', 'views');
    expect(m.test.name).toBe('CUPED + Welch t-test');
    const pre = naiveCounts(EVENTS, users, 'view', { preDays: 2 });
    const sums = (variant: string) => cupedSumsOf(arm(views, variant), arm(pre, variant));
    const expected = compareCuped(sums('control'), sums('treatment'), { difference: 'absolute' });
    const v = m.variants[0]!;
    expectSame(v.absolute, expected);
    expect(v.cuped!.theta).toBeCloseTo(expected.theta, 12);
    // The planted pre-period rate predicts the later one, so CUPED removes a good share of the variance.
    expect(v.cuped!.varianceReduction).toBeGreaterThan(0.1);
    expect(v.absolute.se!).toBeLessThan(metric('planted', 'views').variants[0]!.absolute.se!);
  });
});

describe('planning: the sample the MDE needs and the days it takes', () => {
  it('a fixed-horizon win short of the planned sample keeps running, for the days the missing users take at the recent traffic', () => {
    const users = naiveAssignment(EVENTS, 'exposures');
    const likes = naiveCounts(EVENTS, users, 'like');
    const views = naiveCounts(EVENTS, users, 'view');
    const control = ratioMoments(
      ratioSumsOf({
        numerator: ofVariant(likes, users, 'control'),
        denominator: ofVariant(views, users, 'control'),
      }),
    )!;
    const plan = sampleSize({
      metric: { type: 'mean', baselineMean: control.mean, sd: Math.sqrt(control.variance) },
      mde: 0.02,
      relative: true,
    });
    const r = reports.get('planted_small_mde')!;
    // Exposures fall on the window's first four days: 600 users / 4 days, half of them per arm.
    expect(r.exposure.dailyUsers).toBe(150);
    expect(r.recommendation).toMatchObject({
      decision: 'keep running',
      requiredUsersPerArm: plan.sampleSizePerArm,
      daysNeeded: Math.ceil((plan.sampleSizePerArm - 300) / 75),
    });
    expect(r.recommendation.reasons[0]).toMatch(
      /^ctr is already significant for treatment .* overstates significance/,
    );
  });
});

describe('sequential experiments', () => {
  it('decide on the always-valid p-value, so a win may be read before the planned sample', () => {
    const r = reports.get('planted_sequential')!;
    const v = r.metrics[0]!.variants[0]!;
    const estimate = { effect: v.absolute.effect!, variance: v.absolute.se! ** 2 };
    const sequence = confidenceSequence(estimate, 600, { tuning: 1000 });
    expect(v.sequential.absolute).toEqual({ ci: sequence.ci, pValue: sequence.pValue });
    expect(v.pValue).toBe(sequence.pValue);
    expect(v.pValue!).toBeGreaterThan(v.absolute.pValue!);
    expect(r.recommendation).toMatchObject({ decision: 'ship', variant: 'treatment' });
    // The same data read at a fixed horizon short of its sample keeps running (planted_small_mde).
    expect(reports.get('planted_small_mde')!.recommendation.decision).toBe('keep running');
  });
});

describe('CUPED for a ratio metric', () => {
  it('adjusts CTR by each user’s pre-period likes and views, as cuped-ratio.ts does on the naive sums', () => {
    const users = naiveAssignment(EVENTS, 'exposures');
    const period = { preDays: 2 };
    const column = (event: string, p: 'post' | typeof period) => naiveCounts(EVENTS, users, event, p);
    const [likes, views, preLikes, preViews] = [
      column('like', 'post'),
      column('view', 'post'),
      column('like', period),
      column('view', period),
    ];
    const sums = (variant: string) =>
      cupedRatioSumsOf({
        numeratorPost: ofVariant(likes!, users, variant),
        denominatorPost: ofVariant(views!, users, variant),
        numeratorPre: ofVariant(preLikes!, users, variant),
        denominatorPre: ofVariant(preViews!, users, variant),
      });
    const m = metric('planted_cuped', 'ctr');
    expect(m.test.name).toBe('delta method + CUPED');
    const v = m.variants[0]!;
    expectSame(v.absolute, compareCupedRatio(sums('control'), sums('treatment'), { difference: 'absolute' }));
    expectSame(v.relative, compareCupedRatio(sums('control'), sums('treatment'), { difference: 'relative' }));
    expect(v.cuped!.theta).toBeCloseTo(compareCupedRatio(sums('control'), sums('treatment')).theta, 12);
  });
});

describe('each way of assigning arms', () => {
  it('event field: the first event with a mapped value in the window is the exposure', () => {
    const users = naiveAssignment(EVENTS, 'event_field');
    const views = naiveCounts(EVENTS, users, 'view');
    const m = metric('planted_field', 'views');
    expect(m.arms.map((a) => a.n)).toEqual([
      users.filter((u) => u.variant === 'control').length,
      users.filter((u) => u.variant === 'treatment').length,
    ]);
    expectSame(
      m.variants[0]!.absolute,
      tTest(ofVariant(views, users, 'control'), ofVariant(views, users, 'treatment')),
    );
  });

  it('hash: md5(salt:user_id) with weights 3:1 assigns every user active in the window, and the split passes SRM', () => {
    const users = naiveAssignment(EVENTS, 'hash', {
      salt: 'planted',
      variants: ['h0', 'h1'],
      shares: [0.75, 0.25],
    });
    const r = reports.get('planted_hash')!;
    const n = (v: string) => users.filter((u) => u.variant === v).length;
    expect(r.exposure.variants.map((v) => [v.variant, v.users, v.expectedShare])).toEqual([
      ['h0', n('h0'), 0.75],
      ['h1', n('h1'), 0.25],
    ]);
    expect(n('h0') / users.length).toBeGreaterThan(0.65);
    expect(r.srm.mismatch).toBe(false);
    const views = naiveCounts(EVENTS, users, 'view');
    expectSame(
      metric('planted_hash', 'views').variants[0]!.absolute,
      tTest(ofVariant(views, users, 'h0'), ofVariant(views, users, 'h1')),
    );
  });
});

describe('exclusions, a skewed split and small hand-computed cases', () => {
  const TWO_ARMS = `${METRICS}
experiments:
  small:
    arms: { from: exposures }
    variants: [control, treatment]
    control: control
    primary: views
    start: 2026-09-02
`;
  const exposure = (user: string, variant: string, minutes: number): RawEvent => ({
    user_id: user,
    event: '$exposure',
    ts: at(1, minutes),
    experiment: 'small',
    variant,
  });
  const viewsOf = (user: string, n: number): RawEvent[] =>
    Array.from({ length: n }, (_, i) => ({ user_id: user, event: 'view', ts: at(2, i) }));

  async function analyze(events: RawEvent[], yaml = TWO_ARMS, name = 'small'): Promise<ExperimentReport> {
    const store = await warehouseFromEvents(events);
    try {
      const project = projectFrom(yaml);
      return await analyzeExperiment(
        new InsightContext(store.warehouse, project.layer, 'default'),
        project.experiments,
        name,
      );
    } finally {
      await store.dispose();
    }
  }

  it('Welch by hand: control 1, 2, 3 and treatment 2, 4, 6 views; a user in both arms and an inactive one', async () => {
    const events = [
      ...['c1', 'c2', 'c3'].map((u, i) => exposure(u, 'control', i)),
      ...['t1', 't2', 't3'].map((u, i) => exposure(u, 'treatment', i)),
      ...viewsOf('c1', 1),
      ...viewsOf('c2', 2),
      ...viewsOf('c3', 3),
      ...viewsOf('t1', 2),
      ...viewsOf('t2', 4),
      ...viewsOf('t3', 6),
      // In both arms: left out and counted.
      exposure('both', 'treatment', 10),
      { user_id: 'both', event: '$exposure', ts: at(2, 100), experiment: 'small', variant: 'control' },
      ...viewsOf('both', 50),
      // Exposed, never active again: a zero in control.
      exposure('c4', 'control', 20),
    ];
    const r = await analyze(events);
    const views = r.metrics[0]!;
    // Control 1, 2, 3, 0: mean 1.5, variance 5/3; treatment 2, 4, 6: mean 4, variance 4.
    expect(views.arms).toEqual([
      { variant: 'control', n: 4, mean: 1.5 },
      { variant: 'treatment', n: 3, mean: 4 },
    ]);
    const v = views.variants[0]!;
    expect(v.absolute.effect).toBe(2.5);
    // se = sqrt(5/3 / 4 + 4 / 3) = sqrt(7/4)
    expect(v.absolute.se).toBeCloseTo(Math.sqrt(7 / 4), 14);
    expect(v.relative.effect).toBeCloseTo(2.5 / 1.5, 14);
    expect(r.exposure.multipleArms).toBe(1);
    expect(r.warnings).toContainEqual({
      code: 'SL_EXPERIMENT_MULTIPLE_ARMS',
      message: '1 user was seen in more than one variant and left out',
    });
  });

  it('detects a sample ratio mismatch on a 600 / 400 split and calls the experiment invalid', async () => {
    const events = Array.from({ length: 1000 }, (_, i) =>
      exposure(`u${String(i).padStart(4, '0')}`, i < 600 ? 'control' : 'treatment', i % 1440),
    ).concat(viewsOf('u0000', 1), viewsOf('u0999', 1));
    const r = await analyze(events);
    // X² = 2 · 100² / 500 = 40 on 1 df: p = P(|Z| > √40).
    expect(r.srm.statistic).toBeCloseTo(40, 12);
    expect(r.srm.pValue / (2 * normalSf(Math.sqrt(40)))).toBeCloseTo(1, 9);
    expect(r.srm.mismatch).toBe(true);
    expect(r.warnings.map((w) => w.code)).toContain('SL_EXPERIMENT_SRM');
    expect(r.recommendation.decision).toBe('invalid');
    expect(r.recommendation.reasons[0]).toMatch(/^Sample ratio mismatch/);
  });

  it('a zero-variance metric gives nulls and a coded warning, never NaN', async () => {
    const events = [
      exposure('a', 'control', 0),
      exposure('b', 'control', 1),
      exposure('c', 'treatment', 2),
      exposure('d', 'treatment', 3),
    ];
    const r = await analyze(events);
    const v = r.metrics[0]!.variants[0]!;
    expect(v.absolute).toEqual({ effect: 0, se: 0, ci: null, pValue: null });
    expect(v.relative.effect).toBeNull();
    expect(v.warnings.map((w) => w.code)).toEqual(['SL_STATS_ZERO_VARIANCE', 'SL_STATS_ZERO_BASELINE']);
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
    expect(r.recommendation.decision).toBe('keep running');
    expect(r.recommendation.reasons[0]).toMatch(
      /^views could not be tested for treatment yet: both arms have zero variance/,
    );
  });

  it('no exposure in the window is a coded error', async () => {
    await expect(analyze([{ user_id: 'x', event: 'view', ts: at(1) }])).rejects.toMatchObject({
      code: 'SL_EXPERIMENT_NO_EXPOSURES',
    });
  });
});
