import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInsight } from '../../src/analytics/insights/registry.ts';
import type { RetentionResult } from '../../src/analytics/insights/retention/retention-result.ts';
import { contextFor, createTestWarehouse, loadProjects, type TestEvent } from './fixtures.ts';
import { expectGoldenSql } from './golden.ts';

const ev = (user_id: string, event: string, ts: string, extra: Partial<TestEvent> = {}): TestEvent => ({
  user_id,
  event,
  ts,
  ...extra,
});

/** One project per behaviour, loaded together. */
const PROJECTS: Record<string, TestEvent[]> = {
  one: [ev('u1', 'sign_up', '2026-09-01T10:00:00Z')],
  midnight: [
    ev('u1', 'a', '2026-09-01T23:30:00Z'),
    ev('u1', 'b', '2026-09-02T00:00:00Z'),
    ev('u2', 'a', '2026-09-01T12:00:00Z'),
    ev('u2', 'b', '2026-09-01T23:59:59Z'),
  ],
  history: [
    ev('u1', 'a', '2026-08-30T10:00:00Z'),
    ev('u1', 'a', '2026-09-01T10:00:00Z'),
    ev('u1', 'b', '2026-09-02T10:00:00Z'),
    ev('u2', 'a', '2026-09-01T10:00:00Z'),
    ev('u2', 'b', '2026-09-02T10:00:00Z'),
  ],
  weeks: [
    ev('u1', 'a', '2026-09-07T10:00:00Z'),
    ev('u1', 'a', '2026-09-14T10:00:00Z'),
    ev('u1', 'b', '2026-09-15T10:00:00Z'),
    ev('u1', 'b', '2026-09-22T10:00:00Z'),
  ],
  // Berlin: 2026-10-25 01:00 UTC ends summer time (UTC+2 -> UTC+1); 22:30 UTC is Sunday 23:30 there
  // and 23:30 UTC is already Monday.
  dstAutumn: [ev('u1', 'a', '2026-10-25T22:30:00Z'), ev('u1', 'b', '2026-10-25T23:30:00Z')],
  // 2026-03-29 01:00 UTC starts summer time (UTC+2): 22:00 UTC is Monday 00:00 exactly.
  dstSpring: [ev('u2', 'a', '2026-03-29T21:59:00Z'), ev('u2', 'b', '2026-03-29T22:00:00Z')],
  // New York: 03:30 UTC on Nov 1 is Oct 31 23:30 EDT; 05:30 UTC is Nov 1 01:30 EDT (summer time ends at 06:00 UTC).
  newYork: [ev('u1', 'a', '2026-11-01T03:30:00Z'), ev('u1', 'b', '2026-11-01T05:30:00Z')],
  ties: [
    ev('u1', 'a', '2026-09-01T10:00:00Z', { os: 'iOS' }),
    ev('u1', 'a', '2026-09-01T10:00:00Z', { os: 'Android' }),
    ev('u1', 'a', '2026-09-02T10:00:00Z', { os: 'iOS' }),
  ],
  nulls: [
    ev('u1', 'a', '2026-09-01T10:00:00Z', { os: null }),
    ev('u1', 'a', '2026-09-02T10:00:00Z', { os: 'iOS' }),
    ev('u2', 'a', '2026-09-01T10:00:00Z', { os: 'iOS' }),
    ev('u3', 'a', '2026-09-01T11:00:00Z', { os: 'iOS' }),
    ev('u3', 'a', '2026-09-02T11:00:00Z', { os: 'iOS' }),
    ev('u4', 'a', '2026-09-01T12:00:00Z', { os: 'Android' }),
  ],
  filtered: [
    ev('u1', 'a', '2026-09-01T10:00:00Z', { os: 'iOS' }),
    ev('u1', 'b', '2026-09-02T10:00:00Z', { os: 'Android' }),
    ev('u2', 'a', '2026-09-01T10:00:00Z', { os: 'iOS' }),
    ev('u2', 'b', '2026-09-02T10:00:00Z', { os: 'iOS' }),
  ],
  weights: [
    ev('u1', 'a', '2026-09-01T10:00:00Z'),
    ev('u2', 'a', '2026-09-01T11:00:00Z'),
    ev('u1', 'a', '2026-09-02T10:00:00Z'),
    ev('u3', 'a', '2026-09-02T10:00:00Z'),
    ev('u3', 'a', '2026-09-03T10:00:00Z'),
  ],
};

let store: Awaited<ReturnType<typeof createTestWarehouse>>;

beforeAll(async () => {
  store = await createTestWarehouse();
  await loadProjects(store.warehouse, new Map(Object.entries(PROJECTS)));
  // Give the Android event of the tie the smaller id: ties in time are broken by event id, not by
  // the order rows were stored in.
  await store.warehouse.execute(
    `UPDATE events SET event_id = CASE WHEN os = 'Android' THEN 'ties-0' ELSE 'ties-1-' || event_id END WHERE project_id = 'ties'`,
  );
});
afterAll(async () => store?.dispose());

async function retention(project: string, spec: Record<string, unknown>): Promise<RetentionResult> {
  return (await runInsight(contextFor(store.warehouse, project), 'retention', spec)) as RetentionResult;
}

const matrix = (r: RetentionResult) => r.cohorts.map((c) => [c.cohort, ...c.retained]);

describe('retention', () => {
  it('puts a user with one event in their cohort and never counts them back', async () => {
    const r = await retention('one', { from: '2026-09-01', to: '2026-09-03', periods: 2 });
    expect(r.cohorts).toEqual([
      { cohort: '2026-09-01', size: 1, retained: [1, 0, 0] },
      { cohort: '2026-09-02', size: 0, retained: [0, 0] },
      { cohort: '2026-09-03', size: 0, retained: [0] },
    ]);
    expect(r.average).toEqual([
      { period: 0, retained: 1, rate: 1, cohorts: 1 },
      { period: 1, retained: 0, rate: 0, cohorts: 1 },
      { period: 2, retained: 0, rate: 0, cohorts: 1 },
    ]);
  });

  it('counts an event at exactly midnight in the new day, and one a second before in the old', async () => {
    const r = await retention('midnight', {
      startEvent: 'a',
      returnEvent: 'b',
      from: '2026-09-01',
      to: '2026-09-02',
      periods: 1,
    });
    expect(matrix(r)).toEqual([
      ['2026-09-01', 2, 1],
      ['2026-09-02', 0],
    ]);
  });

  it('leaves out of every cohort a user whose first start event is before from, unless recurring', async () => {
    const spec = { startEvent: 'a', returnEvent: 'b', from: '2026-09-01', to: '2026-09-02', periods: 1 };
    expect(matrix(await retention('history', spec))).toEqual([
      ['2026-09-01', 1, 1],
      ['2026-09-02', 0],
    ]);
    expect(matrix(await retention('history', { ...spec, recurring: true }))).toEqual([
      ['2026-09-01', 2, 2],
      ['2026-09-02', 0],
    ]);
  });

  it('puts a recurring user in every week they did the start event, and omits weeks not over by to', async () => {
    const r = await retention('weeks', {
      startEvent: 'a',
      returnEvent: 'b',
      period: 'week',
      periods: 2,
      recurring: true,
      from: '2026-09-07',
      to: '2026-09-27',
    });
    expect(matrix(r)).toEqual([
      ['2026-09-07', 1, 1, 1],
      ['2026-09-14', 1, 1],
      ['2026-09-21', 0],
    ]);
  });

  it('cuts weeks at local midnight in Europe/Berlin across both DST changes', async () => {
    const autumn = { startEvent: 'a', returnEvent: 'b', period: 'week', periods: 1 };
    const berlin = await retention('dstAutumn', {
      ...autumn,
      from: '2026-10-19',
      to: '2026-11-01',
      timeZone: 'Europe/Berlin',
    });
    expect(matrix(berlin)).toEqual([
      ['2026-10-19', 1, 1],
      ['2026-10-26', 0],
    ]);
    const utc = await retention('dstAutumn', { ...autumn, from: '2026-10-19', to: '2026-11-01' });
    expect(matrix(utc)).toEqual([
      ['2026-10-19', 1, 0],
      ['2026-10-26', 0],
    ]);
    const spring = await retention('dstSpring', {
      ...autumn,
      from: '2026-03-23',
      to: '2026-04-05',
      timeZone: 'Europe/Berlin',
    });
    expect(matrix(spring)).toEqual([
      ['2026-03-23', 1, 1],
      ['2026-03-30', 0],
    ]);
  });

  it('cuts months at local midnight in America/New_York', async () => {
    const spec = { startEvent: 'a', returnEvent: 'b', period: 'month', periods: 1, from: '2026-10-01' };
    expect(
      matrix(await retention('newYork', { ...spec, to: '2026-11-30', timeZone: 'America/New_York' })),
    ).toEqual([
      ['2026-10-01', 1, 1],
      ['2026-11-01', 0],
    ]);
    expect(matrix(await retention('newYork', { ...spec, to: '2026-11-30' }))).toEqual([
      ['2026-10-01', 0, 0],
      ['2026-11-01', 1],
    ]);
  });

  it('counts a user with tied start events once, with the breakdown of the tie with the smaller event id', async () => {
    const r = await retention('ties', {
      startEvent: 'a',
      from: '2026-09-01',
      to: '2026-09-02',
      periods: 1,
      breakdown: 'os',
    });
    expect(r.cohorts).toEqual([
      { breakdown: 'Android', cohort: '2026-09-01', size: 1, retained: [1, 1] },
      { breakdown: 'Android', cohort: '2026-09-02', size: 0, retained: [0] },
    ]);
  });

  it('keeps a NULL breakdown value as its own group, after larger groups', async () => {
    const r = await retention('nulls', {
      startEvent: 'a',
      from: '2026-09-01',
      to: '2026-09-02',
      periods: 1,
      breakdown: 'os',
    });
    expect(r.cohorts.map((c) => [c.breakdown, ...matrix({ ...r, cohorts: [c] })[0]!])).toEqual([
      ['iOS', '2026-09-01', 2, 1],
      ['iOS', '2026-09-02', 0],
      ['Android', '2026-09-01', 1, 0],
      ['Android', '2026-09-02', 0],
      [null, '2026-09-01', 1, 1],
      [null, '2026-09-02', 0],
    ]);
    expect(r.average.filter((a) => a.period === 1)).toEqual([
      { breakdown: 'iOS', period: 1, retained: 1, rate: 0.5, cohorts: 1 },
      { breakdown: 'Android', period: 1, retained: 0, rate: 0, cohorts: 1 },
      { breakdown: null, period: 1, retained: 1, rate: 1, cohorts: 1 },
    ]);
  });

  it('merges breakdown values beyond the limit into other, with a warning', async () => {
    const r = await retention('nulls', {
      startEvent: 'a',
      from: '2026-09-01',
      to: '2026-09-02',
      periods: 1,
      breakdown: 'os',
      breakdownLimit: 1,
    });
    expect(r.cohorts).toEqual([
      { breakdown: 'iOS', cohort: '2026-09-01', size: 2, retained: [2, 1] },
      { breakdown: 'iOS', cohort: '2026-09-02', size: 0, retained: [0] },
      { other: true, cohort: '2026-09-01', size: 2, retained: [2, 1] },
      { other: true, cohort: '2026-09-02', size: 0, retained: [0] },
    ]);
    expect(r.warnings.map((w) => w.code)).toEqual(['SL_BREAKDOWN_OTHER']);
  });

  it('applies the filter to the return event as well as the start event', async () => {
    const r = await retention('filtered', {
      startEvent: 'a',
      returnEvent: 'b',
      from: '2026-09-01',
      to: '2026-09-02',
      periods: 1,
      where: "os = 'iOS'",
    });
    expect(matrix(r)).toEqual([
      ['2026-09-01', 2, 1],
      ['2026-09-02', 0],
    ]);
  });

  it('weights the averaged curve by cohort size, over the cohorts that reached each period, and gives the trend', async () => {
    const r = await retention('weights', {
      startEvent: 'a',
      returnEvent: 'a',
      from: '2026-09-01',
      to: '2026-09-03',
      periods: 2,
      trendPeriod: 1,
    });
    expect(matrix(r)).toEqual([
      ['2026-09-01', 2, 1, 0],
      ['2026-09-02', 1, 1],
      ['2026-09-03', 0],
    ]);
    expect(r.average).toEqual([
      { period: 0, retained: 3, rate: 1, cohorts: 2 },
      { period: 1, retained: 2, rate: 2 / 3, cohorts: 2 },
      { period: 2, retained: 0, rate: 0, cohorts: 1 },
    ]);
    expect(r.trend).toEqual([
      { cohort: '2026-09-01', size: 2, rate: 0.5 },
      { cohort: '2026-09-02', size: 1, rate: 1 },
    ]);
  });

  it('gives empty cohorts, null rates and a warning for a range without events', async () => {
    const r = await retention('nothing', {
      from: '2026-09-01',
      to: '2026-09-02',
      periods: 1,
      trendPeriod: 1,
    });
    expect(r.cohorts).toEqual([
      { cohort: '2026-09-01', size: 0, retained: [0, 0] },
      { cohort: '2026-09-02', size: 0, retained: [0] },
    ]);
    expect(r.average).toEqual([
      { period: 0, retained: 0, rate: null, cohorts: 0 },
      { period: 1, retained: 0, rate: null, cohorts: 0 },
    ]);
    expect(r.trend).toEqual([{ cohort: '2026-09-01', size: 0, rate: null }]);
    expect(r.warnings.map((w) => w.code)).toEqual(['SL_EMPTY_DENOMINATOR']);
  });

  it('rejects a trend period beyond the periods, an unknown breakdown and a huge matrix with coded errors', async () => {
    await expect(retention('one', { periods: 2, trendPeriod: 3 })).rejects.toMatchObject({
      code: 'SL_INSIGHT_INVALID',
    });
    await expect(retention('one', { breakdown: 'plattform' })).rejects.toMatchObject({
      code: 'SL_UNKNOWN_DIMENSION',
    });
    await expect(retention('one', { period: 'hour' })).rejects.toMatchObject({ code: 'SL_INSIGHT_INVALID' });
    await expect(
      retention('one', { from: '2024-01-01', to: '2026-09-01', periods: 400 }),
    ).rejects.toMatchObject({
      code: 'SL_INSIGHT_TOO_LARGE',
    });
  });
});

describe('retention SQL', () => {
  const golden = async (name: string, spec: Record<string, unknown>) => {
    const r = await retention('golden', { from: '2026-09-01', to: '2026-09-28', ...spec });
    expectGoldenSql('duckdb', name, r.sql);
  };

  it('first occurrence by day on the rollup', () =>
    golden('retention-first-day', { startEvent: 'sign_up', returnEvent: '$any', periods: 14 }));

  it('recurring by week in a time zone across the end of summer time, on events', () =>
    golden('retention-recurring-week', {
      from: '2026-10-01',
      to: '2026-11-15',
      startEvent: 'app_open',
      returnEvent: 'message',
      period: 'week',
      periods: 3,
      recurring: true,
      timeZone: 'Europe/Berlin',
    }));

  it('breakdown by an event dimension at the first start event, with a filter', () =>
    golden('retention-breakdown', {
      startEvent: '$any',
      returnEvent: 'view',
      periods: 7,
      breakdown: 'os',
      where: "user.source = 'ads'",
    }));
});
