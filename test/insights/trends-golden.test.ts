import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSpec } from '../../src/analytics/insights/common-spec.ts';
import { runTrends } from '../../src/analytics/insights/trends/run-trends.ts';
import { trendsSpecSchema } from '../../src/analytics/insights/trends/trends-spec.ts';
import type { DuckDBWarehouse } from '../../src/data/warehouse/duckdb/duckdb-warehouse.ts';
import { contextFor, createTestWarehouse, loadEvents, type TestEvent } from './fixtures.ts';
import { expectGoldenSql } from './golden.ts';

const events: TestEvent[] = [
  { user_id: 'u1', event: 'view', ts: '2026-09-01T10:00:00Z', os: 'iOS', country: 'US', source: 'ads' },
  { user_id: 'u1', event: 'like', ts: '2026-09-01T10:05:00Z', os: 'iOS', country: 'US', source: 'ads' },
  { user_id: 'u2', event: 'view', ts: '2026-09-02T23:30:00Z', os: 'Android', country: 'DE' },
  { user_id: 'u3', event: 'view', ts: '2026-10-25T00:30:00Z', os: null, country: 'FR', source: 'organic' },
  {
    user_id: 'u3',
    event: 'view',
    ts: '2026-10-25T01:30:00Z',
    os: 'Android',
    country: 'FR',
    source: 'organic',
  },
];

let warehouse: DuckDBWarehouse;
let dispose: () => Promise<void>;

beforeAll(async () => {
  ({ warehouse, dispose } = await createTestWarehouse());
  await loadEvents(warehouse, 'golden', events);
});
afterAll(async () => {
  await dispose?.();
});

async function run(spec: Record<string, unknown>) {
  return runTrends(contextFor(warehouse, 'golden'), parseSpec('trends', trendsSpecSchema, spec));
}

describe('trends golden SQL (duckdb)', () => {
  it('dau per day reads the rollup', async () => {
    const r = await run({
      event: '$any',
      math: 'dau',
      interval: 'day',
      from: '2026-09-01',
      to: '2026-09-28',
    });
    expect(r.series[0]?.points.slice(0, 3).map((p) => p.value)).toEqual([1, 1, 0]);
    expectGoldenSql('duckdb', 'trends-dau-day', r.sql);
  });

  it('a breakdown by two dimensions ranks the top N, then groups the rest as other', async () => {
    const r = await run({
      event: 'view',
      math: 'total',
      breakdown: 'os,country',
      breakdownLimit: 1,
      where: 'user.source is not null',
      from: '2026-09-01',
      to: '2026-10-31',
      interval: 'month',
    });
    // Three combinations with one view each: the tie goes to the smallest value, missing values last.
    expect(r.series.map((s) => s.breakdown ?? 'other')).toEqual([['Android', 'FR'], 'other']);
    expectGoldenSql('duckdb', 'trends-breakdown-top-n', r.sql);
  });

  it('a formula runs one query per series', async () => {
    const r = await run({
      series: [
        { event: 'like', math: 'total' },
        { event: 'view', math: 'dau', where: "os = 'iOS'" },
      ],
      formula: 'A / B * 100',
      from: '2026-09-01',
      to: '2026-09-02',
    });
    expect(r.series[0]?.points.map((p) => p.value)).toEqual([100, null]);
    expectGoldenSql('duckdb', 'trends-formula', r.sql);
  });

  it('wau counts trailing-window runs per user from the rollup', async () => {
    const r = await run({ math: 'wau', breakdown: 'user.source', from: '2026-09-06', to: '2026-09-09' });
    expect(r.series.map((s) => [s.breakdown, s.points.map((p) => p.value)])).toEqual([
      [null, [1, 1, 1, 0]],
      ['ads', [1, 1, 0, 0]],
    ]);
    expectGoldenSql('duckdb', 'trends-wau', r.sql);
  });

  it('hours in a time zone read events at local time', async () => {
    const r = await run({
      event: 'view',
      math: 'dau',
      interval: 'hour',
      from: '2026-10-25',
      to: '2026-10-25',
      timeZone: 'Europe/Berlin',
    });
    expect(r.series[0]?.points.find((p) => p.t === '2026-10-25T02:00')?.value).toBe(1);
    expectGoldenSql('duckdb', 'trends-hour-tz', r.sql);
  });
});
