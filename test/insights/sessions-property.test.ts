import { describe, expect, it } from 'vitest';
import { runInsight } from '../../src/analytics/insights/registry.ts';
import type { SessionsResult } from '../../src/analytics/insights/sessions/sessions-insight.ts';
import { randomCohort, randomFilter, userSources } from './cohorts-reference.ts';
import { contextFor, createRng, randomEvents, type TestEvent, warehouseWithCases } from './fixtures.ts';
import { localMidnight, plusDays } from './local-time.ts';
import { type IndexedEvent, naiveSessions } from './sessions-reference.ts';

const CASES = 1000;
const NAMES = ['a', 'b', 'c', 'd'];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Adelaide'];
/** Around Berlin's and New York's clock changes, and an ordinary autumn week. */
const START_DAYS = ['2026-03-06', '2026-03-27', '2026-09-01', '2026-10-23', '2026-10-30'];
const GAPS: [string, number][] = [
  ['10m', 600],
  ['30m', 1800],
  ['1h', 3600],
  ['2h', 7200],
];
const BREAKDOWNS: [string, (e: IndexedEvent, sources: Map<string, string | null>) => string | null][] = [
  ['os', (e) => e.os ?? null],
  ['country', (e) => e.country ?? null],
  ['user.source', (e, sources) => sources.get(e.user_id) ?? null],
];

interface Case {
  project: string;
  events: TestEvent[];
  spec: Record<string, unknown>;
  expected: ReturnType<typeof naiveSessions>;
  layer: Parameters<typeof contextFor>[2];
}

function buildCase(i: number): Case {
  const rng = createRng(1000 + i);
  const startDay = rng.pick(START_DAYS);
  const days = rng.pick([2, 3, 4]);
  const events = randomEvents(rng, {
    names: NAMES,
    maxUsers: 5,
    maxEventsPerUser: 16,
    startDay,
    days,
    stepSeconds: rng.pick([300, 600, 1800, 3600]),
  });
  const timeZone = rng.pick(ZONES);
  const from = plusDays(startDay, rng.int(0, days - 2));
  const to = plusDays(from, rng.int(0, 1));
  const [gapText, gapSeconds] = rng.pick(GAPS);
  const interval = rng.pick(['day', 'day', 'week', 'month'] as const);
  const cohort = randomCohort(rng, 'random_cohort', NAMES);
  const filter = randomFilter(rng, events, cohort, localMidnight(plusDays(to, 1), timeZone));
  const breakdown = rng.bernoulli(0.5) ? rng.pick(BREAKDOWNS) : undefined;
  const breakdownLimit = rng.pick([1, 2, 10]);
  const sources = userSources(events);
  const spec: Record<string, unknown> = {
    from,
    to,
    timeZone,
    interval,
    gap: rng.bernoulli(0.3) && gapSeconds === 1800 ? undefined : gapText,
    ...(filter.where ? { where: filter.where } : {}),
    ...(breakdown ? { breakdown: breakdown[0], breakdownLimit } : {}),
  };
  const expected = naiveSessions(events, {
    from,
    to,
    timeZone,
    gapSeconds,
    interval,
    keep: filter.keep,
    breakdown: breakdown ? (e) => breakdown[1](e, sources) : undefined,
    breakdownLimit,
  });
  return {
    project: `s${i}`,
    events,
    spec,
    expected,
    layer: { cohorts: { [cohort.name]: cohort.definition } },
  };
}

describe('sessions against a naive implementation', () => {
  const cases = Array.from({ length: CASES }, (_, i) => buildCase(i));

  const warehouse = warehouseWithCases(cases);

  it(`agrees on ${CASES} random event sets (gaps, zones, intervals, filters, cohorts, breakdowns)`, async () => {
    let withSessions = 0;
    let cut = 0;
    let merged = 0;
    for (const c of cases) {
      const ctx = contextFor(warehouse(), c.project, c.layer);
      const result = (await runInsight(ctx, 'sessions', c.spec)) as SessionsResult;
      const { cut: expectedCut, ...expected } = c.expected;
      const context = `case ${c.project}: ${JSON.stringify(c.spec)}`;
      expect({ ...result, sql: undefined, warnings: undefined }, context).toEqual({
        ...expected,
        sql: undefined,
        warnings: undefined,
      });
      const codes = result.warnings.map((w) => w.code);
      expect(codes.includes('SL_SESSIONS_CUT'), context).toBe(expectedCut > 0);
      if (expectedCut > 0)
        expect(result.warnings.find((w) => w.code === 'SL_SESSIONS_CUT')?.message).toMatch(
          new RegExp(`^${expectedCut} session`),
        );
      if (expected.summary.sessions > 0) withSessions++;
      if (expectedCut > 0) cut++;
      if (codes.includes('SL_BREAKDOWN_OTHER')) merged++;
    }
    // The random cases reach the interesting situations often enough to mean something.
    expect(withSessions).toBeGreaterThan(CASES * 0.5);
    expect(cut).toBeGreaterThan(10);
    expect(merged).toBeGreaterThan(20);
  });
});
