import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSpec } from '../../src/analytics/insights/common-spec.ts';
import { runTrends, type TrendsResult } from '../../src/analytics/insights/trends/run-trends.ts';
import { trendsSpecSchema } from '../../src/analytics/insights/trends/trends-spec.ts';
import type { MetricsLayerSource } from '../../src/analytics/metrics/definitions.ts';
import type { DuckDBWarehouse } from '../../src/data/warehouse/duckdb/duckdb-warehouse.ts';
import { contextFor, createTestWarehouse, loadEvents, type TestEvent } from './fixtures.ts';

let warehouse: DuckDBWarehouse;
let dispose: () => Promise<void>;
let projects = 0;

beforeAll(async () => {
  ({ warehouse, dispose } = await createTestWarehouse());
});
afterAll(async () => {
  await dispose?.();
});

/** Loads the events into a project of their own and runs the trend (through events and the rollup). */
async function trends(
  events: TestEvent[],
  spec: Record<string, unknown>,
  layer?: MetricsLayerSource,
): Promise<TrendsResult> {
  const project = `t${projects++}`;
  await loadEvents(warehouse, project, events);
  const parsed = parseSpec('trends', trendsSpecSchema, spec);
  const result = await runTrends(contextFor(warehouse, project, layer), parsed);
  const direct = await runTrends(contextFor(warehouse, project, layer), parsed, { rollup: 'never' });
  expect(direct.series).toEqual(result.series);
  return result;
}

const ev = (user_id: string, ts: string, extra: Partial<TestEvent> = {}): TestEvent => ({
  user_id,
  event: 'view',
  ts,
  ...extra,
});
const values = (r: TrendsResult, index = 0) => r.series[index]?.points.map((p) => p.value);
const labels = (r: TrendsResult, index = 0) => r.series[index]?.points.map((p) => p.t);

describe('trends: counting', () => {
  it('counts a user once per day for dau, and a user with one event on that day only', async () => {
    const r = await trends(
      [
        ev('u1', '2026-09-01T08:00:00Z'),
        ev('u1', '2026-09-01T09:00:00Z'),
        ev('u2', '2026-09-01T10:00:00Z'),
        ev('u1', '2026-09-03T10:00:00Z'),
      ],
      { event: '$any', math: 'dau', from: '2026-09-01', to: '2026-09-03' },
    );
    expect(labels(r)).toEqual(['2026-09-01', '2026-09-02', '2026-09-03']);
    expect(values(r)).toEqual([2, 0, 1]);
    expect(r.sql).toContain('user_daily');
  });

  it('puts an event exactly at midnight in the day it starts, in UTC and in a time zone', async () => {
    const events = [ev('u1', '2026-09-02T00:00:00Z'), ev('u2', '2026-09-01T22:00:00Z')];
    const utc = await trends(events, { math: 'total', from: '2026-09-01', to: '2026-09-02' });
    expect(values(utc)).toEqual([1, 1]);
    // 22:00Z is midnight of 2 September in Berlin (UTC+2), 00:00Z is 02:00 there.
    const berlin = await trends(events, {
      math: 'total',
      from: '2026-09-01',
      to: '2026-09-02',
      timeZone: 'Europe/Berlin',
    });
    expect(values(berlin)).toEqual([0, 2]);
    expect(berlin.sql).not.toContain('user_daily');
  });

  it('gives zeros for counts and nulls for averages over an empty range', async () => {
    const events = [ev('u1', '2026-09-10T08:00:00Z', { latency_ms: 5 })];
    const range = { from: '2026-09-01', to: '2026-09-02' };
    expect(values(await trends(events, { ...range, math: 'total' }))).toEqual([0, 0]);
    expect(values(await trends(events, { ...range, math: 'dau' }))).toEqual([0, 0]);
    expect(values(await trends(events, { ...range, math: 'sum:latency_ms' }))).toEqual([0, 0]);
    expect(values(await trends(events, { ...range, math: 'avg:latency_ms' }))).toEqual([null, null]);
    expect(values(await trends(events, { ...range, math: 'per_user_avg' }))).toEqual([null, null]);
  });

  it('computes statistics of a property with missing values ignored and percentiles interpolated', async () => {
    const day = '2026-09-01';
    const events = [
      ev('u1', `${day}T01:00:00Z`, { latency_ms: 10 }),
      ev('u1', `${day}T02:00:00Z`, { latency_ms: 20 }),
      ev('u2', `${day}T03:00:00Z`, { latency_ms: 40 }),
      ev('u2', `${day}T04:00:00Z`, { latency_ms: null }),
      ev('u3', `${day}T05:00:00Z`, { properties: { amount: 7 } }),
      ev('u3', `${day}T06:00:00Z`, { properties: { amount: 'n/a' } }),
    ];
    const at = async (math: string) => values(await trends(events, { math, from: day, to: day }))?.[0];
    expect(await at('sum:latency_ms')).toBe(70);
    expect(await at('avg:latency_ms')).toBeCloseTo(70 / 3, 12);
    expect(await at('min:latency_ms')).toBe(10);
    expect(await at('max:latency_ms')).toBe(40);
    expect(await at('median:latency_ms')).toBe(20);
    // (n − 1)·0.9 = 1.8: 20 + 0.8·(40 − 20)
    expect(await at('p90:latency_ms')).toBeCloseTo(36, 12);
    expect(await at('sum:properties.amount')).toBe(7);
    // Events per user: u1 2, u2 2, u3 2 → all 2; with u4's single event the mean is 7/4.
    expect(await at('per_user_avg')).toBe(2);
    const more = [...events, ev('u4', `${day}T07:00:00Z`)];
    const perUser = await trends(more, { math: 'per_user_avg', from: day, to: day });
    expect(values(perUser)).toEqual([7 / 4]);
    expect(values(await trends(more, { math: 'per_user_min', from: day, to: day }))).toEqual([1]);
  });

  it('counts first-time users in the bucket of their first event ever, not their first in the range', async () => {
    const r = await trends(
      [
        ev('old', '2026-08-20T10:00:00Z'),
        ev('old', '2026-09-01T10:00:00Z'),
        ev('new', '2026-09-02T10:00:00Z'),
        ev('new', '2026-09-02T11:00:00Z'),
        ev('new', '2026-09-03T11:00:00Z'),
        ev('liker', '2026-09-01T09:00:00Z', { event: 'like' }),
      ],
      { event: 'view', math: 'first_time', from: '2026-09-01', to: '2026-09-03' },
    );
    expect(values(r)).toEqual([0, 1, 0]);
    // First times come from the rollup's first_ts (the helper also checks the events-only answer).
    expect(r.sql).toContain('min("e1"."first_ts") FROM user_daily');
    const any = await trends(
      [
        ev('old', '2026-08-20T10:00:00Z', { event: 'like' }),
        ev('old', '2026-09-01T10:00:00Z'),
        ev('new', '2026-09-02T10:00:00Z'),
      ],
      {
        math: 'first_time',
        from: '2026-09-01',
        to: '2026-09-03',
      },
    );
    expect(values(any)).toEqual([0, 1, 0]);
    expect(any.sql).toContain('SELECT user_id, first_seen FROM users');
  });
});

describe('trends: trailing windows', () => {
  const events = [ev('u1', '2026-09-01T23:59:59Z'), ev('u2', '2026-09-05T00:00:00Z')];

  it('counts a user in wau on the 7 days ending on each day, boundaries included', async () => {
    const r = await trends(events, { math: 'wau', from: '2026-09-01', to: '2026-09-12' });
    // u1 active on 1 Sep: counted 1 … 7 Sep; u2 on 5 Sep: counted 5 … 11 Sep.
    expect(values(r)).toEqual([1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 0]);
  });

  it('reaches back before the range for wau', async () => {
    const r = await trends(events, { math: 'wau', from: '2026-09-07', to: '2026-09-08' });
    expect(values(r)).toEqual([2, 1]);
  });

  it('counts wau of a week as of its last day, clipped to the last day of the range', async () => {
    // Weeks of 31 Aug and 7 Sep; the range ends on Wednesday 9 Sep.
    const r = await trends(events, { math: 'wau', interval: 'week', from: '2026-09-01', to: '2026-09-09' });
    expect(labels(r)).toEqual(['2026-08-31', '2026-09-07']);
    // As of Sunday 6 Sep: u1 (1 Sep) and u2 (5 Sep); as of Wednesday 9 Sep: u2 only.
    expect(values(r)).toEqual([2, 1]);
  });

  it('counts mau over 30 local days in a time zone', async () => {
    // 23:59:59Z on 1 Sep is 2 Sep in Berlin, so the user is counted on 2 Sep … 1 Oct there.
    const r = await trends([ev('u1', '2026-09-01T23:59:59Z')], {
      math: 'mau',
      from: '2026-10-01',
      to: '2026-10-02',
      timeZone: 'Europe/Berlin',
    });
    expect(values(r)).toEqual([1, 0]);
  });

  it('reads wau and mau of the same events in one pass, with the values of each alone', async () => {
    const layer: MetricsLayerSource = {
      metrics: {
        wau: { type: 'unique_users', event: '$any', window: 7 },
        mau: { type: 'unique_users', event: '$any', window: 30 },
      },
    };
    const spec = { from: '2026-09-01', to: '2026-10-05' };
    const both = await trends(events, { ...spec, metric: 'wau,mau' }, layer);
    expect(both.sql.split(';').filter((s) => s.trim()).length).toBe(1);
    const wau = await trends(events, { ...spec, metric: 'wau' }, layer);
    const mau = await trends(events, { ...spec, metric: 'mau' }, layer);
    expect(values(both, 0)).toEqual(values(wau));
    expect(values(both, 1)).toEqual(values(mau));
    // u1 (1 Sep) and u2 (5 Sep) are in mau until 30 Sep and 4 Oct.
    expect(values(mau)?.slice(28)).toEqual([2, 2, 1, 1, 1, 1, 0]);
  });

  it('counts mau over a range longer than 64 days, across mask words', async () => {
    // 120 days of buckets plus 29 days of lookback: 149 day numbers, three 64-bit words per user.
    // u1 is active on the day numbers 0, 63, 64 and 127, u2 on 128 and 148 (the last day).
    const base = Date.parse('2026-05-05T12:00:00Z');
    const at = (day: number) => new Date(base + day * 86_400_000).toISOString();
    const activity: Record<string, number[]> = { u1: [0, 63, 64, 127], u2: [128, 148] };
    const events = Object.entries(activity).flatMap(([user, days]) => days.map((d) => ev(user, at(d))));
    const r = await trends(events, { math: 'mau', from: '2026-06-03', to: '2026-09-30' });
    expect(r.series[0]?.points).toHaveLength(120);
    // Bucket i ends on day number i + 29; a user counts there when active on one of days i … i + 29.
    const expected = Array.from(
      { length: 120 },
      (_, i) => Object.values(activity).filter((days) => days.some((d) => d >= i && d <= i + 29)).length,
    );
    expect(values(r)).toEqual(expected);
    // By hand: bucket 0 sees day 0; 1 … 33 see nothing; 34 sees day 63 (the last bit of word 0); 64 sees
    // 64 … 93 (word 1); 98 sees 127 only; 99 sees 127 and 128 (words 1 and 2); 119 sees 127, 128 and 148.
    expect([0, 1, 33, 34, 64, 98, 99, 119].map((i) => expected[i])).toEqual([1, 0, 0, 1, 1, 1, 2, 2]);
  });
});

describe('trends: time zones and DST', () => {
  it('has 23 local hours on the day Berlin moves its clocks forward', async () => {
    const r = await trends([ev('u1', '2026-03-29T01:30:00Z')], {
      math: 'total',
      interval: 'hour',
      from: '2026-03-29',
      to: '2026-03-29',
      timeZone: 'Europe/Berlin',
    });
    expect(labels(r)).toHaveLength(23);
    expect(labels(r)).not.toContain('2026-03-29T02:00');
    // 01:30Z is 03:30 CEST.
    expect(r.series[0]?.points.find((p) => p.value === 1)?.t).toBe('2026-03-29T03:00');
  });

  it('puts both passes of the repeated hour in one bucket on the day Berlin moves its clocks back', async () => {
    const r = await trends([ev('u1', '2026-10-25T00:30:00Z'), ev('u2', '2026-10-25T01:30:00Z')], {
      math: 'total',
      interval: 'hour',
      from: '2026-10-25',
      to: '2026-10-25',
      timeZone: 'Europe/Berlin',
    });
    expect(labels(r)).toHaveLength(24);
    // 00:30Z is 02:30 CEST, 01:30Z is 02:30 CET.
    expect(r.series[0]?.points.filter((p) => p.value !== 0)).toEqual([{ t: '2026-10-25T02:00', value: 2 }]);
  });

  it('gives New York its 25-hour day when daylight saving time ends', async () => {
    const r = await trends(
      // 04:00Z on 1 Nov is midnight EDT; 04:30Z on 2 Nov is 23:30 EST on 1 Nov.
      [ev('u1', '2026-11-01T04:00:00Z'), ev('u2', '2026-11-02T04:30:00Z'), ev('u3', '2026-11-02T05:00:00Z')],
      { math: 'dau', from: '2026-11-01', to: '2026-11-02', timeZone: 'America/New_York' },
    );
    expect(values(r)).toEqual([2, 1]);
  });

  it('refuses an hourly trend over more than 31 days', async () => {
    await expect(
      trends([], { interval: 'hour', from: '2026-09-01', to: '2026-10-15' }),
    ).rejects.toMatchObject({
      code: 'SL_INSIGHT_TOO_LARGE',
    });
  });

  it('refuses wau with hourly buckets', async () => {
    await expect(
      trends([], { math: 'wau', interval: 'hour', from: '2026-09-01', to: '2026-09-01' }),
    ).rejects.toMatchObject({ code: 'SL_INSIGHT_INVALID' });
  });

  it('counts quarter hours on the local clock, in a zone 5:45 ahead and across a DST change', async () => {
    // Kathmandu is UTC+5:45: 00:14:59Z is 06:00 local, 00:15Z is 06:00 too, 00:16Z is 06:01.
    const kathmandu = await trends(
      [ev('u1', '2026-09-01T00:14:59Z'), ev('u2', '2026-09-01T00:15:00Z'), ev('u3', '2026-09-01T00:30:00Z')],
      { math: 'total', interval: '15m', from: '2026-09-01', to: '2026-09-01', timeZone: 'Asia/Kathmandu' },
    );
    expect(labels(kathmandu)).toHaveLength(96);
    expect(kathmandu.series[0]?.points.filter((p) => p.value !== 0)).toEqual([
      { t: '2026-09-01T05:45', value: 1 },
      { t: '2026-09-01T06:00', value: 1 },
      { t: '2026-09-01T06:15', value: 1 },
    ]);
    // Berlin skips 02:00–02:59 on 29 March: 92 quarters, none of them at 02:xx.
    const berlin = await trends([ev('u1', '2026-03-29T01:50:00Z')], {
      math: 'total',
      interval: '15m',
      from: '2026-03-29',
      to: '2026-03-29',
      timeZone: 'Europe/Berlin',
    });
    expect(labels(berlin)).toHaveLength(92);
    expect(labels(berlin)?.some((t) => t.startsWith('2026-03-29T02:'))).toBe(false);
    expect(berlin.series[0]?.points.find((p) => p.value === 1)?.t).toBe('2026-03-29T03:45');
  });

  it('refuses a 15-minute trend over more than 11 days, and wau with it', async () => {
    await expect(trends([], { interval: '15m', from: '2026-09-01', to: '2026-09-12' })).rejects.toMatchObject(
      { code: 'SL_INSIGHT_TOO_LARGE' },
    );
    await expect(
      trends([], { math: 'wau', interval: '15m', from: '2026-09-01', to: '2026-09-01' }),
    ).rejects.toMatchObject({ code: 'SL_INSIGHT_INVALID' });
  });
});

describe('trends: breakdowns', () => {
  const day = '2026-09-01';
  const at = (hour: number) => `${day}T${String(hour).padStart(2, '0')}:00:00Z`;

  it('keeps NULL breakdown values as their own group with breakdown null', async () => {
    const r = await trends([ev('u1', at(1), { os: 'iOS' }), ev('u2', at(2)), ev('u3', at(3))], {
      math: 'total',
      breakdown: 'os',
      from: day,
      to: day,
    });
    expect(r.series.map((s) => [s.breakdown, s.points[0]?.value])).toEqual([
      [null, 2],
      ['iOS', 1],
    ]);
    expect(r.series[0]?.label).toBe('all events · (none)');
  });

  it('merges values beyond the limit into other, counting a user there once', async () => {
    const r = await trends(
      [
        ev('u1', at(1), { country: 'US' }),
        ev('u2', at(1), { country: 'US' }),
        ev('u3', at(1), { country: 'US' }),
        ev('u4', at(2), { country: 'DE' }),
        ev('u4', at(3), { country: 'FR' }),
        ev('u5', at(3), { country: 'FR' }),
      ],
      { math: 'dau', breakdown: 'country', breakdownLimit: 1, from: day, to: day },
    );
    expect(r.series.map((s) => [s.breakdown, s.other, s.points[0]?.value])).toEqual([
      ['US', undefined, 3],
      // u4 (DE and FR) and u5 (FR): two users, not three.
      [undefined, true, 2],
    ]);
    expect(r.series[1]?.label).toBe('all events (unique users) · other');
    expect(r.warnings).toEqual([
      { code: 'SL_BREAKDOWN_OTHER', message: expect.stringContaining('2 country values beyond the top 1') },
    ]);
  });

  it('breaks ties in the ranking by value, missing values last', async () => {
    const r = await trends([ev('u1', at(1), { os: 'b' }), ev('u2', at(1)), ev('u3', at(1), { os: 'a' })], {
      math: 'total',
      breakdown: 'os',
      breakdownLimit: 2,
      from: day,
      to: day,
    });
    expect(r.series.map((s) => s.breakdown ?? 'other')).toEqual(['a', 'b', 'other']);
  });

  it('breaks down by several dimensions as arrays of values', async () => {
    const r = await trends(
      [
        ev('u1', at(1), { os: 'iOS', country: 'US' }),
        ev('u2', at(1), { os: 'iOS' }),
        ev('u2', at(2), { os: 'iOS' }),
      ],
      { math: 'total', breakdown: 'os,country', from: day, to: day },
    );
    expect(r.series.map((s) => [s.breakdown, s.points[0]?.value])).toEqual([
      [['iOS', null], 2],
      [['iOS', 'US'], 1],
    ]);
  });

  it('computes the median of other over its merged events, not from the kept groups', async () => {
    const r = await trends(
      [
        ev('u1', at(1), { os: 'a', latency_ms: 100 }),
        ev('u1', at(1), { os: 'a', latency_ms: 100 }),
        ev('u2', at(1), { os: 'b', latency_ms: 1 }),
        ev('u3', at(1), { os: 'c', latency_ms: 2 }),
        ev('u3', at(1), { os: 'c', latency_ms: 9 }),
      ],
      { math: 'median:latency_ms', breakdown: 'os', breakdownLimit: 1, from: day, to: day },
    );
    // Kept: a (total 100). Other: b and c's events 1, 2, 9 → median 2.
    expect(r.series.map((s) => [s.breakdown, s.points[0]?.value])).toEqual([
      ['a', 100],
      [undefined, 2],
    ]);
  });
});

describe('trends: series, formulas, metrics, comparisons', () => {
  const layer: MetricsLayerSource = {
    metrics: {
      views: { type: 'count', event: 'view' },
      likes: { type: 'count', event: 'like' },
      ctr: { type: 'ratio', numerator: 'likes', denominator: 'views' },
      ios_views: { type: 'count', event: 'view', where: "os = 'iOS'" },
    },
  };
  const events = [
    ev('u1', '2026-09-01T10:00:00Z', { os: 'iOS' }),
    ev('u2', '2026-09-01T11:00:00Z'),
    ev('u1', '2026-09-01T12:00:00Z', { event: 'like' }),
    ev('u1', '2026-09-02T12:00:00Z', { event: 'like' }),
  ];
  const range = { from: '2026-09-01', to: '2026-09-02' };

  it('evaluates a ratio metric per point, null where the denominator is 0', async () => {
    const r = await trends(events, { ...range, metric: 'ctr' }, layer);
    expect(values(r)).toEqual([0.5, null]);
  });

  it("applies a metric's own where", async () => {
    const r = await trends(events, { ...range, metric: 'ios_views,views' }, layer);
    expect([values(r, 0), values(r, 1)]).toEqual([
      [1, 0],
      [2, 0],
    ]);
  });

  it('combines series by letter with a formula, dividing by zero to null', async () => {
    const r = await trends(
      events,
      {
        ...range,
        series: [
          { event: 'like', math: 'total' },
          { event: 'view', math: 'total' },
        ],
        formula: 'A / B * 100',
      },
      layer,
    );
    expect(r.series).toHaveLength(1);
    expect(r.series[0]?.label).toBe('A / B * 100');
    expect(values(r)).toEqual([50, null]);
  });

  it('adds the previous period of equal length with its own dates', async () => {
    const r = await trends(events, {
      math: 'total',
      from: '2026-09-03',
      to: '2026-09-04',
      compare: 'previous',
    });
    expect(
      r.series.map((s) => [s.compare, labels(r, r.series.indexOf(s)), s.points.map((p) => p.value)]),
    ).toEqual([
      [undefined, ['2026-09-03', '2026-09-04'], [0, 0]],
      [true, ['2026-09-01', '2026-09-02'], [3, 1]],
    ]);
  });

  it('adds a trailing moving average that uses the points there are', async () => {
    const r = await trends(events, { math: 'total', from: '2026-09-01', to: '2026-09-03', movingAverage: 2 });
    expect(r.series[0]?.points).toEqual([
      { t: '2026-09-01', value: 3, movingAverage: 3 },
      { t: '2026-09-02', value: 1, movingAverage: 2 },
      { t: '2026-09-03', value: 0, movingAverage: 0.5 },
    ]);
  });

  it('refuses an unknown math with a suggestion, and a non-numeric property', async () => {
    await expect(trends([], { math: 'totl' })).rejects.toThrow(/did you mean "total"/);
    await expect(trends([], { math: 'sum:os' })).rejects.toMatchObject({ code: 'SL_INSIGHT_INVALID' });
  });
});
