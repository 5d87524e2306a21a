import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunnelResult } from '../../src/analytics/insights/funnels/funnel-result.ts';
import { runInsight } from '../../src/analytics/insights/registry.ts';
import { isSightlineError } from '../../src/errors/index.ts';
import { contextFor, createTestWarehouse, loadProjects, type TestEvent } from './fixtures.ts';
import { expectGoldenSql } from './golden.ts';

const ev = (user_id: string, event: string, ts: string, extra: Partial<TestEvent> = {}): TestEvent => ({
  user_id,
  event,
  ts,
  ...extra,
});
const at = (time: string) => `2026-09-01T${time}Z`;

/** One project per behaviour, loaded together. */
const PROJECTS: Record<string, TestEvent[]> = {
  one: [ev('u1', 'a', at('10:00:00'))],
  // b is loaded first: the order of equal times comes from the steps, not from the load.
  sameTime: [ev('u1', 'b', at('10:00:00')), ev('u1', 'a', at('10:00:00'))],
  windowEdge: [
    ev('u1', 'a', at('10:00:00')),
    ev('u1', 'b', at('11:00:00')),
    ev('u2', 'a', at('10:00:00')),
    ev('u2', 'b', at('11:00:01')),
  ],
  repeat: [
    ev('u1', 'view', at('10:00:00')),
    ev('u2', 'view', at('10:00:00')),
    ev('u2', 'view', at('10:05:00')),
    ev('u3', 'view', at('10:00:00')),
    ev('u3', 'view', at('10:00:00')),
  ],
  strict: [
    ev('u1', 'a', at('10:00:00')),
    ev('u1', 'x', at('10:01:00')),
    ev('u1', 'b', at('10:02:00')),
    ev('u2', 'a', at('10:00:00')),
    ev('u2', 'b', at('10:01:00')),
  ],
  // At equal times, events that match no step come after the step events.
  strictTie: [
    ev('u1', 'a', at('10:00:00')),
    ev('u1', 'x', at('10:00:00')),
    ev('u1', 'b', at('10:01:00')),
    ev('u2', 'x', at('10:00:00')),
    ev('u2', 'b', at('10:00:00')),
    ev('u2', 'a', at('10:00:00')),
  ],
  furthest: [
    ev('u1', 'a', at('09:00:00')),
    ev('u1', 'a', at('10:00:00')),
    ev('u1', 'b', at('10:30:00')),
    ev('u2', 'a', at('09:00:00')),
    ev('u2', 'a', at('09:10:00')),
    ev('u2', 'b', at('09:20:00')),
    ev('u2', 'b', at('09:30:00')),
  ],
  range: [
    ev('u1', 'a', '2026-09-01T23:30:00Z'),
    ev('u1', 'b', '2026-09-02T00:10:00Z'),
    ev('u2', 'a', '2026-09-02T00:10:00Z'),
    ev('u2', 'b', '2026-09-02T00:20:00Z'),
    ev('u3', 'a', '2026-08-31T23:59:00Z'),
    ev('u3', 'b', '2026-09-01T00:10:00Z'),
  ],
  // Berlin, 2026-03-29 has 23 hours: [03-28 23:00, 03-29 22:00) UTC.
  berlinSpring: [
    ev('u1', 'a', '2026-03-28T23:30:00Z'),
    ev('u1', 'b', '2026-03-29T22:30:00Z'),
    ev('u2', 'a', '2026-03-29T22:00:00Z'),
    ev('u3', 'a', '2026-03-28T22:59:00Z'),
  ],
  // Berlin, 2026-10-25 has 25 hours: [10-24 22:00, 10-25 23:00) UTC.
  berlinAutumn: [
    ev('u1', 'a', '2026-10-25T22:30:00Z'),
    ev('u1', 'b', '2026-10-25T23:10:00Z'),
    ev('u2', 'a', '2026-10-24T21:59:00Z'),
  ],
  // New York, 2026-11-01 (summer time ends at 06:00 UTC): [11-01 04:00, 11-02 05:00) UTC.
  newYork: [ev('u1', 'a', '2026-11-01T03:59:00Z'), ev('u2', 'a', '2026-11-02T04:30:00Z')],
  nulls: [
    ev('u1', 'a', at('10:00:00'), { os: null }),
    ev('u1', 'b', at('10:10:00'), { os: 'Android' }),
    ev('u2', 'a', at('10:00:00'), { os: 'iOS' }),
    ev('u3', 'a', at('10:00:00'), { os: 'iOS', source: 'ads' }),
    ev('u3', 'b', at('10:30:00'), { os: 'iOS', source: 'ads' }),
  ],
  exclusions: [
    ev('u1', 'a', at('10:00:00')),
    ev('u1', 'x', at('10:10:00')),
    ev('u1', 'b', at('10:20:00')),
    ev('u2', 'a', at('10:00:00')),
    ev('u2', 'b', at('10:10:00')),
    ev('u2', 'x', at('10:20:00')),
    ev('u3', 'a', at('10:00:00')),
    ev('u3', 'x', at('10:10:00')),
    ev('u3', 'a', at('10:20:00')),
    ev('u3', 'b', at('10:30:00')),
    ev('u4', 'a', at('10:00:00')),
    ev('u4', 'x', at('10:30:00')),
    ev('u5', 'a', at('10:00:00')),
    ev('u5', 'x', '2026-09-02T11:00:00Z'),
  ],
  anyOrder: [
    ev('u1', 'b', at('10:00:00')),
    ev('u1', 'a', at('10:10:00')),
    ev('u2', 'a', at('10:00:00'), { os: 'iOS' }),
    ev('u3', 'a', at('10:00:00'), { os: 'iOS' }),
    ev('u3', 'a', at('10:20:00')),
  ],
  // Any order, steps a and b, exclusion x, window 1h.
  anyExclusions: [
    // x between reaching 1 (b) and 2 (a): void.
    ev('u1', 'b', at('10:00:00')),
    ev('u1', 'x', at('10:05:00')),
    ev('u1', 'a', at('10:10:00')),
    // x after the last step: not void.
    ev('u2', 'a', at('10:00:00')),
    ev('u2', 'b', at('10:10:00')),
    ev('u2', 'x', at('10:20:00')),
    // x at the time of step 1: after it (an event matching no step comes after the step events), void.
    ev('u3', 'b', at('10:00:00')),
    ev('u3', 'x', at('10:00:00')),
    ev('u3', 'a', at('10:10:00')),
    // x at the time of step 2: after it, not void.
    ev('u4', 'a', at('10:00:00')),
    ev('u4', 'x', at('10:20:00')),
    ev('u4', 'b', at('10:20:00')),
    // Stopped at step 1 with x within the window: void; u6's x is beyond it.
    ev('u5', 'a', at('10:00:00')),
    ev('u5', 'x', at('10:30:00')),
    ev('u6', 'a', at('10:00:00')),
    ev('u6', 'x', at('11:30:00')),
    // The attempt from 10:00 is void; the one starting again after x at 10:10 is not.
    ev('u7', 'b', at('10:00:00')),
    ev('u7', 'x', at('10:05:00')),
    ev('u7', 'a', at('10:10:00')),
    ev('u7', 'b', at('10:20:00')),
  ],
  // Any order, steps a, b, c: the step events are those at which the attempt fills 1, 2, 3 steps.
  anyExclusionRange: [
    // c, x, a, b: x between steps 1 and 2.
    ev('u1', 'c', at('10:00:00')),
    ev('u1', 'x', at('10:05:00')),
    ev('u1', 'a', at('10:10:00')),
    ev('u1', 'b', at('10:20:00')),
    // c, a, x, b: x between steps 2 and 3.
    ev('u2', 'c', at('10:00:00')),
    ev('u2', 'a', at('10:10:00')),
    ev('u2', 'x', at('10:15:00')),
    ev('u2', 'b', at('10:20:00')),
  ],
  overTime: [
    ev('u1', 'a', at('10:00:00')),
    ev('u1', 'a', '2026-09-02T10:00:00Z'),
    ev('u1', 'b', '2026-09-02T10:30:00Z'),
    ev('u2', 'a', '2026-09-02T09:00:00Z'),
  ],
  dropped: [
    ev('u3', 'a', at('10:00:00')),
    ev('u1', 'a', at('10:00:00')),
    ev('u2', 'a', at('10:00:00')),
    ev('u2', 'b', at('10:01:00')),
    ev('u4', 'a', at('10:00:00')),
  ],
  many: ['US', 'DE', 'FR', 'IT'].flatMap((country, i) =>
    Array.from({ length: i + 1 }, (_, u) => ev(`${country}${u}`, 'a', at('10:00:00'), { country })),
  ),
};

let store: Awaited<ReturnType<typeof createTestWarehouse>>;

beforeAll(async () => {
  store = await createTestWarehouse();
  await loadProjects(store.warehouse, new Map(Object.entries(PROJECTS)));
});
afterAll(async () => store?.dispose());

async function funnel(project: string, spec: Record<string, unknown>): Promise<FunnelResult> {
  const day = { from: '2026-09-01', to: '2026-09-01' };
  return (await runInsight(contextFor(store.warehouse, project), 'funnel', {
    ...day,
    ...spec,
  })) as FunnelResult;
}
const counts = (r: { steps: { count: number }[] }) => r.steps.map((s) => s.count);

describe('funnel edges', () => {
  it('counts a user with one event as entered, not converted, with null times', async () => {
    const r = await funnel('one', { steps: 'a,b', window: '1h' });
    expect(r.steps).toEqual([
      { event: 'a', count: 1, conversionRate: 1, conversionFromPrevious: 1 },
      {
        event: 'b',
        count: 0,
        conversionRate: 0,
        conversionFromPrevious: 0,
        medianSecondsFromPrevious: null,
        meanSecondsFromPrevious: null,
      },
    ]);
    expect(r.timeToConvert.medianSeconds).toBeNull();
    expect(r.timeToConvert.histogram.every((b) => b.users === 0)).toBe(true);
  });

  it('takes steps at the same time as in order, zero seconds apart', async () => {
    const r = await funnel('sameTime', { steps: 'a,b', window: '1m' });
    expect(counts(r)).toEqual([1, 1]);
    expect(r.steps[1]?.medianSecondsFromPrevious).toBe(0);
    expect(r.timeToConvert.histogram[0]).toEqual({ fromSeconds: 0, toSeconds: 10, users: 1 });
  });

  it('converts a gap exactly equal to the window, not one second more', async () => {
    const r = await funnel('windowEdge', { steps: 'a,b', window: '1h' });
    expect(counts(r)).toEqual([2, 1]);
    expect(r.timeToConvert.medianSeconds).toBe(3600);
    // The last bin ends at the window and holds it.
    expect(r.timeToConvert.histogram.at(-1)).toEqual({ fromSeconds: 1800, toSeconds: 3600, users: 1 });
  });

  it('needs distinct events for a repeated step (view then view), ties included', async () => {
    const r = await funnel('repeat', { steps: 'view,view', window: '1h' });
    expect(counts(r)).toEqual([3, 2]);
    expect(r.steps[1]?.medianSecondsFromPrevious).toBe(150);
  });

  it('breaks a strict funnel on any event in between, unless the filter drops it', async () => {
    expect(counts(await funnel('strict', { steps: 'a,b', window: '1h', order: 'strict' }))).toEqual([2, 1]);
    expect(counts(await funnel('strict', { steps: 'a,b', window: '1h' }))).toEqual([2, 2]);
    const filtered = await funnel('strict', {
      steps: 'a,b',
      window: '1h',
      order: 'strict',
      where: "event != 'x'",
    });
    expect(counts(filtered)).toEqual([2, 2]);
  });

  it('orders a non-step event after the step events of the same time in a strict funnel', async () => {
    // u1: a, x (same time), b breaks; u2: a, b, x (same time) does not.
    expect(counts(await funnel('strictTie', { steps: 'a,b', window: '1h', order: 'strict' }))).toEqual([
      2, 1,
    ]);
  });

  it('counts the attempt that gets furthest and reports the first to complete, started last', async () => {
    const r = await funnel('furthest', { steps: 'a,b', window: '1h' });
    expect(counts(r)).toEqual([2, 2]);
    // u1: from 10:00 (the 09:00 start is out of the window), 30 min; u2: b at 09:20 from a at 09:10.
    expect(r.timeToConvert).toMatchObject({ medianSeconds: 1200, meanSeconds: 1200 });
    expect(r.steps[1]?.medianSecondsFromPrevious).toBe(1200);
  });

  it('lets later steps fall after the last day, within the window, but not the entry', async () => {
    const r = await funnel('range', { steps: 'a,b', window: '1h' });
    expect(counts(r)).toEqual([1, 1]);
    expect(r.timeToConvert.medianSeconds).toBe(2400);
  });

  it('uses local days of 23 hours on the spring change in Berlin, and a window of 24 real hours', async () => {
    const r = await funnel('berlinSpring', {
      steps: 'a,b',
      window: '1d',
      from: '2026-03-29',
      to: '2026-03-29',
      timeZone: 'Europe/Berlin',
      interval: 'day',
    });
    expect(counts(r)).toEqual([1, 1]);
    expect(r.timeToConvert.medianSeconds).toBe(23 * 3600);
    expect(r.overTime).toEqual([{ t: '2026-03-29', entered: 1, converted: 1, rate: 1 }]);
  });

  it('uses local days of 25 hours on the autumn change in Berlin', async () => {
    const r = await funnel('berlinAutumn', {
      steps: 'a,b',
      window: '1h',
      from: '2026-10-25',
      to: '2026-10-25',
      timeZone: 'Europe/Berlin',
    });
    expect(counts(r)).toEqual([1, 1]);
  });

  it('uses the local day of New York across the end of summer time', async () => {
    const r = await funnel('newYork', {
      steps: 'a,b',
      window: '1h',
      from: '2026-11-01',
      to: '2026-11-01',
      timeZone: 'America/New_York',
    });
    expect(counts(r)).toEqual([1, 0]);
  });

  it('gives zeros, null rates and warnings for an empty range', async () => {
    const r = await funnel('one', { steps: 'a,b', window: '1h', from: '2026-08-01', to: '2026-08-02' });
    expect(counts(r)).toEqual([0, 0]);
    expect(r.steps.map((s) => s.conversionRate)).toEqual([null, null]);
    expect(r.warnings.map((w) => w.code)).toEqual(['SL_NO_DATA', 'SL_EMPTY_DENOMINATOR']);
  });

  it('keeps NULL breakdown values as their own group, by the value on the first step', async () => {
    const r = await funnel('nulls', { steps: 'a,b', window: '1h', breakdown: 'os' });
    expect(r.breakdowns?.map((b) => [b.breakdown, counts(b)])).toEqual([
      ['iOS', [2, 1]],
      [null, [1, 1]],
    ]);
    const byUser = await funnel('nulls', { steps: 'a,b', window: '1h', breakdown: 'user.source' });
    expect(byUser.breakdowns?.map((b) => [b.breakdown, counts(b)])).toEqual([
      [null, [2, 1]],
      ['ads', [1, 1]],
    ]);
  });

  it('merges breakdown values beyond the limit into other, with a warning', async () => {
    const r = await funnel('many', { steps: 'a,b', window: '1h', breakdown: 'country', breakdownLimit: 2 });
    expect(r.breakdowns?.map((b) => [b.other ? 'other' : b.breakdown, b.steps[0]?.count])).toEqual([
      ['IT', 4],
      ['FR', 3],
      ['other', 3],
    ]);
    expect(r.warnings[0]).toEqual({
      code: 'SL_BREAKDOWN_OTHER',
      message: '2 country values beyond the 2 largest merged into "other"',
    });
  });

  it('leaves out users whose furthest attempts have an excluded event, as PostHog does', async () => {
    const r = await funnel('exclusions', { steps: 'a,b', window: '1d', exclude: 'x:1-2' });
    // u1 (x between a and b) and u4 (x after a, within the window) are out; u3 starts again after x.
    expect(counts(r)).toEqual([3, 2]);
    expect(r.timeToConvert.medianSeconds).toBe(600);
    expect(r.warnings.map((w) => w.code)).toContain('SL_FUNNEL_EXCLUDED');
    expect((await funnel('exclusions', { steps: 'a,b', window: '1d' })).steps[0]?.count).toBe(5);
  });

  it('reaches steps in any order, one event filling one step', async () => {
    const r = await funnel('anyOrder', { steps: 'a,b', window: '1h', order: 'any' });
    expect(counts(r)).toEqual([3, 1]);
    expect(r.timeToConvert.medianSeconds).toBe(600);
    // a (iOS) and a: two events for two steps of the same event with different filters.
    const twice = await funnel('anyOrder', {
      steps: [{ event: 'a', where: "os = 'iOS'" }, 'a'],
      window: '1h',
      order: 'any',
    });
    expect(counts(twice)).toEqual([3, 1]);
  });

  it('voids an any-order attempt with an exclusion between the events that fill steps I and J', async () => {
    const r = await funnel('anyExclusions', { steps: 'a,b', window: '1h', order: 'any', exclude: 'x' });
    // Out: u1 (x between b and a), u3 (x tied with step 1, after it), u5 (stopped, x within the window).
    expect(counts(r)).toEqual([4, 3]);
    // u2 600 s, u4 1200 s, u7 600 s from its second attempt (10:10 to 10:20).
    expect(r.timeToConvert).toMatchObject({ medianSeconds: 600, meanSeconds: 800 });
    expect(r.warnings.find((w) => w.code === 'SL_FUNNEL_EXCLUDED')?.message).toMatch(/^3 users/);
    expect(counts(await funnel('anyExclusions', { steps: 'a,b', window: '1h', order: 'any' }))).toEqual([
      7, 5,
    ]);
  });

  it('judges an any-order exclusion I-J on the events that fill steps I and J, not on event names', async () => {
    const spec = { steps: 'a,b,c', window: '1h', order: 'any' };
    // u1: x between steps 1 (c) and 2 (a); u2: between 2 (a) and 3 (b).
    expect(counts(await funnel('anyExclusionRange', { ...spec, exclude: 'x:1-2' }))).toEqual([1, 1, 1]);
    expect(counts(await funnel('anyExclusionRange', { ...spec, exclude: 'x:2-3' }))).toEqual([1, 1, 1]);
    expect(counts(await funnel('anyExclusionRange', { ...spec, exclude: 'x:1-3' }))).toEqual([0, 0, 0]);
    expect(counts(await funnel('anyExclusionRange', spec))).toEqual([2, 2, 2]);
  });

  it('counts conversion over time by the bucket of each attempt', async () => {
    const r = await funnel('overTime', {
      steps: 'a,b',
      window: '1h',
      to: '2026-09-02',
      interval: 'day',
    });
    expect(r.overTime).toEqual([
      { t: '2026-09-01', entered: 1, converted: 0, rate: 0 },
      { t: '2026-09-02', entered: 2, converted: 1, rate: 0.5 },
    ]);
    const weeks = await funnel('overTime', {
      steps: 'a,b',
      window: '1h',
      to: '2026-09-02',
      interval: 'week',
    });
    expect(weeks.overTime).toEqual([{ t: '2026-08-31', entered: 2, converted: 1, rate: 0.5 }]);
  });

  it('lists the users who dropped at a step, by id, up to the limit', async () => {
    const r = await funnel('dropped', { steps: 'a,b', window: '1h', droppedAt: 2, limit: 2 });
    expect(r.droppedUsers).toEqual(['u1', 'u3']);
  });

  it('rejects 1 or 21 steps, a bad window, and exclusions outside the steps', async () => {
    for (const spec of [
      { steps: 'a' },
      { steps: Array.from({ length: 21 }, () => 'a').join(',') },
      { steps: 'a,b', window: '1y' },
      { steps: 'a,b', exclude: 'x:2-3' },
      { steps: 'a,b', order: 'any', exclude: 'x:2-3' },
      { steps: 'a,b', droppedAt: 3 },
    ]) {
      const error = await funnel('one', spec).catch((e: unknown) => e);
      expect(isSightlineError(error) && error.code, JSON.stringify(spec)).toBe('SL_INSIGHT_INVALID');
    }
  });
});

describe('funnel golden SQL', () => {
  it('ordered', async () => {
    const r = await funnel('furthest', { steps: 'a,b,c', window: '1d' });
    expectGoldenSql('duckdb', 'funnel-ordered', r.sql);
  });

  it('strict', async () => {
    const r = await funnel('strict', {
      steps: 'a,b',
      window: '1h',
      order: 'strict',
      where: "os != 'Android'",
    });
    expectGoldenSql('duckdb', 'funnel-strict', r.sql);
  });

  it('any', async () => {
    const r = await funnel('anyOrder', {
      steps: [{ event: 'a', where: "os = 'iOS'" }, 'a', 'b'],
      window: '1h',
      order: 'any',
    });
    expectGoldenSql('duckdb', 'funnel-any', r.sql);
  });

  it('any order of distinct steps, by a breakdown', async () => {
    const r = await funnel('anyOrder', { steps: 'a,b', window: '1h', order: 'any', breakdown: 'os' });
    expectGoldenSql('duckdb', 'funnel-any-distinct', r.sql);
  });

  it('breakdown', async () => {
    const r = await funnel('nulls', {
      steps: 'a,b',
      window: '1h',
      breakdown: 'os',
      interval: 'week',
      timeZone: 'Europe/Berlin',
      droppedAt: 2,
    });
    expectGoldenSql('duckdb', 'funnel-breakdown', r.sql);
  });

  it('any-order exclusions', async () => {
    const r = await funnel('anyExclusions', {
      steps: 'a,b,a',
      window: '1h',
      order: 'any',
      exclude: ['x:1-2', { event: 'b', from: 2, to: 3, where: "os = 'iOS'" }],
      breakdown: 'os',
    });
    expectGoldenSql('duckdb', 'funnel-any-exclusions', r.sql);
  });

  it('exclusions', async () => {
    const r = await funnel('exclusions', { steps: 'a,b,a', window: '1d', exclude: 'x:1-2' });
    expectGoldenSql('duckdb', 'funnel-exclusions', r.sql);
  });
});
