import { describe, expect, it } from 'vitest';
import { runLifecycle } from '../../src/analytics/insights/lifecycle/lifecycle-insight.ts';
import { lifecycleSpecSchema } from '../../src/analytics/insights/lifecycle/lifecycle-spec.ts';
import { contextFor, type TestEvent, warehouseWithCases } from './fixtures.ts';
import { type NaiveLifecycleQuery, naiveLifecycle } from './lifecycle-reference.ts';
import { LAYER, randomPeriodCase } from './retention-cases.ts';

const CASES = 1000;

function randomCase(seed: number): { project: string; events: TestEvent[]; query: NaiveLifecycleQuery } {
  const { events, query } = randomPeriodCase(seed);
  return { project: `l${seed}`, events, query };
}

describe('lifecycle against a naive implementation', () => {
  const cases = Array.from({ length: CASES }, (_, i) => randomCase(i + 1));
  const warehouse = warehouseWithCases(cases);

  it(`agrees on ${CASES} random event sets, on the rollup and on events`, async () => {
    const paths = { rollup: 0, events: 0 };
    for (const c of cases) {
      const q = c.query;
      const spec = lifecycleSpecSchema.parse({
        event: q.event,
        interval: q.interval,
        from: q.from,
        to: q.to,
        timeZone: q.timeZone,
        where: q.filter?.where,
      });
      const context = `${c.project}: ${JSON.stringify({ ...q, filter: q.filter?.where })}`;
      const expected = naiveLifecycle(c.events, q);
      const result = await runLifecycle(contextFor(warehouse(), c.project, LAYER), spec);
      expect(result.points, context).toEqual(expected);
      const rollup = q.timeZone === 'UTC' && (q.filter === undefined || q.filter.userLevel);
      expect(result.sql.includes('user_daily'), context).toBe(rollup);
      paths[rollup ? 'rollup' : 'events']++;
      if (rollup) {
        const onEvents = await runLifecycle(contextFor(warehouse(), c.project, LAYER), spec, {
          path: 'events',
        });
        expect(onEvents.points, context).toEqual(result.points);
      }
    }
    expect(paths.rollup).toBeGreaterThan(150);
    expect(paths.events).toBeGreaterThan(500);
  });
});
