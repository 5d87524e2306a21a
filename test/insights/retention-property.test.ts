import { describe, expect, it } from 'vitest';
import { runRetention } from '../../src/analytics/insights/retention/retention-insight.ts';
import { retentionSpecSchema } from '../../src/analytics/insights/retention/retention-spec.ts';
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
import { type NaiveRetentionQuery, naiveRetention } from './retention-reference.ts';

const CASES = 1000;

interface Case {
  project: string;
  events: TestEvent[];
  query: NaiveRetentionQuery;
}

function randomCase(seed: number): Case {
  const rng = createRng(seed);
  // Every 12th case spans more than 64 days, past DuckDB's per-user bit sets.
  const long = seed % 12 === 0;
  const period = long ? 'day' : rng.pick<Unit>(['day', 'day', 'week', 'month']);
  const { events, startDay, days } = randomSet(rng, period, long);
  const periods = rng.int(1, period === 'day' ? 5 : 3);
  const query: NaiveRetentionQuery = {
    startEvent: rng.pick(['a', 'b', '$any', '$any']),
    returnEvent: rng.pick(['a', 'b', '$any', '$any']),
    period,
    periods,
    recurring: rng.bernoulli(0.35),
    ...randomRange(rng, startDay, days, long),
    timeZone: rng.bernoulli(0.45) ? 'UTC' : rng.pick(TIME_ZONES),
    filter: rng.bernoulli(0.45) ? rng.pick(FILTERS) : undefined,
    breakdown: rng.bernoulli(0.4) ? rng.pick(BREAKDOWNS) : undefined,
    trendPeriod: rng.bernoulli(0.3) ? rng.int(1, periods) : undefined,
  };
  return { project: `r${seed}`, events, query };
}

function specOf(q: NaiveRetentionQuery) {
  return retentionSpecSchema.parse({
    startEvent: q.startEvent,
    returnEvent: q.returnEvent,
    period: q.period,
    periods: q.periods,
    recurring: q.recurring,
    from: q.from,
    to: q.to,
    timeZone: q.timeZone,
    where: q.filter?.where,
    breakdown: q.breakdown,
    trendPeriod: q.trendPeriod,
  });
}

function rollupAnswers(q: NaiveRetentionQuery): boolean {
  return (
    q.timeZone === 'UTC' &&
    (q.filter === undefined || q.filter.userLevel) &&
    (q.breakdown === undefined || q.breakdown.startsWith('user.'))
  );
}

describe('retention against a naive implementation', () => {
  const cases = Array.from({ length: CASES }, (_, i) => randomCase(i + 1));
  const warehouse = warehouseWithCases(cases);

  it(`agrees on ${CASES} random event sets, on the rollup and on events`, async () => {
    const paths = { rollup: 0, events: 0, both: 0 };
    for (const c of cases) {
      const expected = naiveRetention(c.events, c.query);
      const spec = specOf(c.query);
      const result = await runRetention(contextFor(warehouse(), c.project, LAYER), spec);
      const rollup = rollupAnswers(c.query);
      expect(result.sql.includes('user_daily'), c.project).toBe(rollup);
      paths[rollup ? 'rollup' : 'events']++;
      const context = `${c.project}: ${JSON.stringify({ ...c.query, filter: c.query.filter?.where })}`;
      expect({ cohorts: result.cohorts, average: result.average, trend: result.trend }, context).toEqual({
        cohorts: expected.cohorts,
        average: expected.average,
        trend: expected.trend,
      });
      if (rollup) {
        // The same query read from events must give the same answer.
        const onEvents = await runRetention(contextFor(warehouse(), c.project, LAYER), spec, {
          path: 'events',
        });
        expect(onEvents.cohorts, context).toEqual(result.cohorts);
        paths.both++;
      }
    }
    expect(paths.rollup).toBeGreaterThan(150);
    expect(paths.events).toBeGreaterThan(500);
  });
});
