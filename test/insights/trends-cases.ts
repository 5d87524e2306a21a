/**
 * Random trends cases for the property test: a spec for the compiler and the same query for the naive
 * reference, built from one set of random choices.
 */
import type { MetricsLayerSource } from '../../src/analytics/metrics/definitions.ts';
import type { Rng } from '../../src/math/random.ts';
import { randomEvents, type TestEvent } from './fixtures.ts';
import type { RefEvent, RefLeaf, RefMath, RefQuery, RefSeries } from './trends-reference.ts';

export const TEST_LAYER: MetricsLayerSource = {
  metrics: {
    a_count: { type: 'count', event: 'a' },
    b_count: { type: 'count', event: 'b' },
    ab_ratio: { type: 'ratio', numerator: 'a_count', denominator: 'b_count' },
    active3: { type: 'unique_users', event: '$any', window: 3 },
    ios_active2: { type: 'unique_users', event: 'a', window: 2, where: "os = 'iOS'" },
    new_b: { type: 'new_users', event: 'b' },
    amount_p75: { type: 'percentile', event: '$any', property: 'properties.amount', percentile: 75 },
    b_per_user: { type: 'per_user', event: 'b', aggregate: 'median' },
    mix: { type: 'formula', formula: 'a_count / active3 + b_count' },
  },
  cohorts: { germans: { where: "country = 'DE'" } },
};

type Pred = (e: RefEvent) => boolean;
const all: Pred = () => true;
const both =
  (...preds: Pred[]): Pred =>
  (e) =>
    preds.every((p) => p(e));

const latency = (e: RefEvent): number | null => e.latency_ms ?? null;
const amount = (e: RefEvent): number | null =>
  typeof e.properties?.amount === 'number' ? (e.properties.amount as number) : null;
const age = (e: RefEvent): number | null => e.age ?? null;

interface MathChoice {
  math: string;
  ref: RefMath;
  rollup: boolean;
}

const MATHS: MathChoice[] = [
  { math: 'total', ref: { kind: 'total' }, rollup: true },
  { math: 'dau', ref: { kind: 'unique' }, rollup: true },
  { math: 'unique', ref: { kind: 'unique' }, rollup: true },
  { math: 'wau', ref: { kind: 'window', days: 7 }, rollup: true },
  { math: 'mau', ref: { kind: 'window', days: 30 }, rollup: true },
  { math: 'first_time', ref: { kind: 'first_time' }, rollup: false },
  { math: 'sum:latency_ms', ref: { kind: 'property', statistic: 'sum', read: latency }, rollup: false },
  { math: 'avg:latency_ms', ref: { kind: 'property', statistic: 'avg', read: latency }, rollup: false },
  { math: 'min:age', ref: { kind: 'property', statistic: 'min', read: age }, rollup: false },
  { math: 'max:properties.amount', ref: { kind: 'property', statistic: 'max', read: amount }, rollup: false },
  {
    math: 'median:latency_ms',
    ref: { kind: 'property', statistic: { p: 0.5 }, read: latency },
    rollup: false,
  },
  {
    math: 'p90:properties.amount',
    ref: { kind: 'property', statistic: { p: 0.9 }, read: amount },
    rollup: false,
  },
  { math: 'p95:age', ref: { kind: 'property', statistic: { p: 0.95 }, read: age }, rollup: false },
  { math: 'per_user_avg', ref: { kind: 'per_user', statistic: 'avg' }, rollup: false },
  { math: 'per_user_min', ref: { kind: 'per_user', statistic: 'min' }, rollup: false },
  { math: 'per_user_max', ref: { kind: 'per_user', statistic: 'max' }, rollup: false },
  { math: 'per_user_median', ref: { kind: 'per_user', statistic: { p: 0.5 } }, rollup: false },
  { math: 'per_user_p95', ref: { kind: 'per_user', statistic: { p: 0.95 } }, rollup: false },
];

interface FilterChoice {
  where: string;
  test: Pred;
  rollup: boolean;
}

const FILTERS: FilterChoice[] = [
  { where: "os = 'iOS'", test: (e) => e.os === 'iOS', rollup: false },
  { where: "country != 'US'", test: (e) => e.country !== 'US', rollup: false },
  { where: "user.source = 'ads'", test: (e) => e.userSource === 'ads', rollup: true },
  { where: 'age >= 30', test: (e) => e.age != null && e.age >= 30, rollup: false },
  { where: 'os is null', test: (e) => e.os == null, rollup: false },
  { where: "cohort = 'germans'", test: (e) => e.userEvents.some((x) => x.country === 'DE'), rollup: true },
  { where: "properties.plan = 'pro'", test: (e) => e.properties?.plan === 'pro', rollup: false },
  { where: "event in ('a', 'b')", test: (e) => e.event === 'a' || e.event === 'b', rollup: true },
  {
    where: "not country = 'DE' and user.source is not null",
    test: (e) => e.country !== 'DE' && e.userSource !== null,
    rollup: false,
  },
  {
    where: "user.source is null or event = 'c'",
    test: (e) => e.userSource === null || e.event === 'c',
    rollup: true,
  },
];

type Read = (e: RefEvent) => string | null;
const DIMENSIONS: Record<string, { read: Read; rollup: boolean }> = {
  os: { read: (e) => e.os ?? null, rollup: false },
  country: { read: (e) => e.country ?? null, rollup: false },
  'user.source': { read: (e) => e.userSource, rollup: true },
  event: { read: (e) => e.event, rollup: true },
  age: { read: (e) => (e.age == null ? null : String(e.age)), rollup: false },
  'properties.plan': {
    read: (e) => (typeof e.properties?.plan === 'string' ? (e.properties.plan as string) : null),
    rollup: false,
  },
};
const BREAKDOWNS = [
  ['os'],
  ['country'],
  ['user.source'],
  ['event'],
  ['age'],
  ['properties.plan'],
  ['os', 'country'],
  ['event', 'user.source'],
  ['os', 'country', 'user.source'],
];

const count = (event: string): RefLeaf => ({ event, math: { kind: 'total' }, filter: all });
const divide = (a: number | null, b: number | null): number | null =>
  a === null || b === null || b === 0 ? null : a / b;

/** Metric series as the reference sees them (leaves in the order the compiler ranks them by). */
const METRICS: Record<string, { series: (extra: Pred) => RefSeries; rollup: boolean }> = {
  a_count: { series: (f) => single({ ...count('a'), filter: f }), rollup: true },
  active3: {
    series: (f) => single({ event: '$any', math: { kind: 'window', days: 3 }, filter: f }),
    rollup: true,
  },
  ios_active2: {
    series: (f) =>
      single({ event: 'a', math: { kind: 'window', days: 2 }, filter: both(f, (e) => e.os === 'iOS') }),
    rollup: false,
  },
  new_b: { series: (f) => single({ event: 'b', math: { kind: 'first_time' }, filter: f }), rollup: false },
  amount_p75: {
    series: (f) =>
      single({ event: '$any', math: { kind: 'property', statistic: { p: 0.75 }, read: amount }, filter: f }),
    rollup: false,
  },
  b_per_user: {
    series: (f) => single({ event: 'b', math: { kind: 'per_user', statistic: { p: 0.5 } }, filter: f }),
    rollup: false,
  },
  ab_ratio: {
    series: (f) => ({
      leaves: [
        { ...count('a'), filter: f },
        { ...count('b'), filter: f },
      ],
      combine: ([a, b]) => divide(a ?? null, b ?? null),
    }),
    rollup: true,
  },
  mix: {
    series: (f) => ({
      leaves: [
        { ...count('a'), filter: f },
        { event: '$any', math: { kind: 'window', days: 3 }, filter: f },
        { ...count('b'), filter: f },
      ],
      combine: ([a, active, b]) => {
        const ratio = divide(a ?? null, active ?? null);
        return ratio === null || b === null || b === undefined ? null : ratio + b;
      },
    }),
    rollup: true,
  },
};

function single(leaf: RefLeaf): RefSeries {
  return { leaves: [leaf], combine: ([v]) => v ?? null };
}

const FORMULAS: { text: string; combine: (v: (number | null)[]) => number | null }[] = [
  { text: 'A / B', combine: ([a, b]) => divide(a ?? null, b ?? null) },
  {
    text: 'A - B * 2',
    combine: ([a, b]) => (a == null || b == null ? null : a - b * 2),
  },
  { text: '(A + B) / 2', combine: ([a, b]) => (a == null || b == null ? null : (a + b) / 2) },
];

const START_DAYS = ['2026-03-27', '2026-10-23', '2026-03-06', '2026-10-30', '2026-09-01', '2026-12-29'];
// Asia/Calcutta rather than Asia/Kolkata: Node's list of zones (which the spec checks against) has the old name.
const ZONES = ['UTC', 'UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Calcutta', 'Pacific/Chatham'];

export interface TrendsCase {
  events: TestEvent[];
  spec: Record<string, unknown>;
  ref: RefQuery;
  /** True when every series was drawn from what the rollup can answer (UTC, day+, user-level). */
  rollupFriendly: boolean;
}

function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Events with latency, properties and coarse times; some cases with a second, earlier burst. */
export function caseEvents(rng: Rng, startDay: string): TestEvent[] {
  const days = rng.int(3, 8);
  const events = randomEvents(rng, {
    startDay,
    days,
    maxUsers: 6,
    maxEventsPerUser: 10,
    stepSeconds: rng.pick([900, 1800, 3600]),
  });
  for (const e of events) {
    e.latency_ms = rng.pick([null, 0, 10, 25, 40, 100, 250]);
    const plan = rng.pick([undefined, 'free', 'pro']);
    const amountValue = rng.pick([undefined, 1, 2, 5, 7, 'n/a']);
    if (plan !== undefined || amountValue !== undefined)
      e.properties = {
        ...(plan ? { plan } : {}),
        ...(amountValue !== undefined ? { amount: amountValue } : {}),
      };
  }
  return events;
}

export function randomCase(rng: Rng): TrendsCase {
  const rollupFriendly = rng.bernoulli(0.3);
  const startDay = rng.pick(START_DAYS);
  const events = caseEvents(rng, startDay);
  const timeZone = rollupFriendly ? 'UTC' : rng.pick(ZONES);
  const interval = rollupFriendly
    ? rng.pick(['day', 'day', 'week', 'month'] as const)
    : rng.pick(['day', 'day', 'day', 'hour', 'week', 'month'] as const);
  const from = addDays(startDay, rng.int(-3, 3));
  const to = addDays(
    from,
    interval === 'hour' ? rng.int(0, 2) : interval === 'day' ? rng.int(0, 8) : rng.int(0, 24),
  );

  const filter = rng.bernoulli(0.4)
    ? rng.pick(FILTERS.filter((f) => f.rollup || !rollupFriendly))
    : undefined;
  const where = filter?.test ?? all;

  const breakdownDims = rng.bernoulli(0.55)
    ? rng.pick(BREAKDOWNS.filter((dims) => !rollupFriendly || dims.every((d) => DIMENSIONS[d]?.rollup)))
    : [];

  const nSeries = rng.bernoulli(0.2) ? 2 : 1;
  const specSeries: Record<string, unknown>[] = [];
  const refSeries: RefSeries[] = [];
  for (let i = 0; i < nSeries; i++) {
    const useMetric = rng.bernoulli(0.2);
    if (useMetric) {
      const names = Object.keys(METRICS).filter(
        (name) =>
          (!rollupFriendly || METRICS[name]?.rollup) && !(interval === 'hour' && /active|mix/.test(name)),
      );
      const name = rng.pick(names);
      specSeries.push({ metric: name });
      refSeries.push((METRICS[name] as (typeof METRICS)[string]).series(where));
      continue;
    }
    const choice = rng.pick(
      MATHS.filter((m) => (!rollupFriendly || m.rollup) && !(interval === 'hour' && m.ref.kind === 'window')),
    );
    const event = rng.pick(['$any', '$any', 'a', 'b']);
    const ownFilter = !rollupFriendly && rng.bernoulli(0.15) ? rng.pick(FILTERS) : undefined;
    specSeries.push({ event, math: choice.math, ...(ownFilter ? { where: ownFilter.where } : {}) });
    refSeries.push(
      single({
        event,
        math: choice.ref,
        filter: ownFilter ? both(where, ownFilter.test) : where,
      }),
    );
  }
  const formula = nSeries === 2 && rng.bernoulli(0.6) ? rng.pick(FORMULAS) : undefined;
  const compare = rng.bernoulli(0.15);
  const movingAverage = rng.bernoulli(0.15) ? rng.int(2, 3) : undefined;
  const limit = rng.int(1, 4);

  const spec: Record<string, unknown> = {
    series: specSeries,
    interval,
    from,
    to,
    timeZone,
    ...(filter ? { where: filter.where } : {}),
    ...(breakdownDims.length > 0 ? { breakdown: breakdownDims, breakdownLimit: limit } : {}),
    ...(formula ? { formula: formula.text } : {}),
    ...(compare ? { compare: 'previous' } : {}),
    ...(movingAverage ? { movingAverage } : {}),
  };
  const ref: RefQuery = {
    series: refSeries,
    ...(formula ? { formula: formula.combine } : {}),
    interval,
    from,
    to,
    timeZone,
    breakdown: breakdownDims.map((d) => (DIMENSIONS[d] as { read: Read }).read),
    limit,
    compare,
    ...(movingAverage ? { movingAverage } : {}),
  };
  return { events, spec, ref, rollupFriendly };
}
