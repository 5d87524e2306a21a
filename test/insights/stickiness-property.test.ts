import { describe, expect, it } from 'vitest';
import { runStickiness } from '../../src/analytics/insights/stickiness/stickiness-insight.ts';
import { stickinessSpecSchema } from '../../src/analytics/insights/stickiness/stickiness-spec.ts';
import { contextFor, type TestEvent, warehouseWithCases } from './fixtures.ts';
import { BREAKDOWNS, LAYER, randomPeriodCase } from './retention-cases.ts';
import { type NaiveStickinessQuery, naiveStickiness } from './stickiness-reference.ts';

const CASES = 1000;

function randomCase(seed: number): { project: string; events: TestEvent[]; query: NaiveStickinessQuery } {
  const { rng, events, query } = randomPeriodCase(seed);
  const breakdown = rng.bernoulli(0.4) ? rng.pick(BREAKDOWNS) : undefined;
  return { project: `s${seed}`, events, query: { ...query, breakdown } };
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
