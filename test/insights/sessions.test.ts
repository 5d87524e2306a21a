import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInsight } from '../../src/analytics/insights/registry.ts';
import type { SessionsResult } from '../../src/analytics/insights/sessions/sessions-insight.ts';
import { contextFor, createTestWarehouse, loadProjects, type TestEvent } from './fixtures.ts';
import { expectGoldenSql } from './golden.ts';

const ev = (user_id: string, ts: string, extra: Partial<TestEvent> = {}): TestEvent => ({
  user_id,
  event: 'view',
  ts,
  ...extra,
});

/** One project per behaviour, loaded together. */
const PROJECTS: Record<string, TestEvent[]> = {
  one: [ev('u1', '2026-09-02T10:00:00Z')],
  gap: [ev('u1', '2026-09-02T10:00:00Z'), ev('u1', '2026-09-02T10:30:00Z'), ev('u1', '2026-09-02T11:00:01Z')],
  ties: [ev('u1', '2026-09-02T10:00:00Z', { event: 'a' }), ev('u1', '2026-09-02T10:00:00Z', { event: 'b' })],
  midnight: [ev('u1', '2026-09-02T23:50:00Z'), ev('u1', '2026-09-03T00:10:00Z')],
  before: [
    ev('u1', '2026-09-01T23:50:00Z'),
    ev('u1', '2026-09-02T00:10:00Z'),
    ev('u1', '2026-09-02T09:00:00Z'),
  ],
  after: [
    ev('u1', '2026-09-02T23:40:00Z'),
    ev('u1', '2026-09-02T23:55:00Z'),
    ev('u1', '2026-09-03T00:20:00Z'),
    ev('u2', '2026-09-02T12:00:00Z'),
  ],
  // Berlin: 2026-10-25 03:00 CEST becomes 02:00 CET; 2026-03-29 02:00 CET becomes 03:00 CEST.
  dst: [
    ev('u1', '2026-10-25T00:50:00Z'),
    ev('u1', '2026-10-25T01:10:00Z'),
    ev('u2', '2026-03-29T00:50:00Z'),
    ev('u2', '2026-03-29T01:10:00Z'),
  ],
  // 2026-11-01 03:30 UTC is 2026-10-31 23:30 in New York (EDT, UTC-4).
  newyork: [ev('u1', '2026-11-01T03:30:00Z'), ev('u1', '2026-11-01T03:45:00Z')],
  nulls: [
    ev('u1', '2026-09-02T10:00:00Z', { os: null }),
    ev('u1', '2026-09-02T10:10:00Z', { os: 'iOS' }),
    ev('u2', '2026-09-02T10:00:00Z', { os: '' }),
    ev('u3', '2026-09-02T10:00:00Z', { os: 'iOS' }),
    ev('u3', '2026-09-02T12:00:00Z', { os: null }),
  ],
  breakdown: [
    ev('u1', '2026-09-02T10:00:00Z', { country: 'US' }),
    ev('u2', '2026-09-02T10:00:00Z', { country: 'US' }),
    ev('u3', '2026-09-02T10:00:00Z', { country: 'DE' }),
    ev('u4', '2026-09-02T10:00:00Z', { country: 'FR' }),
    ev('u4', '2026-09-03T10:00:00Z', { country: 'FR' }),
  ],
  weeks: [
    ev('u1', '2026-09-02T10:00:00Z'),
    ev('u1', '2026-09-08T10:00:00Z'),
    ev('u1', '2026-10-01T10:00:00Z'),
  ],
};

let env: Awaited<ReturnType<typeof createTestWarehouse>>;
beforeAll(async () => {
  env = await createTestWarehouse();
  await loadProjects(env.warehouse, new Map(Object.entries(PROJECTS)));
});
afterAll(async () => env?.dispose());

async function sessions(project: string, spec: Record<string, unknown>): Promise<SessionsResult> {
  return (await runInsight(contextFor(env.warehouse, project), 'sessions', spec)) as SessionsResult;
}

describe('sessions', () => {
  it('counts a user with one event as one session of duration 0, a bounce', async () => {
    const r = await sessions('one', { from: '2026-09-02', to: '2026-09-02' });
    expect(r.summary).toEqual({
      sessions: 1,
      users: 1,
      medianDurationSeconds: 0,
      meanDurationSeconds: 0,
      meanEventsPerSession: 1,
      bounceRate: 1,
    });
    expect(r.points).toEqual([
      { t: '2026-09-02', sessions: 1, users: 1, meanDurationSeconds: 0, eventsPerSession: 1 },
    ]);
    expect(r.durationHistogram[0]).toEqual({ fromSeconds: 0, toSeconds: 10, sessions: 1 });
    expect(r.durationHistogram.at(-1)).toEqual({ fromSeconds: 10_800, toSeconds: null, sessions: 0 });
    expect(r.eventsHistogram).toEqual([{ events: 1, sessions: 1 }]);
    expect(r.warnings).toEqual([]);
  });

  it('continues a session across a gap of exactly 30 minutes and ends it one second later', async () => {
    const r = await sessions('gap', { from: '2026-09-02', to: '2026-09-02' });
    expect(r.summary).toMatchObject({ sessions: 2, users: 1, meanDurationSeconds: 900, bounceRate: 0.5 });
    expect(r.summary.medianDurationSeconds).toBe(900);
    expect(r.eventsHistogram).toEqual([
      { events: 1, sessions: 1 },
      { events: 2, sessions: 1 },
    ]);
    const longer = await sessions('gap', { from: '2026-09-02', to: '2026-09-02', gap: '31m' });
    expect(longer.summary).toMatchObject({ sessions: 1, meanDurationSeconds: 3601 });
  });

  it('keeps events at the same instant in one session that is not a bounce', async () => {
    const r = await sessions('ties', { from: '2026-09-02', to: '2026-09-02' });
    expect(r.summary).toMatchObject({
      sessions: 1,
      meanDurationSeconds: 0,
      meanEventsPerSession: 2,
      bounceRate: 0,
    });
  });

  it('puts a session that runs past midnight in the bucket of its first event', async () => {
    const r = await sessions('midnight', { from: '2026-09-02', to: '2026-09-03' });
    expect(r.points.map((p) => [p.t, p.sessions, p.meanDurationSeconds])).toEqual([
      ['2026-09-02', 1, 1200],
      ['2026-09-03', 0, null],
    ]);
    expect(r.warnings.map((w) => w.code)).toEqual(['SL_EMPTY_DENOMINATOR']);
  });

  it('leaves out a session that began before the range, even its events inside the range', async () => {
    const r = await sessions('before', { from: '2026-09-02', to: '2026-09-02' });
    // 23:50 -> 00:10 began on 09-01; only the 09:00 session starts in the range.
    expect(r.summary).toMatchObject({ sessions: 1, meanEventsPerSession: 1 });
  });

  it('counts a session that continues past the range only up to the end, and says so', async () => {
    const r = await sessions('after', { from: '2026-09-02', to: '2026-09-02' });
    expect(r.summary).toMatchObject({
      sessions: 2,
      users: 2,
      meanDurationSeconds: 450,
      meanEventsPerSession: 1.5,
    });
    expect(r.warnings).toEqual([
      {
        code: 'SL_SESSIONS_CUT',
        message:
          '1 session continues after 2026-09-02; only its events up to the end of the range are counted',
      },
    ]);
    const wider = await sessions('after', { from: '2026-09-02', to: '2026-09-03' });
    expect(wider.summary).toMatchObject({ sessions: 2, meanDurationSeconds: 1200 });
  });

  it('measures durations in real time across the clock changes of Europe/Berlin', async () => {
    const autumn = await sessions('dst', { from: '2026-10-25', to: '2026-10-25', timeZone: 'Europe/Berlin' });
    // 02:50 CEST to 02:10 CET: the wall clock goes back, 20 minutes pass.
    expect(autumn.points).toEqual([
      { t: '2026-10-25', sessions: 1, users: 1, meanDurationSeconds: 1200, eventsPerSession: 2 },
    ]);
    const spring = await sessions('dst', { from: '2026-03-29', to: '2026-03-29', timeZone: 'Europe/Berlin' });
    // 01:50 CET to 03:10 CEST: the wall clock jumps 80 minutes, 20 minutes pass.
    expect(spring.summary).toMatchObject({ sessions: 1, meanDurationSeconds: 1200 });
  });

  it('buckets by the local day of the time zone (America/New_York)', async () => {
    const local = await sessions('newyork', {
      from: '2026-10-31',
      to: '2026-11-01',
      timeZone: 'America/New_York',
    });
    expect(local.points.map((p) => [p.t, p.sessions])).toEqual([
      ['2026-10-31', 1],
      ['2026-11-01', 0],
    ]);
    const utc = await sessions('newyork', { from: '2026-10-31', to: '2026-11-01' });
    expect(utc.points.map((p) => [p.t, p.sessions])).toEqual([
      ['2026-10-31', 0],
      ['2026-11-01', 1],
    ]);
  });

  it('answers an empty range with zeros, null means and a warning', async () => {
    const r = await sessions('one', { from: '2026-08-01', to: '2026-08-02' });
    expect(r.summary).toEqual({
      sessions: 0,
      users: 0,
      medianDurationSeconds: null,
      meanDurationSeconds: null,
      meanEventsPerSession: null,
      bounceRate: null,
    });
    expect(r.points).toEqual([
      { t: '2026-08-01', sessions: 0, users: 0, meanDurationSeconds: null, eventsPerSession: null },
      { t: '2026-08-02', sessions: 0, users: 0, meanDurationSeconds: null, eventsPerSession: null },
    ]);
    expect(r.durationHistogram.every((b) => b.sessions === 0)).toBe(true);
    expect(r.eventsHistogram).toEqual([]);
    expect(r.warnings.map((w) => w.code)).toEqual(['SL_EMPTY_DENOMINATOR']);
  });

  it("keeps a NULL breakdown value as its own group, apart from ''", async () => {
    const r = await sessions('nulls', { from: '2026-09-02', to: '2026-09-02', breakdown: 'os' });
    // u1's session starts with os NULL; u2's with ''; u3 has an iOS session and a NULL one.
    expect(r.points.map((p) => [p.breakdown, p.sessions, p.users])).toEqual([
      [null, 2, 2],
      ['', 1, 1],
      ['iOS', 1, 1],
    ]);
  });

  it('merges breakdown values beyond the limit into other, counting its users once', async () => {
    const r = await sessions('breakdown', {
      from: '2026-09-02',
      to: '2026-09-03',
      breakdown: 'country',
      breakdownLimit: 1,
    });
    // FR and US have 2 sessions each (FR on two days); FR comes first by name. DE joins US in other.
    expect(r.points.map((p) => [p.t, p.other ? 'other' : p.breakdown, p.sessions, p.users])).toEqual([
      ['2026-09-02', 'FR', 1, 1],
      ['2026-09-03', 'FR', 1, 1],
      ['2026-09-02', 'other', 3, 3],
      ['2026-09-03', 'other', 0, 0],
    ]);
    expect(r.points[2]).not.toHaveProperty('breakdown');
    expect(r.warnings[0]).toEqual({
      code: 'SL_BREAKDOWN_OTHER',
      message: '2 of 3 values of country beyond the top 1 are merged into "other"',
    });
  });

  it('labels weeks by their Monday and months by their first day', async () => {
    const weeks = await sessions('weeks', { from: '2026-09-02', to: '2026-09-15', interval: 'week' });
    expect(weeks.points.map((p) => [p.t, p.sessions])).toEqual([
      ['2026-08-31', 1],
      ['2026-09-07', 1],
      ['2026-09-14', 0],
    ]);
    const months = await sessions('weeks', { from: '2026-09-02', to: '2026-10-31', interval: 'month' });
    expect(months.points.map((p) => [p.t, p.sessions])).toEqual([
      ['2026-09-01', 2],
      ['2026-10-01', 1],
    ]);
  });

  it('rejects a gap without a unit it knows', async () => {
    await expect(sessions('one', { gap: '30 minutes' })).rejects.toMatchObject({
      code: 'SL_INSIGHT_INVALID',
    });
    await expect(sessions('one', { gap: '0m' })).rejects.toMatchObject({ code: 'SL_INSIGHT_INVALID' });
  });

  it('compiles to the golden SQL (day interval, filter, breakdown)', async () => {
    const ctx = contextFor(env.warehouse, 'one');
    await runInsight(ctx, 'sessions', {
      from: '2026-09-01',
      to: '2026-09-07',
      timeZone: 'Europe/Berlin',
      where: "os = 'iOS'",
      breakdown: 'country',
    });
    expectGoldenSql('duckdb', 'sessions-day', ctx.sqlText());
  });
});
