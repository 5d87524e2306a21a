import { describe, expect, it } from 'vitest';
import { runStickiness } from '../../src/analytics/insights/stickiness/stickiness-insight.ts';
import { stickinessSpecSchema } from '../../src/analytics/insights/stickiness/stickiness-spec.ts';
import { contextFor, createRng, type TestEvent, warehouseWithCases } from './fixtures.ts';
import {
  BREAKDOWNS,
  FILTERS,
  LAYER,
  randomRange,
  randomSet,
  TIME_ZONES,
  type Unit,
} from './retention-cases.ts';
import { type NaiveStickinessQuery, naiveStickiness } from './stickiness-reference.ts';

const CASES = 1000;

function randomCase(seed: number): { project: string; events: TestEvent[]; query: NaiveStickinessQuery } {
  const rng = createRng(seed);
  // Every 12th case spans more than 64 days, past DuckDB's per-user bit sets.
  const long = seed % 12 === 0;
  const interval = long ? 'day' : rng.pick<Unit>(['day', 'day', 'week', 'month']);
  const { events, startDay, days } = randomSet(rng, interval, long);
  const query: NaiveStickinessQuery = {
    event: rng.pick(['a', 'b', '$any', '$any']),
    interval,
    ...randomRange(rng, startDay, days, long),
    timeZone: rng.bernoulli(0.45) ? 'UTC' : rng.pick(TIME_ZONES),
    filter: rng.bernoulli(0.45) ? rng.pick(FILTERS) : undefined,
    breakdown: rng.bernoulli(0.4) ? rng.pick(BREAKDOWNS) : undefined,
  };
  return { project: `s${seed}`, events, query };
}

describe('stickiness against a naive implementation', () => {
  const cases = Array.from({ length: CASES }, (_, i) => randomCase(i + 1));
  const warehouse = warehouseWithCases(cases);

  it(`agrees on ${CASES} random event sets, on the rollup and on events`, async () => {
    const paths = { rollup: 0, events: 0 };
    for (const c of cases) {
      const q = c.query;
      const spec = stickinessSpecSchema.parse({
        event: q.event,
        interval: q.interval,
        from: q.from,
        to: q.to,
        timeZone: q.timeZone,
        where: q.filter?.where,
        breakdown: q.breakdown,
      });
      const context = `${c.project}: ${JSON.stringify({ ...q, filter: q.filter?.where })}`;
      const expected = naiveStickiness(c.events, q);
      const result = await runStickiness(contextFor(warehouse(), c.project, LAYER), spec);
      expect(result.series, context).toEqual(expected);
      const rollup =
        q.timeZone === 'UTC' &&
        (q.filter === undefined || q.filter.userLevel) &&
        (q.breakdown === undefined || q.breakdown.startsWith('user.'));
      expect(result.sql.includes('user_daily'), context).toBe(rollup);
      paths[rollup ? 'rollup' : 'events']++;
      if (rollup) {
        const onEvents = await runStickiness(contextFor(warehouse(), c.project, LAYER), spec, {
          path: 'events',
        });
        expect(onEvents.series, context).toEqual(result.series);
      }
    }
    expect(paths.rollup).toBeGreaterThan(150);
    expect(paths.events).toBeGreaterThan(500);
  });
});
