import { describe, expect, it } from 'vitest';
import type { CohortsResult } from '../../src/analytics/insights/cohorts/cohorts-insight.ts';
import { resolveRange } from '../../src/analytics/insights/date-range.ts';
import { scopeFor } from '../../src/analytics/insights/event-scan.ts';
import { runInsight } from '../../src/analytics/insights/registry.ts';
import { cohortMembers } from '../../src/analytics/metrics/compile-filter.ts';
import { sql } from '../../src/data/sql/sql.ts';
import { naiveMembers, randomCohort } from './cohorts-reference.ts';
import { contextFor, createRng, randomEvents, type TestEvent, warehouseWithCases } from './fixtures.ts';
import { localMidnight, plusDays } from './local-time.ts';

const CASES = 1000;
const NAMES = ['a', 'b', 'c'];
const ZONES = ['UTC', 'UTC', 'Europe/Berlin', 'America/New_York'];
const START_DAYS = ['2026-03-26', '2026-09-01', '2026-10-22'];

interface Case {
  project: string;
  events: TestEvent[];
  spec: { from: string; to: string; timeZone: string };
  layer: Parameters<typeof contextFor>[2];
  /** Expected members per cohort name. */
  expected: Map<string, Set<string>>;
}

function buildCase(i: number): Case {
  const rng = createRng(9000 + i);
  const startDay = rng.pick(START_DAYS);
  const events = randomEvents(rng, { names: NAMES, maxUsers: 6, maxEventsPerUser: 10, startDay, days: 6 });
  const timeZone = rng.pick(ZONES);
  const to = plusDays(startDay, rng.int(0, 5));
  const from = plusDays(to, -rng.int(0, 3));
  const endMs = localMidnight(plusDays(to, 1), timeZone);
  const first = randomCohort(rng, 'first', NAMES);
  const firstMembers = naiveMembers(events, first, endMs);
  const expected = new Map([['first', firstMembers]]);
  const cohorts: Record<string, unknown> = { first: first.definition };
  if (rng.bernoulli(0.5)) {
    // A cohort built on another: members of `first` with an event not on Android.
    cohorts.second = { where: "cohort = 'first' and os != 'Android'" };
    expected.set(
      'second',
      new Set(events.filter((e) => firstMembers.has(e.user_id) && e.os !== 'Android').map((e) => e.user_id)),
    );
  }
  return {
    project: `c${i}`,
    events,
    spec: { from, to, timeZone },
    layer: { cohorts: cohorts as NonNullable<Parameters<typeof contextFor>[2]>['cohorts'] },
    expected,
  };
}

describe('cohort membership against a naive implementation', () => {
  const cases = Array.from({ length: CASES }, (_, i) => buildCase(i));

  const warehouse = warehouseWithCases(cases);

  it(`agrees on ${CASES} random event sets (where, behaviour, both, nested; window edges at the range end)`, async () => {
    let nonEmpty = 0;
    let edge = 0;
    for (const c of cases) {
      const ctx = contextFor(warehouse(), c.project, c.layer);
      const result = (await runInsight(ctx, 'cohorts', c.spec)) as CohortsResult;
      const context = `case ${c.project}: ${JSON.stringify(c.spec)} ${JSON.stringify(c.layer)}`;
      expect(
        result.cohorts.map((k) => [k.name, k.users]),
        context,
      ).toEqual([...c.expected].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, set]) => [name, set.size]));
      const scope = scopeFor(ctx, await resolveRange(ctx, c.spec));
      for (const [name, members] of c.expected) {
        const rows = await ctx.query<{ user_id: string }>(
          sql`SELECT user_id FROM (${cohortMembers(scope, name)}) AS m`,
        );
        expect(new Set(rows.map((r) => r.user_id)), `${context} ${name}`).toEqual(members);
        if (members.size > 0) nonEmpty++;
      }
      const end = localMidnight(plusDays(c.spec.to, 1), c.spec.timeZone);
      const days = c.layer?.cohorts?.first?.behavior?.days;
      if (days && c.events.some((e) => [end, end - days * 86_400_000].includes(Date.parse(e.ts)))) edge++;
    }
    expect(nonEmpty).toBeGreaterThan(CASES * 0.4);
    // Events fall exactly on the window's edges in many cases (30-minute steps).
    expect(edge).toBeGreaterThan(50);
  });
});
