import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleResult } from '../../src/analytics/insights/lifecycle/lifecycle-insight.ts';
import { runInsight } from '../../src/analytics/insights/registry.ts';
import { contextFor, createTestWarehouse, loadProjects, type TestEvent } from './fixtures.ts';
import { expectGoldenSql } from './golden.ts';

const ev = (user_id: string, ts: string, event = 'a'): TestEvent => ({ user_id, event, ts });

const PROJECTS: Record<string, TestEvent[]> = {
  basic: [
    ev('u1', '2026-09-01T10:00:00Z'),
    ev('u1', '2026-09-03T10:00:00Z'),
    ev('u1', '2026-09-04T00:00:00Z'),
    ev('u1', '2026-09-06T23:59:59Z'),
    ev('u2', '2026-09-04T10:00:00Z'),
    ev('u2', '2026-09-05T10:00:00Z'),
    ev('u3', '2026-09-02T23:59:59Z'),
    ev('u3', '2026-09-03T10:00:00Z'),
    ev('u4', '2026-08-20T10:00:00Z'),
    ev('u4', '2026-09-05T10:00:00Z'),
  ],
  firstMatching: [ev('u1', '2026-09-01T10:00:00Z', 'a'), ev('u1', '2026-09-03T10:00:00Z', 'b')],
  weeks: [
    ev('u1', '2026-09-07T10:00:00Z'),
    ev('u1', '2026-09-20T10:00:00Z'),
    ev('u2', '2026-09-03T10:00:00Z'),
  ],
  // New York: 04:30 UTC on Nov 1 is 00:30 EDT; summer time ends at 06:00 UTC, so 04:30 UTC on Nov 2 is
  // still Nov 1 (23:30 EST) and 05:00 UTC on Nov 2 is Nov 2 00:00 exactly.
  newYork: [
    ev('u1', '2026-11-01T03:30:00Z'),
    ev('u1', '2026-11-01T04:30:00Z'),
    ev('u1', '2026-11-02T04:30:00Z'),
    ev('u1', '2026-11-02T05:00:00Z'),
  ],
};

let store: Awaited<ReturnType<typeof createTestWarehouse>>;

beforeAll(async () => {
  store = await createTestWarehouse();
  await loadProjects(store.warehouse, new Map(Object.entries(PROJECTS)));
});
afterAll(async () => store?.dispose());

async function lifecycle(project: string, spec: Record<string, unknown>): Promise<LifecycleResult> {
  return (await runInsight(contextFor(store.warehouse, project), 'lifecycle', spec)) as LifecycleResult;
}

const rows = (r: LifecycleResult) =>
  r.points.map((p) => [p.t, p.new, p.returning, p.resurrecting, p.dormant]);

describe('lifecycle', () => {
  it('classifies users as new, returning, resurrecting and dormant (negative), the first day from the day before', async () => {
    const r = await lifecycle('basic', { from: '2026-09-03', to: '2026-09-06' });
    expect(r.points).toEqual([
      { t: '2026-09-03', new: 0, returning: 1, resurrecting: 1, dormant: 0 },
      { t: '2026-09-04', new: 1, returning: 1, resurrecting: 0, dormant: -1 },
      { t: '2026-09-05', new: 0, returning: 1, resurrecting: 1, dormant: -1 },
      { t: '2026-09-06', new: 0, returning: 0, resurrecting: 1, dormant: -2 },
    ]);
  });

  it('reads the same from events as from the rollup', async () => {
    const onEvents = await lifecycle('basic', {
      from: '2026-09-03',
      to: '2026-09-06',
      where: "country != 'XX'",
    });
    expect(onEvents.sql).not.toContain('user_daily');
    expect(rows(onEvents)).toEqual(rows(await lifecycle('basic', { from: '2026-09-03', to: '2026-09-06' })));
  });

  it('calls a user new at their first matching event, not their first event', async () => {
    const r = await lifecycle('firstMatching', { event: 'b', from: '2026-09-02', to: '2026-09-03' });
    expect(rows(r)).toEqual([
      ['2026-09-02', 0, 0, 0, 0],
      ['2026-09-03', 1, 0, 0, 0],
    ]);
  });

  it('uses whole weeks, reaching before from and after to', async () => {
    const r = await lifecycle('weeks', { interval: 'week', from: '2026-09-09', to: '2026-09-16' });
    expect(rows(r)).toEqual([
      ['2026-09-07', 1, 0, 0, -1],
      ['2026-09-14', 0, 1, 0, 0],
    ]);
  });

  it('cuts days at local midnight in America/New_York across the end of summer time', async () => {
    const ny = await lifecycle('newYork', {
      from: '2026-10-31',
      to: '2026-11-02',
      timeZone: 'America/New_York',
    });
    expect(rows(ny)).toEqual([
      ['2026-10-31', 1, 0, 0, 0],
      ['2026-11-01', 0, 1, 0, 0],
      ['2026-11-02', 0, 1, 0, 0],
    ]);
    const utc = await lifecycle('newYork', { from: '2026-10-31', to: '2026-11-02' });
    expect(rows(utc)).toEqual([
      ['2026-10-31', 0, 0, 0, 0],
      ['2026-11-01', 1, 0, 0, 0],
      ['2026-11-02', 0, 1, 0, 0],
    ]);
  });

  it('gives zeros for a range without events', async () => {
    const r = await lifecycle('nothing', { from: '2026-09-01', to: '2026-09-02' });
    expect(rows(r)).toEqual([
      ['2026-09-01', 0, 0, 0, 0],
      ['2026-09-02', 0, 0, 0, 0],
    ]);
  });

  it('keeps its SQL stable', async () => {
    const r = await lifecycle('golden', { event: '$any', from: '2026-09-01', to: '2026-09-28' });
    expectGoldenSql('duckdb', 'lifecycle-day', r.sql);
  });
});
