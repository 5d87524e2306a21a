import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisWindow } from '../../src/analytics/experiments/assignment-sql.ts';
import type { Experiment } from '../../src/analytics/experiments/experiment.ts';
import { exposureSummary } from '../../src/analytics/experiments/exposure-summary.ts';
import { hashBucket, variantOfBucket } from '../../src/analytics/experiments/hash-bucket.ts';
import {
  loadBreakdowns,
  loadUserValues,
  type UserValues,
} from '../../src/analytics/experiments/user-values.ts';
import type { SemanticLayer } from '../../src/analytics/metrics/semantic-layer.ts';
import { duckdbDialect } from '../../src/data/sql/duckdb-dialect.ts';
import type { Warehouse } from '../../src/data/warehouse/warehouse.ts';
import { at, projectFrom, queriesFor, type RawEvent, warehouseFromEvents } from './fixtures.ts';

/**
 * A hand-built warehouse: every expected value below is counted by hand from these events.
 * Window: 2026-09-02 .. 2026-09-04 (days 1..3), exposures at or after day 1 00:00 and before day 4.
 */
const exposure = (user: string, variant: string, ts: string, experiment = 'checkout'): RawEvent => ({
  user_id: user,
  event: '$exposure',
  ts,
  experiment,
  variant,
});
const EVENTS: RawEvent[] = [
  // c1: control, two views and a like after exposure, one view before it, a purchase of 10.
  exposure('c1', 'control', at(1, 600)),
  { user_id: 'c1', event: 'view', ts: at(0, 720), os: 'iOS', exp_group: 'A' },
  { user_id: 'c1', event: 'view', ts: at(1, 660), os: 'iOS', exp_group: 'A' },
  { user_id: 'c1', event: 'view', ts: at(2, 540), os: 'Android', exp_group: 'A' },
  { user_id: 'c1', event: 'like', ts: at(2, 541), os: 'Android', exp_group: 'A' },
  { user_id: 'c1', event: 'purchase', ts: at(2, 600), amount: 10, exp_group: 'A' },
  // c2: control, exposed and never active again: zeros.
  exposure('c2', 'control', at(2, 480)),
  // t1: treatment, three views (one at the exposure instant), two likes, a purchase of 4 and one of 6;
  // a view after the window is not counted.
  exposure('t1', 'treatment', at(1, 540)),
  { user_id: 't1', event: 'view', ts: at(1, 540), os: 'Android', exp_group: 'B' },
  { user_id: 't1', event: 'view', ts: at(1, 600), os: 'Android', exp_group: 'B' },
  { user_id: 't1', event: 'like', ts: at(1, 601), os: 'Android', exp_group: 'B' },
  { user_id: 't1', event: 'view', ts: at(3, 1439), exp_group: 'B' },
  { user_id: 't1', event: 'like', ts: at(3, 1439.5), exp_group: 'B' },
  { user_id: 't1', event: 'purchase', ts: at(3, 100), amount: 4, exp_group: 'B' },
  { user_id: 't1', event: 'purchase', ts: at(3, 200), amount: 6, exp_group: 'B' },
  { user_id: 't1', event: 'view', ts: at(5, 0), exp_group: 'B' },
  // t2: exposed to treatment, then to control: in two arms, left out.
  exposure('t2', 'treatment', at(1, 60)),
  exposure('t2', 'control', at(2, 60)),
  { user_id: 't2', event: 'view', ts: at(2, 61), exp_group: 'A' },
  { user_id: 't2', event: 'view', ts: at(1, 61), exp_group: 'B' },
  // t3: exposed before the window: not in the experiment's analysis at all.
  exposure('t3', 'treatment', at(0, 60)),
  { user_id: 't3', event: 'view', ts: at(1, 61) },
  // x1: exposed to a variant the experiment does not declare.
  exposure('x1', 'holdout', at(1, 30)),
  // t4: treatment, exposed late on day 3; its view an hour before exposure is pre-period only.
  exposure('t4', 'treatment', at(3, 1320)),
  { user_id: 't4', event: 'view', ts: at(3, 1260), exp_group: 'B' },
  // Another experiment's exposure of c1 does not matter here.
  exposure('c1', 'treatment', at(1, 0), 'other'),
];

const YAML = `
metrics:
  views: { type: count, event: view }
  likes: { type: count, event: like }
  ctr: { type: ratio, numerator: likes, denominator: views }
  purchasers: { type: unique_users, event: purchase }
  revenue: { type: sum, event: purchase, property: properties.amount }
  order_value: { type: avg, event: purchase, property: properties.amount }
  first_purchase: { type: new_users, event: purchase }
  android_views: { type: count, event: view, where: "os = 'Android'" }
experiments:
  checkout:
    arms: { from: exposures }
    variants: [control, treatment]
    control: control
    primary: views
    secondary: [likes, ctr, purchasers, revenue, order_value, first_purchase, android_views]
    start: 2026-09-02
    end: 2026-09-04
    breakdowns: [os]
  by_field:
    arms: { from: event_field, field: exp_group, values: { A: control, B: treatment } }
    control: control
    primary: views
    start: 2026-09-02
    end: 2026-09-04
  by_hash:
    arms: { from: hash, variants: [a, b, c], salt: s1 }
    weights: { a: 2, b: 1, c: 1 }
    control: a
    primary: views
    start: 2026-09-02
    end: 2026-09-04
`;

const WINDOW: AnalysisWindow = {
  from: '2026-09-02',
  to: '2026-09-04',
  start: duckdbDialect.timestamp('2026-09-02 00:00:00'),
  end: duckdbDialect.timestamp('2026-09-05 00:00:00'),
};

let warehouse: Warehouse;
let dispose: () => Promise<void>;
let layer: SemanticLayer;
let experiments: ReadonlyMap<string, Experiment>;

beforeAll(async () => {
  ({ warehouse, dispose } = await warehouseFromEvents(EVENTS));
  ({ layer, experiments } = projectFrom(YAML));
});
afterAll(async () => dispose());

async function values(experiment: string, metric: string, preDays?: number, dimensions: string[] = []) {
  const e = experiments.get(experiment)!;
  const plan = e.metrics.find((m) => m.plan.metric === metric)!.plan;
  const queries = queriesFor(warehouse, layer);
  const breakdowns = await loadBreakdowns(queries, e, WINDOW, dimensions);
  return loadUserValues(queries, e, plan, WINDOW, { preDays, breakdowns });
}

const plain = (v: UserValues) => ({
  arm: [...v.arm],
  value: [...v.value],
  denominator: v.denominator ? [...v.denominator] : undefined,
  pre: v.pre ? [...v.pre] : undefined,
});

describe('per-user values from exposures', () => {
  it('count: events after each user’s first exposure up to the window end, zeros for inactive users, users in two arms or before the window left out', async () => {
    const v = await values('checkout', 'views', 2);
    // Users in id order: c1, c2, t1, t4.
    expect(plain(v)).toEqual({
      arm: [0, 0, 1, 1],
      value: [2, 0, 3, 0],
      denominator: undefined,
      // Two days before exposure: c1's view of day 0, t4's view an hour before its exposure.
      pre: [1, 0, 0, 1],
    });
    expect(v.kind).toBe('mean');
  });

  it('ratio: numerator and denominator per user; avg of a property is sum over count of events that carry it', async () => {
    expect(plain(await values('checkout', 'ctr'))).toMatchObject({
      value: [1, 0, 2, 0],
      denominator: [2, 0, 3, 0],
    });
    expect(plain(await values('checkout', 'order_value'))).toMatchObject({
      value: [10, 0, 10, 0],
      denominator: [1, 0, 2, 0],
    });
  });

  it('binary and sums: did the event, the first time ever, and the summed property', async () => {
    expect(plain(await values('checkout', 'purchasers')).value).toEqual([1, 0, 1, 0]);
    expect(plain(await values('checkout', 'first_purchase')).value).toEqual([1, 0, 1, 0]);
    expect(plain(await values('checkout', 'revenue')).value).toEqual([10, 0, 10, 0]);
    expect(plain(await values('checkout', 'android_views')).value).toEqual([1, 0, 2, 0]);
  });

  it('breakdowns: each user’s first present value at or after exposure (null when there is none)', async () => {
    const v = await values('checkout', 'views', undefined, ['os']);
    const os = v.breakdowns[0]!;
    // c1's first event with an os after its exposure (which has none) is the iOS view at 11:00; t1's is
    // the Android view at its exposure instant; c2 and t4 have nothing with an os after exposure.
    expect([...os.codes].map((c) => os.labels[c])).toEqual(['iOS', null, 'Android', null]);
  });

  it('the summary counts analysed users per variant, users in two arms, undeclared variants and daily exposures', async () => {
    const summary = await exposureSummary(queriesFor(warehouse, layer), experiments.get('checkout')!, WINDOW);
    expect(summary).toMatchObject({
      users: [2, 2],
      multipleArms: 1,
      undeclared: [{ variant: 'holdout', users: 1 }],
      daily: [
        { date: '2026-09-02', users: 2 },
        { date: '2026-09-03', users: 1 },
        { date: '2026-09-04', users: 1 },
      ],
    });
    expect(summary.firstExposure).toMatch(/^2026-09-02T09:00:00/);
    expect(summary.lastExposure).toMatch(/^2026-09-04T22:00:00/);
  });
});

describe('per-user values from an event field', () => {
  it('maps field values to variants; the first mapped event in the window is the exposure; users with two values are left out', async () => {
    const v = await values('by_field', 'views');
    // c1 (A from its first view in the window, day 1 11:00; the earlier day-0 view is before the window),
    // t1 (B), t4 (B at day 3 21:00); t2 has A and B: left out.
    expect(plain(v)).toMatchObject({ arm: [0, 1, 1], value: [2, 3, 1] });
    const summary = await exposureSummary(queriesFor(warehouse, layer), experiments.get('by_field')!, WINDOW);
    expect(summary).toMatchObject({ users: [1, 2], multipleArms: 1 });
  });
});

describe('per-user values by hashing', () => {
  it('assigns every user active in the window by md5(salt:user_id), as the JavaScript reference does', async () => {
    const v = await values('by_hash', 'views');
    const active = ['c1', 'c2', 't1', 't2', 't3', 't4', 'x1'];
    const e = experiments.get('by_hash')!;
    const shares = [0.5, 0.25, 0.25];
    const expected = active.map((u) =>
      e.variants.indexOf(['a', 'b', 'c'][variantOfBucket(hashBucket('s1', u), shares)]!),
    );
    expect([...v.arm]).toEqual(expected);
    // Views after each user's first event in the window.
    expect([...v.value]).toEqual([2, 0, 3, 2, 1, 1, 0]);
  });

  it('the bucket is the first 32 bits of the md5 digest over 2^32', () => {
    // md5("s:u_0000001") = ece4a880…, 0xece4a880 = 3974408320.
    expect(hashBucket('s', 'u_0000001')).toBe(3974408320 / 4294967296);
    expect(variantOfBucket(0.49, [0.5, 0.5])).toBe(0);
    expect(variantOfBucket(0.5, [0.5, 0.5])).toBe(1);
  });
});
