import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSpec } from '../../src/analytics/insights/common-spec.ts';
import { runTrends, type TrendsResult } from '../../src/analytics/insights/trends/run-trends.ts';
import { trendsSpecSchema } from '../../src/analytics/insights/trends/trends-spec.ts';
import type { DuckDBWarehouse } from '../../src/data/warehouse/duckdb/duckdb-warehouse.ts';
import { contextFor, createRng, createTestWarehouse, loadProjects, type TestEvent } from './fixtures.ts';
import { randomCase, TEST_LAYER, type TrendsCase } from './trends-cases.ts';
import { refEvents, referenceTrends } from './trends-reference.ts';

const CASES = 1200;

/** The parts of a result the reference computes (labels are checked by the hand-written tests). */
function shape(result: Pick<TrendsResult, 'series'>) {
  return result.series.map(({ label: _label, ...rest }) => rest);
}

describe('trends agrees with a naive implementation on random event sets', () => {
  let warehouse: DuckDBWarehouse;
  let dispose: () => Promise<void>;
  const cases: TrendsCase[] = [];

  beforeAll(async () => {
    ({ warehouse, dispose } = await createTestWarehouse());
    const rng = createRng(20260901);
    const sets = new Map<string, TestEvent[]>();
    for (let i = 0; i < CASES; i++) {
      const c = randomCase(rng.fork());
      cases.push(c);
      sets.set(`p${i}`, c.events);
    }
    await loadProjects(warehouse, sets);
  });

  afterAll(async () => {
    await dispose?.();
  });

  it(`matches on ${CASES} random cases, through events and through the rollup`, async () => {
    let viaRollup = 0;
    let withBreakdown = 0;
    let withOther = 0;
    let nonEmpty = 0;
    for (const [i, c] of cases.entries()) {
      const spec = parseSpec('trends', trendsSpecSchema, c.spec);
      const expected = referenceTrends(refEvents(c.events), c.ref);
      const context = `case ${i}: ${JSON.stringify(c.spec)}`;
      const ctx = contextFor(warehouse, `p${i}`, TEST_LAYER);
      const actual = await runTrends(ctx, spec);
      expect(shape(actual), context).toEqual(expected.series);
      const merged = actual.warnings.filter((w) => w.code === 'SL_BREAKDOWN_OTHER');
      expect(
        merged.map((w) => Number(/: (\d+) /.exec(w.message)?.[1])),
        context,
      ).toEqual(expected.merged.filter((m) => m > 0));

      // The rollup, or users.first_seen for new users: the same answer must come from events alone.
      if (/user_daily|FROM users /.test(actual.sql)) {
        viaRollup++;
        const direct = await runTrends(contextFor(warehouse, `p${i}`, TEST_LAYER), spec, { rollup: 'never' });
        expect(direct.sql, context).not.toMatch(/user_daily|FROM users /);
        expect(shape(direct), `${context} (events, not the rollup)`).toEqual(expected.series);
      }
      if (c.ref.breakdown.length > 0) withBreakdown++;
      if (actual.series.some((s) => s.other)) withOther++;
      if (actual.series.some((s) => s.points.some((p) => p.value !== null && p.value !== 0))) nonEmpty++;
    }
    // The random cases must reach the paths they are meant to test.
    expect(viaRollup).toBeGreaterThan(CASES * 0.2);
    expect(withBreakdown).toBeGreaterThan(CASES * 0.4);
    expect(withOther).toBeGreaterThan(CASES * 0.1);
    expect(nonEmpty).toBeGreaterThan(CASES * 0.6);
  });
});
