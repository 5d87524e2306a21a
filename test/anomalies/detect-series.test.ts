import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileDetectInput, metricDetectInputs, timeLabel } from '../../src/analytics/anomalies/series.ts';
import { parseCsvTable } from '../../src/analytics/forecasting/csv-table.ts';
import { readSeries } from '../../src/analytics/forecasting/series-input.ts';
import type { InsightContext } from '../../src/analytics/insights/insight-context.ts';
import { runInsight } from '../../src/analytics/insights/registry.ts';
import type { TrendsResult } from '../../src/analytics/insights/trends/run-trends.ts';
import type { Warehouse } from '../../src/data/warehouse/warehouse.ts';
import { tempDir } from '../helpers/cli.ts';
import { buildDemoWarehouse } from './detect-demo-warehouse.ts';

/**
 * The series detection watches: CSV files on their grid, and warehouse metrics whose numbers are the
 * trends insight's (checked against trends itself and, across the 31-day pieces an hourly read is
 * split into, against the daily trend: hourly counts add up to the day's).
 */
const { dir, cleanup } = tempDir('sl-detect-series-');
let warehouse: Warehouse;
let ctx: InsightContext;
const DAYS = 40;
const END = '2026-09-28';
const START = '2026-08-20';
const AFTER_END = Date.parse('2026-09-29T00:00:00Z');

beforeAll(async () => {
  ({ warehouse, ctx } = await buildDemoWarehouse(dir, { users: 1000, days: DAYS, endDate: END }));
}, 60_000);
afterAll(async () => {
  await warehouse?.close();
  cleanup();
});

describe('series from files', () => {
  it('puts irregular times on the modal step, missing steps as NaN, with hourly seasons', () => {
    const rows = ['timestamp,value'];
    const start = Date.UTC(2024, 0, 1);
    for (let h = 0; h < 24 * 15; h++) {
      if (h === 5 || h === 6) continue; // two missing hours
      // Hour 10 arrives 40 s late; hour 20 has an empty value cell.
      const t = start + h * 3_600_000 + (h === 10 ? 40_000 : 0);
      rows.push(`${new Date(t).toISOString()},${h === 20 ? '' : h}`);
    }
    const [raw] = readSeries(parseCsvTable(rows.join('\n'), 'f.csv'), 'f.csv');
    const input = fileDetectInput(raw!, 'f.csv');
    expect(input.stepMs).toBe(3_600_000);
    expect(input.values).toHaveLength(24 * 15);
    // 15 days cover the week twice (336 hours), so both seasons are kept.
    expect(input.seasonPeriods).toEqual([24, 168]);
    expect(Number.isNaN(input.values[5]!) && Number.isNaN(input.values[6]!)).toBe(true);
    expect(input.values[10]).toBe(10);
    expect(input.values[20]).toBeNaN();
    expect(input.times[7]! - input.times[0]!).toBe(7 * 3_600_000);
    expect(input.labels[1]).toBe('2024-01-01T01:00:00Z');
    expect(input.warnings.map((w) => w.code)).toEqual(['SL_FORECAST_IRREGULAR']);
  });

  it('a file without times is judged row by row; a daily file is labelled by date', () => {
    const [rows] = readSeries(parseCsvTable('value\n1\n2\n\n4\n', 'v.csv'), 'v.csv');
    const byRow = fileDetectInput(rows!, 'v.csv');
    expect(Array.from(byRow.times)).toEqual([0, 1, 2, 3]);
    expect(byRow.values[2]).toBeNaN();
    expect(byRow.labels).toEqual(['1', '2', '3', '4']);
    expect(timeLabel(Date.UTC(2024, 1, 3), 86_400_000)).toBe('2024-02-03');
    expect(timeLabel(Date.UTC(2024, 1, 3, 1), 86_400_000)).toBe('2024-02-03T01:00:00Z');
  });

  it('refuses a file with one value or one timestamp, with a coded error', () => {
    const [one] = readSeries(parseCsvTable('timestamp,value\n2024-01-01,1\n2024-01-02,\n', 'a.csv'), 'a.csv');
    expect(() => fileDetectInput(one!, 'a.csv')).toThrow(/SL_DETECT_INPUT_INVALID|1 numeric value/);
    const [same] = readSeries(
      parseCsvTable('timestamp,value\n2024-01-01,1\n2024-01-01,2\n', 'b.csv'),
      'b.csv',
    );
    expect(() => fileDetectInput(same!, 'b.csv')).toThrow(/every row has the same timestamp/);
  });
});

describe('series from the warehouse', () => {
  it('hourly values over 40 days (two trends pieces) equal the hourly trend and add up to the daily one', async () => {
    const hourly = await metricDetectInputs(ctx, { metric: 'views', interval: 'hour', now: AFTER_END });
    expect(hourly.partialBuckets).toBe(0);
    const [views] = hourly.series;
    expect(views!.values).toHaveLength(DAYS * 24);
    expect(views!.stepMs).toBe(3_600_000);
    expect(views!.seasonPeriods).toEqual([24, 168]);
    expect(views!.labels[0]).toBe(`${START}T00:00:00Z`);
    expect(views!.times[DAYS * 24 - 1]).toBe(AFTER_END - 3_600_000);

    const daily = await metricDetectInputs(ctx, { metric: 'views', interval: 'day', now: AFTER_END });
    const days = daily.series[0]!.values;
    expect(days).toHaveLength(DAYS);
    for (let d = 0; d < DAYS; d++) {
      let sum = 0;
      for (let h = 0; h < 24; h++) sum += views!.values[d * 24 + h]!;
      expect(sum, `day ${d}`).toBe(days[d]);
    }
    // The second piece starts on day 32: its hours equal trends read over that day alone.
    const day32 = '2026-09-20';
    const trend = (await runInsight(ctx, 'trends', {
      metric: ['dau'],
      interval: 'hour',
      from: day32,
      to: day32,
    })) as TrendsResult;
    const dau = await metricDetectInputs(ctx, { metric: 'dau', interval: 'hour', now: AFTER_END });
    const offset = 31 * 24;
    expect(Array.from(dau.series[0]!.values.subarray(offset, offset + 24))).toEqual(
      trend.series[0]!.points.map((p) => p.value),
    );
  });

  it('reads four weeks before --from for the detector to learn from, and reports from --from', async () => {
    const read = await metricDetectInputs(ctx, {
      metric: 'views',
      interval: 'hour',
      from: '2026-09-27',
      now: AFTER_END,
    });
    const [views] = read.series;
    // The data starts on 08-20, 38 days before; the warm-up starts 28 days before, on 08-30.
    expect(views!.labels[0]).toBe('2026-08-30T00:00:00Z');
    expect(views!.reportFrom).toBe(28 * 24);
    expect(views!.labels[views!.reportFrom!]).toBe('2026-09-27T00:00:00Z');
    const early = await metricDetectInputs(ctx, {
      metric: 'views',
      interval: 'day',
      from: '2026-08-25',
      now: AFTER_END,
    });
    // Only 5 days of history exist before 08-25: all of them are read.
    expect(early.series[0]!.labels[0]).toBe(START);
    expect(early.series[0]!.reportFrom).toBe(5);
  });

  it('an event counted per bucket equals the count metric of the same event', async () => {
    const metric = await metricDetectInputs(ctx, { metric: 'likes', interval: 'day', now: AFTER_END });
    const event = await metricDetectInputs(ctx, {
      metric: { event: 'like' },
      interval: 'day',
      now: AFTER_END,
    });
    expect(event.series[0]!.values).toEqual(metric.series[0]!.values);
  });

  it('leaves out the buckets still filling up at `now`', async () => {
    const now = Date.parse(`${END}T10:30:00Z`);
    const read = await metricDetectInputs(ctx, { metric: 'views', interval: 'hour', now });
    // 10:00-11:00 is under way and 11:00-23:00 have not started: 14 buckets.
    expect(read.partialBuckets).toBe(14);
    expect(read.series[0]!.labels.at(-1)).toBe(`${END}T09:00:00Z`);
    const days = await metricDetectInputs(ctx, { metric: 'views', interval: 'day', now });
    expect(days.partialBuckets).toBe(1);
    expect(days.series[0]!.labels.at(-1)).toBe('2026-09-27');
  });

  it('one series per group with groupBy, and the groups add up to the total', async () => {
    const read = await metricDetectInputs(ctx, {
      metric: 'views',
      interval: 'day',
      groupBy: ['os'],
      now: AFTER_END,
      from: '2026-09-01',
      to: '2026-09-10',
    });
    const total = await metricDetectInputs(ctx, {
      metric: 'views',
      interval: 'day',
      now: AFTER_END,
      from: '2026-09-01',
      to: '2026-09-10',
    });
    expect(read.series.map((s) => s.group?.[0]).sort()).toEqual(['Android', 'iOS']);
    for (let d = 0; d < 10; d++) {
      const sum = read.series.reduce((acc, s) => acc + s.values[d]!, 0);
      expect(sum).toBe(total.series[0]!.values[d]);
    }
  });

  it('an unknown metric is a coded error with a did-you-mean', async () => {
    await expect(
      metricDetectInputs(ctx, { metric: 'veiws', interval: 'hour', now: AFTER_END }),
    ).rejects.toThrow(/unknown metric "veiws".*did you mean "views"/);
  });

  it('reads 15-minute buckets across the 11-day pieces, four of them adding up to each hour', async () => {
    // 14 days: two pieces (11 + 3 days); the counts of the quarters must add up to the hourly trend's.
    const spec = { metric: 'views', from: '2026-09-10', to: '2026-09-23', now: AFTER_END } as const;
    const quarters = await metricDetectInputs(ctx, { ...spec, interval: '15m' });
    const hours = await metricDetectInputs(ctx, { ...spec, interval: 'hour' });
    const q = quarters.series[0]!;
    const h = hours.series[0]!;
    expect(q.stepMs).toBe(900_000);
    expect(q.seasonPeriods).toEqual([96, 672]);
    expect(q.scale).toBe('counts');
    const reportedQ = q.values.length - q.reportFrom!;
    const reportedH = h.values.length - h.reportFrom!;
    expect(reportedQ).toBe(14 * 96);
    expect(reportedH).toBe(14 * 24);
    expect(q.labels[q.reportFrom!]).toBe('2026-09-10T00:00:00Z');
    expect(q.labels[q.reportFrom! + 1]).toBe('2026-09-10T00:15:00Z');
    for (let i = 0; i < reportedH; i++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += q.values[q.reportFrom! + 4 * i + k]!;
      expect(sum).toBe(h.values[h.reportFrom! + i]);
    }
    expect(h.values.slice(h.reportFrom!).reduce((a, v) => a + v, 0)).toBeGreaterThan(1000);
  });
});
