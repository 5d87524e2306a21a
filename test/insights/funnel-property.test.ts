import { describe, expect, it } from 'vitest';
import { runFunnel } from '../../src/analytics/insights/funnels/funnel-insight.ts';
import type { FunnelResult } from '../../src/analytics/insights/funnels/funnel-result.ts';
import { funnelSpecSchema } from '../../src/analytics/insights/funnels/funnel-spec.ts';
import type { MetricsLayerSource } from '../../src/analytics/metrics/definitions.ts';
import { contextFor, createRng, randomEvents, type TestEvent, warehouseWithCases } from './fixtures.ts';
import {
  type NaiveEvent,
  type NaiveFunnel,
  type NaiveFunnelQuery,
  type NaiveUser,
  naiveFunnel,
} from './funnel-naive.ts';

const CASES = Number(process.env.FUNNEL_CASES ?? 1000);

const LAYER: MetricsLayerSource = { cohorts: { a_doers: { where: "event = 'a'" } } };

interface Filter {
  where: string;
  test: (e: NaiveEvent, user: NaiveUser, all: readonly TestEvent[]) => boolean;
}

const FILTERS: Filter[] = [
  { where: "os = 'iOS'", test: (e) => e.os === 'iOS' },
  { where: "os != 'Android'", test: (e) => e.os !== 'Android' },
  { where: "country = 'DE'", test: (e) => e.country === 'DE' },
  { where: 'age >= 30', test: (e) => e.age != null && e.age >= 30 },
  { where: "user.source = 'ads'", test: (_e, u) => u.source === 'ads' },
  { where: 'country is null', test: (e) => e.country == null },
  {
    where: "cohort = 'a_doers'",
    test: (e, _u, all) => all.some((x) => x.user_id === e.user_id && x.event === 'a'),
  },
];

const BREAKDOWNS: { ref: string; value: (e: NaiveEvent, u: NaiveUser) => string | null }[] = [
  { ref: 'os', value: (e) => e.os ?? null },
  { ref: 'country', value: (e) => e.country ?? null },
  { ref: 'user.source', value: (_e, u) => u.source },
  { ref: 'age', value: (e) => (e.age == null ? null : String(e.age)) },
];

/** Data windows: plain days, and days around the 2026 daylight saving changes of Berlin and New York. */
const PERIODS = [
  { startDay: '2026-09-01', zones: ['UTC', 'UTC', 'Europe/Berlin', 'America/New_York'] },
  { startDay: '2026-09-01', zones: ['UTC'] },
  { startDay: '2026-03-28', zones: ['Europe/Berlin', 'UTC'] },
  { startDay: '2026-10-24', zones: ['Europe/Berlin', 'UTC'] },
  { startDay: '2026-10-31', zones: ['America/New_York', 'UTC'] },
];

const WINDOWS = [1800, 3600, 5400, 7200, 86_400, 172_800];

interface Case {
  project: string;
  events: TestEvent[];
  spec: Record<string, unknown>;
  naive: NaiveFunnelQuery;
}

const NAMES = ['a', 'b', 'c', 'd'];

/**
 * Funnel-shaped random events: each user walks through the names in order (a, b, c, d, a, …) from a
 * random place, taking the next name more often than a random one, a few slots of 30 minutes apart
 * (often none, so ties are common); plus noise from `randomEvents`. Deterministic for a seed.
 */
function funnelEvents(rng: ReturnType<typeof createRng>, startDay: string): TestEvent[] {
  const start = Date.parse(`${startDay}T00:00:00Z`);
  const slot = 1800 * 1000;
  const events = randomEvents(rng, { startDay, days: 2, maxUsers: 3, maxEventsPerUser: 4 });
  const users = rng.int(1, 4);
  for (let u = 0; u < users; u++) {
    const user_id = `w${u}`;
    const source = rng.pick(['ads', 'organic', null]);
    // Now and then a heavy user, with more entries than the compiler's few-entries path takes.
    const walks = u === 0 && rng.bernoulli(0.3) ? rng.int(5, 8) : rng.int(1, 3);
    for (let walk = walks; walk > 0; walk--) {
      let at = rng.int(0, 95);
      let name = rng.int(0, 3);
      for (let i = rng.int(2, 7); i > 0; i--) {
        events.push({
          user_id,
          event: NAMES[name] as string,
          ts: new Date(start + at * slot).toISOString(),
          os: rng.pick(['iOS', 'Android', null]),
          country: rng.pick(['US', 'DE', null]),
          source,
          age: rng.pick([18, 30, null]),
        });
        at += rng.pick([0, 0, 1, 1, 2, 3, 6]);
        name = rng.bernoulli(0.65) ? (name + 1) % 4 : rng.int(0, 3);
      }
    }
  }
  return events;
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function randomCase(seed: number): Case {
  const rng = createRng(seed);
  const period = rng.pick(PERIODS);
  const events = funnelEvents(rng, period.startDay);
  const n = rng.pick([2, 2, 3, 3, 4, 5]);
  const names = NAMES;
  // Mostly the walk's order from a random name (a funnel users go through), else any names, repeats
  // included (a, b, a; c, c).
  const first = rng.int(0, 3);
  const stepNames = rng.bernoulli(0.6)
    ? Array.from({ length: n }, (_, i) => NAMES[(first + i) % 4] as string)
    : Array.from({ length: n }, () => rng.pick(NAMES));
  const order = rng.pick(['ordered', 'ordered', 'strict', 'any'] as const);
  const stepFilters = stepNames.map(() => (rng.bernoulli(0.2) ? rng.pick(FILTERS) : undefined));
  const where = rng.bernoulli(0.25) ? rng.pick(FILTERS) : undefined;
  const breakdown = rng.bernoulli(0.3) ? rng.pick(BREAKDOWNS) : undefined;
  const interval = rng.bernoulli(0.25) ? rng.pick(['day', 'week'] as const) : undefined;
  const exclusions = rng.bernoulli(0.45)
    ? Array.from({ length: rng.int(1, 2) }, () => {
        const from = rng.int(1, n - 1);
        const to = rng.int(from + 1, n);
        return {
          event: rng.pick(names),
          from,
          to,
          filter: rng.bernoulli(0.2) ? rng.pick(FILTERS) : undefined,
        };
      })
    : [];
  const from = addDays(period.startDay, rng.int(0, 1));
  const to = addDays(from, rng.int(0, 1));
  const windowSeconds = rng.pick(WINDOWS);
  const timeZone = rng.pick(period.zones);
  const droppedAt = rng.bernoulli(0.3) ? rng.int(2, n) : undefined;
  const limit = rng.int(1, 4);

  const spec: Record<string, unknown> = {
    steps: stepNames.map((event, i) => (stepFilters[i] ? { event, where: stepFilters[i]?.where } : event)),
    window: windowSeconds,
    order,
    from,
    to,
    timeZone,
    ...(where ? { where: where.where } : {}),
    ...(breakdown ? { breakdown: breakdown.ref, breakdownLimit: 100 } : {}),
    ...(interval ? { interval } : {}),
    ...(exclusions.length > 0
      ? {
          exclude: exclusions.map((x) => ({
            event: x.event,
            from: x.from,
            to: x.to,
            ...(x.filter ? { where: x.filter.where } : {}),
          })),
        }
      : {}),
    ...(droppedAt !== undefined ? { droppedAt, limit } : {}),
  };
  const predicate = (f: Filter | undefined) =>
    f ? (e: NaiveEvent, u: NaiveUser) => f.test(e, u, events) : undefined;
  const naive: NaiveFunnelQuery = {
    steps: stepNames.map((event, i) => ({ event, where: predicate(stepFilters[i]) })),
    order,
    windowSeconds,
    from,
    to,
    timeZone,
    where: predicate(where),
    exclusions: exclusions.map((x) => ({
      event: x.event,
      from: x.from,
      to: x.to,
      where: predicate(x.filter),
    })),
    breakdown: breakdown?.value,
    interval,
    droppedAt,
    limit,
  };
  return { project: `f${seed}`, events, spec, naive };
}

/** The fields the naive implementation computes, with floats rounded (SQL sums in another order). */
function comparable(r: FunnelResult | NaiveFunnel) {
  const round = (v: number | null | undefined) =>
    v === null || v === undefined ? v : Math.round(v * 1e6) / 1e6;
  const steps = (list: FunnelResult['steps'] | NaiveFunnel['steps']) =>
    list.map((s) => ({
      count: s.count,
      conversionRate: round(s.conversionRate),
      conversionFromPrevious: round(s.conversionFromPrevious),
      medianSecondsFromPrevious: round(s.medianSecondsFromPrevious),
      meanSecondsFromPrevious: round(s.meanSecondsFromPrevious),
    }));
  return {
    steps: steps(r.steps),
    timeToConvert: {
      medianSeconds: round(r.timeToConvert.medianSeconds),
      meanSeconds: round(r.timeToConvert.meanSeconds),
      histogram: r.timeToConvert.histogram,
    },
    breakdowns: r.breakdowns?.map((b) => ({ breakdown: b.breakdown, steps: steps(b.steps) })),
    overTime: r.overTime?.map((p) => ({ ...p, rate: round(p.rate) })),
    droppedUsers: r.droppedUsers,
  };
}

describe('funnels against a naive implementation', () => {
  const cases = Array.from({ length: CASES }, (_, i) => randomCase(i + 1));
  const warehouse = warehouseWithCases(cases);

  it(`agrees on ${CASES} random event sets across orders, windows, filters, breakdowns, exclusions and zones`, async () => {
    const seen = { ordered: 0, strict: 0, any: 0, exclusions: 0, excluded: 0, converted: 0 };
    const any = { exclusions: 0, excluded: 0, convertedWithExclusions: 0, distinct: 0, distinctBreakdown: 0 };
    for (const c of cases) {
      const expected = naiveFunnel(c.events, c.naive);
      const result = await runFunnel(
        contextFor(warehouse(), c.project, LAYER),
        funnelSpecSchema.parse(c.spec),
      );
      expect(comparable(result), `${c.project}: ${JSON.stringify(c.spec)}`).toEqual(comparable(expected));
      seen[c.naive.order]++;
      if (c.naive.exclusions.length > 0) seen.exclusions++;
      if (result.warnings.some((w) => w.code === 'SL_FUNNEL_EXCLUDED')) seen.excluded++;
      if ((result.steps.at(-1)?.count ?? 0) > 0) seen.converted++;
      if (c.naive.order === 'any' && c.naive.exclusions.length > 0) {
        any.exclusions++;
        if (result.warnings.some((w) => w.code === 'SL_FUNNEL_EXCLUDED')) any.excluded++;
        if ((result.steps.at(-1)?.count ?? 0) > 0) any.convertedWithExclusions++;
      }
      // Distinct steps without exclusions take DuckDB's one-pass formulation.
      const names = c.naive.steps.map((s) => s.event);
      if (
        c.naive.order === 'any' &&
        c.naive.exclusions.length === 0 &&
        new Set(names).size === names.length
      ) {
        any.distinct++;
        if (c.naive.breakdown !== undefined || c.naive.interval !== undefined) any.distinctBreakdown++;
      }
    }
    expect(seen.strict).toBeGreaterThan(150);
    expect(seen.any).toBeGreaterThan(150);
    expect(seen.exclusions).toBeGreaterThan(100);
    // Enough cases where exclusions leave users out and where users get through every step.
    expect(seen.excluded).toBeGreaterThan(20);
    expect(seen.converted).toBeGreaterThan(250);
    // Any-order funnels with exclusions, some leaving users out and some converting users anyway.
    expect(any.exclusions).toBeGreaterThan(60);
    expect(any.excluded).toBeGreaterThan(10);
    expect(any.convertedWithExclusions).toBeGreaterThan(20);
    // Any-order funnels of distinct steps, some with groups (breakdown values or entry buckets).
    expect(any.distinct).toBeGreaterThan(60);
    expect(any.distinctBreakdown).toBeGreaterThan(20);
  }, 180_000); // about 30 s alone; the margin is for a loaded machine
});
