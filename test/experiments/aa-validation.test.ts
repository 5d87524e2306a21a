import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSplit } from '../../src/analytics/experiments/aa-validation.ts';
import type { Experiment } from '../../src/analytics/experiments/experiment.ts';
import { InsightContext } from '../../src/analytics/insights/insight-context.ts';
import type { SemanticLayer } from '../../src/analytics/metrics/semantic-layer.ts';
import type { Warehouse } from '../../src/data/warehouse/warehouse.ts';
import { SightlineError } from '../../src/errors/index.ts';
import { createRng } from '../../src/math/random.ts';
import { simulateAa } from '../../src/math/stats/aa-simulation.ts';
import { at, projectFrom, type RawEvent, warehouseFromEvents } from './fixtures.ts';

/**
 * Synthetic apps whose per-user truth is known: every user opens the app on day 1 (their exposure, with
 * their exp_group), then views the feed a Poisson number of times over days 1-5 and likes each view with
 * a probability. Groups 1 and 2 form the A/A experiment `split`, groups 3 and 4 the A/B experiment
 * `launch`. In the `leaky` warehouse group 2 likes more often (a split that is not random with respect
 * to the metric, as when assignment correlates with engagement).
 */
const USERS_PER_GROUP = 2500;

interface User {
  id: string;
  group: number;
  views: number;
  likes: number;
}

function synthetic(seed: number, likeRate: (group: number) => number): { events: RawEvent[]; users: User[] } {
  const rng = createRng(seed);
  const events: RawEvent[] = [];
  const users: User[] = [];
  for (let group = 1; group <= 4; group++) {
    for (let i = 0; i < USERS_PER_GROUP; i++) {
      const id = `u${group}_${String(i).padStart(5, '0')}`;
      const exp_group = String(group);
      events.push({ user_id: id, event: 'app_open', ts: at(1, rng.int(0, 600)), exp_group });
      const views = rng.poisson(4);
      let likes = 0;
      for (let v = 0; v < views; v++) {
        // A view's index in its fraction of a minute keeps every record distinct (identical ones are duplicates).
        const ts = at(1 + rng.int(0, 3), 700 + rng.int(0, 700) + v / 100);
        events.push({ user_id: id, event: 'view', ts, exp_group });
        if (rng.bernoulli(likeRate(group))) {
          likes++;
          events.push({ user_id: id, event: 'like', ts, exp_group });
        }
      }
      users.push({ id, group, views, likes });
    }
  }
  return { events, users };
}

const YAML = `
metrics:
  views: { type: count, event: view }
  likes: { type: count, event: like }
  ctr: { type: ratio, numerator: likes, denominator: views }
  opens: { type: count, event: app_open }
experiments:
  split:
    kind: aa
    arms: { from: event_field, field: exp_group, values: { "1": g1, "2": g2 } }
    control: g1
    primary: ctr
    secondary: [views]
    start: 2026-09-02
    end: 2026-09-06
  launch:
    arms: { from: event_field, field: exp_group, values: { "3": control, "4": treatment } }
    control: control
    primary: views
    start: 2026-09-02
    end: 2026-09-06
`;

let layer: SemanticLayer;
let experiments: ReadonlyMap<string, Experiment>;
const sound = synthetic(1, () => 0.1);
const leaky = synthetic(2, (group) => (group === 2 ? 0.115 : 0.1));
let soundWarehouse: { warehouse: Warehouse; dispose: () => Promise<void> };
let leakyWarehouse: { warehouse: Warehouse; dispose: () => Promise<void> };

beforeAll(async () => {
  ({ layer, experiments } = projectFrom(YAML));
  soundWarehouse = await warehouseFromEvents(sound.events);
  leakyWarehouse = await warehouseFromEvents(leaky.events);
}, 60_000);
afterAll(async () => {
  await soundWarehouse?.dispose();
  await leakyWarehouse?.dispose();
});

const ctxOf = (warehouse: Warehouse) => new InsightContext(warehouse, layer, 'default');

describe('experiment aa on warehouse data', () => {
  it('draws from the per-user values of the real split: the same result as the engine on values counted from the events', async () => {
    const report = await validateSplit(ctxOf(soundWarehouse.warehouse), experiments, 'split', {
      simulations: 2000,
      samplePerArm: 50,
      seed: 3,
    });
    // The pool the report should have drawn from, from the generator's own counts: users in user-id
    // order, CTR linearized as likes − κ·views with κ the ratio over both groups.
    const split = sound.users.filter((u) => u.group <= 2).sort((a, b) => (a.id < b.id ? -1 : 1));
    const kappa = split.reduce((s, u) => s + u.likes, 0) / split.reduce((s, u) => s + u.views, 0);
    const values = Float64Array.from(split, (u) => u.likes - kappa * u.views);
    const groups = Uint8Array.from(split, (u) => u.group);
    const expected = simulateAa({ values, groups }, { simulations: 2000, samplePerArm: 50, seed: 3 });

    expect(report).toMatchObject({
      experiment: 'split',
      kind: 'aa',
      metric: 'ctr',
      metricKind: 'ratio',
      source: 'split',
      groups: [
        { variant: 'g1', users: USERS_PER_GROUP },
        { variant: 'g2', users: USERS_PER_GROUP },
      ],
      test: { name: 'welch' },
      window: { from: '2026-09-02', to: '2026-09-06', days: 5 },
      samplePerArm: 50,
      sampleNote: null,
      tested: expected.tested,
      falsePositives: expected.falsePositives,
      falsePositiveRate: expected.falsePositiveRate,
      fprInterval: expected.fprInterval,
      ks: expected.ks,
      verdict: expected.verdict,
    });
    expect(report.histogram.map((b) => b.count)).toEqual(expected.histogram);
    expect(report.histogram[0]).toEqual({ from: 0, to: 0.05, count: expected.histogram[0] });
    expect(report.sql).toContain('exp_group');
  });

  it('passes a sound split at the default sample (2% of the smaller group)', async () => {
    const report = await validateSplit(ctxOf(soundWarehouse.warehouse), experiments, 'split');
    expect(report.samplePerArm).toBe(50);
    expect(report.sampleNote).toContain('2% of the smaller group (2,500 users)');
    expect(report.simulations).toBe(10_000);
    expect(report.falsePositiveRate).toBeGreaterThanOrEqual(0.044);
    expect(report.falsePositiveRate).toBeLessThanOrEqual(0.056);
    expect(report.verdict.ok).toBe(true);
    expect(report.warnings).toEqual([]);
  });

  it('fails a split whose group 2 likes 15% more often', async () => {
    const report = await validateSplit(ctxOf(leakyWarehouse.warehouse), experiments, 'split');
    expect(report.verdict.ok).toBe(false);
    expect(report.verdict.fprAsExpected).toBe(false);
    expect(report.falsePositiveRate).toBeGreaterThan(0.06);
    // Views are drawn at the same rate in every group: the leak does not touch them, and their false-
    // positive rate is right. At 50 users per arm a count with mean 4 is discrete (2% of the draws have
    // equal sums and p = 1), which the result names, and which is why its KS condition may fail.
    const views = await validateSplit(ctxOf(leakyWarehouse.warehouse), experiments, 'split', {
      metric: 'views',
    });
    expect(views.metric).toBe('views');
    expect(views.test.name).toBe('welch');
    expect(views.verdict.fprAsExpected).toBe(true);
    expect(views.ties).toMatchObject({ pValue: 1, discrete: true });
    expect(views.warnings.map((w) => w.code)).toEqual(['SL_AA_DISCRETE_PVALUES']);
  });

  it('checks an A/B experiment’s test on its control users, and says it does not check the split', async () => {
    const report = await validateSplit(ctxOf(soundWarehouse.warehouse), experiments, 'launch', {
      simulations: 3000,
    });
    expect(report).toMatchObject({
      kind: 'ab',
      source: 'pool',
      groups: [{ variant: 'control', users: USERS_PER_GROUP }],
      samplePerArm: 500,
      metric: 'views',
    });
    expect(report.scope).toContain('not the split');
  });

  it('never prints NaN or Infinity', async () => {
    const report = await validateSplit(ctxOf(soundWarehouse.warehouse), experiments, 'split', {
      metric: 'opens',
      simulations: 100,
    });
    // One open per user: no variance in any draw.
    expect(report.tested).toBe(0);
    expect(report.falsePositiveRate).toBeNull();
    expect(report.warnings[0]!.code).toBe('SL_STATS_ZERO_VARIANCE');
    expect(JSON.stringify(report)).not.toMatch(/NaN|Infinity/);
  });

  it.each([
    ['an unknown experiment', 'nope', {}, 'SL_UNKNOWN_EXPERIMENT'],
    ['an unknown metric', 'split', { metric: 'clicks' }, 'SL_USAGE'],
    ['more users per arm than a group holds', 'split', { samplePerArm: 2501 }, 'SL_AA_SAMPLE_TOO_LARGE'],
  ] as const)('%s is a coded error', async (_name, experiment, spec, code) => {
    const error = await validateSplit(ctxOf(soundWarehouse.warehouse), experiments, experiment, spec).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SightlineError);
    expect((error as SightlineError).code).toBe(code);
  });
});
