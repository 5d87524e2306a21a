import { describe, expect, it } from 'vitest';
import { retentionReferenceSql } from '../../bench/insights/retention-reference.ts';
import { runRetention } from '../../src/analytics/insights/retention/retention-insight.ts';
import { retentionSpecSchema } from '../../src/analytics/insights/retention/retention-spec.ts';
import { contextFor, createRng, randomEvents, type TestEvent, warehouseWithCases } from './fixtures.ts';

const SETS = 100;
const PAIRS = [
  ['$any', '$any'],
  ['a', '$any'],
  ['a', 'a'],
  ['a', 'b'],
  ['$any', 'b'],
] as const;

describe("the benchmark's hand-written retention query", () => {
  // Every fifth set spans 76 days, past the 64 days of the per-user bit sets, so the join form runs too.
  const sets = Array.from({ length: SETS }, (_, i) => {
    const rng = createRng(7000 + i);
    const long = i % 5 === 0;
    const events: TestEvent[] = randomEvents(rng, {
      names: ['a', 'b', 'c'],
      days: long ? 80 : 9,
      maxUsers: 8,
    });
    return {
      project: `b${i}`,
      events,
      from: `2026-09-0${rng.int(1, 4)}`,
      to: long ? '2026-11-15' : `2026-09-${String(rng.int(5, 10)).padStart(2, '0')}`,
      periods: rng.int(1, 6),
    };
  });
  const warehouse = warehouseWithCases(sets);

  it(`gives the insight's day matrix on ${SETS} random sets, for $any and named start and return events`, async () => {
    let nonEmpty = 0;
    for (const s of sets)
      for (const [startEvent, returnEvent] of PAIRS) {
        const query = { startEvent, returnEvent, periods: s.periods, from: s.from, to: s.to };
        const ours = await runRetention(
          contextFor(warehouse(), s.project),
          retentionSpecSchema.parse({ ...query, period: 'day' }),
        );
        const expected = new Map<string, number>();
        for (const c of ours.cohorts)
          c.retained.forEach((users, k) => {
            if (users > 0) expected.set(`${c.cohort}|${k}`, users);
          });
        const rows = await warehouse().query<{ cohort: string; k: number; users: number }>(
          retentionReferenceSql({ ...query, project: s.project }),
        );
        const actual = new Map(rows.map((r) => [`${r.cohort}|${r.k}`, r.users]));
        expect(actual, `${s.project} ${JSON.stringify(query)}`).toEqual(expected);
        if (expected.size > 0) nonEmpty++;
      }
    expect(nonEmpty).toBeGreaterThan(SETS * 3);
  });
});
