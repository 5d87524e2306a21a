import { describe, expect, it } from 'vitest';
import type { PathsResult } from '../../src/analytics/insights/paths/paths-insight.ts';
import { runInsight } from '../../src/analytics/insights/registry.ts';
import { randomCohort, randomFilter } from './cohorts-reference.ts';
import { contextFor, createRng, randomEvents, type TestEvent, warehouseWithCases } from './fixtures.ts';
import { localMidnight, plusDays } from './local-time.ts';
import { naivePaths } from './paths-reference.ts';

const CASES = 1000;
const NAMES = ['a', 'b', 'c', 'd'];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York'];
const START_DAYS = ['2026-03-27', '2026-09-01', '2026-10-23'];
const GAPS: [string, number][] = [
  ['10m', 600],
  ['30m', 1800],
  ['1h', 3600],
  ['6h', 21_600],
];

interface Case {
  project: string;
  events: TestEvent[];
  spec: Record<string, unknown>;
  expected: ReturnType<typeof naivePaths>;
  layer: Parameters<typeof contextFor>[2];
}

function buildCase(i: number): Case {
  const rng = createRng(5000 + i);
  const startDay = rng.pick(START_DAYS);
  const days = rng.pick([1, 2, 3]);
  const events = randomEvents(rng, {
    names: NAMES,
    maxUsers: 6,
    maxEventsPerUser: 12,
    startDay,
    days,
    stepSeconds: rng.pick([300, 600, 1800]),
  });
  const timeZone = rng.pick(ZONES);
  const from = plusDays(startDay, rng.int(0, days - 1));
  const to = plusDays(from, rng.int(0, 1));
  const [gapText, gapSeconds] = rng.pick(GAPS);
  const mode = rng.int(0, 2);
  const anchor = rng.pick(NAMES);
  const steps = rng.pick([2, 3, 5, 20]);
  const top = rng.pick([1, 2, 50]);
  const topPaths = rng.pick([1, 3, 10]);
  const collapseRepeats = rng.bernoulli(0.4);
  const names = rng.bernoulli(0.3) ? [rng.pick(NAMES), rng.pick(NAMES)] : undefined;
  const cohort = randomCohort(rng, 'random_cohort', NAMES);
  const filter = randomFilter(rng, events, cohort, localMidnight(plusDays(to, 1), timeZone));
  const spec: Record<string, unknown> = {
    from,
    to,
    timeZone,
    steps,
    top,
    topPaths,
    sessionGap: gapText,
    collapseRepeats,
    ...(mode === 1 ? { startEvent: anchor } : mode === 2 ? { endEvent: anchor } : {}),
    ...(names ? { events: names.join(',') } : {}),
    ...(filter.where ? { where: filter.where } : {}),
  };
  const expected = naivePaths(events, {
    from,
    to,
    timeZone,
    ...(mode === 1 ? { startEvent: anchor } : mode === 2 ? { endEvent: anchor } : {}),
    steps,
    ...(names ? { events: names } : {}),
    top,
    topPaths,
    gapSeconds,
    collapseRepeats,
    keep: filter.keep,
  });
  return {
    project: `p${i}`,
    events,
    spec,
    expected,
    layer: { cohorts: { [cohort.name]: cohort.definition } },
  };
}

describe('paths against a naive implementation', () => {
  const cases = Array.from({ length: CASES }, (_, i) => buildCase(i));

  const warehouse = warehouseWithCases(cases);

  it(`agrees on ${CASES} random event sets (anchors, steps, gaps, collapse, names, filters, zones)`, async () => {
    let withPaths = 0;
    let dropped = 0;
    for (const c of cases) {
      const ctx = contextFor(warehouse(), c.project, c.layer);
      const result = (await runInsight(ctx, 'paths', c.spec)) as PathsResult;
      const { droppedLinks, droppedUsers, ...expected } = c.expected;
      const context = `case ${c.project}: ${JSON.stringify(c.spec)}`;
      expect(
        { transitions: result.transitions, nodes: result.nodes, topPaths: result.topPaths },
        context,
      ).toEqual(expected);
      const warning = result.warnings.find((w) => w.code === 'SL_PATHS_TRANSITIONS_DROPPED');
      if (droppedLinks === 0) expect(warning, context).toBeUndefined();
      else
        expect(warning?.message, context).toMatch(
          new RegExp(`^${droppedLinks} transitions? below the top .*; ${droppedUsers} distinct users`),
        );
      if (expected.nodes.length > 0) withPaths++;
      if (droppedLinks > 0) dropped++;
    }
    expect(withPaths).toBeGreaterThan(CASES * 0.5);
    expect(dropped).toBeGreaterThan(50);
  });
});
