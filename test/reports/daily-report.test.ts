/**
 * The demo's reports on a small seeded demo (2,000 users × 30 days ending Sunday 2026-09-27), each number
 * checked against plain SQL on the same warehouse, the CTR interval against the delta method computed
 * here from per-user counts, and the weekly experiment block against `sightline experiment analyze
 * --json`.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/analytics/insights/date-range.ts';
import { DeliveryError, type DeliveryReceipt } from '../../src/automation/channels/channel.ts';
import { buildReport } from '../../src/automation/reports/build-report.ts';
import type { MetricValue, ReportBlock, ReportDocument } from '../../src/automation/reports/document.ts';
import { reportAction } from '../../src/automation/reports/report-job.ts';
import type { RunContext } from '../../src/automation/scheduler/job.ts';
import { loadProjectFile, type ProjectFile } from '../../src/config/project-file.ts';
import { type OpenedWarehouse, openWarehouse } from '../../src/data/warehouse/open-warehouse.ts';
import { cliDemo, ROOT, runCli, tempDir } from '../helpers/cli.ts';

const END = '2026-09-27';
const AT = Date.parse('2026-09-28T09:00:00Z');

let dir: { dir: string; cleanup: () => void };
let db: string;
let opened: OpenedWarehouse;
let project: ProjectFile;
let daily: ReportDocument;
let tokyo: ReportDocument;

async function scalar(text: string): Promise<number> {
  const rows = await opened.warehouse.query<{ v: number | bigint }>(text);
  return Number(rows[0]!.v);
}

/** Plain SQL over [from, to): distinct users, or events of one name. */
const users = (from: string, to: string) =>
  scalar(
    `SELECT count(DISTINCT user_id) AS v FROM events WHERE ts >= TIMESTAMP '${from}' AND ts < TIMESTAMP '${to}'`,
  );
const events = (name: string, from: string, to: string) =>
  scalar(
    `SELECT count(*) AS v FROM events WHERE event = '${name}' AND ts >= TIMESTAMP '${from}' AND ts < TIMESTAMP '${to}'`,
  );

function metric(document: ReportDocument, name: string): MetricValue {
  const block = document.blocks.find(
    (b): b is Extract<ReportBlock, { kind: 'metrics' }> => b.kind === 'metrics',
  );
  const item = block?.items.find((m) => m.metric === name);
  if (!item) throw new Error(`no metric ${name}`);
  return item;
}

beforeAll(async () => {
  dir = tempDir('sl-report-');
  ({ db } = await cliDemo(dir.dir, { users: 2_000, days: 30, end: END }));
  project = loadProjectFile(path.join(ROOT, 'sightline.yaml'));
  opened = await openWarehouse({ path: db, readOnly: true });
  const deps = { warehouse: opened.warehouse, project, variables: {} };
  daily = await buildReport(deps, 'daily', { at: AT });
  const definition = project.reports.get('daily')!;
  const reports = new Map([
    ...project.reports,
    ['tokyo', { ...definition, name: 'tokyo', timezone: 'Asia/Tokyo' }],
  ]);
  tokyo = await buildReport({ ...deps, project: { ...project, reports } }, 'tokyo', { at: AT });
}, 120_000);

afterAll(async () => {
  await opened?.warehouse.close();
  dir?.cleanup();
});

describe('the daily report of the demo', () => {
  it('covers the demo’s last day, with the summary first', () => {
    expect(daily.period).toEqual({ from: END, to: END, timezone: 'UTC' });
    expect(daily.subtitle).toBe('Sunday 27 September 2026');
    expect(daily.generatedAt).toBe('2026-09-28T09:00:00.000Z');
    expect(daily.blocks.map((b) => b.kind)).toEqual([
      'summary',
      'metrics',
      'chart',
      'chart',
      'chart',
      'chart',
    ]);
  });

  it('gives each metric the value plain SQL counts, with the day before and the same weekday a week before', async () => {
    const dau = metric(daily, 'dau');
    expect(dau.value).toBe(await users('2026-09-27', '2026-09-28'));
    expect(dau.previousPeriod?.previous).toBe(await users('2026-09-26', '2026-09-27'));
    expect(dau.previousWeek?.previous).toBe(await users('2026-09-20', '2026-09-21'));
    expect(dau.previousPeriod?.absolute).toBe(dau.value! - dau.previousPeriod!.previous);
    for (const [name, event] of [
      ['views', 'view'],
      ['likes', 'like'],
      ['messages_sent', 'message'],
    ] as const) {
      const m = metric(daily, name);
      expect(m.value, name).toBe(await events(event, '2026-09-27', '2026-09-28'));
      expect(m.previousPeriod?.previous, name).toBe(await events(event, '2026-09-26', '2026-09-27'));
      expect(m.interval, `${name} is exact`).toBeUndefined();
      expect(m.previousPeriod?.usualRange, `${name} has a usual range`).toBeGreaterThan(0);
    }
    const ctr = metric(daily, 'ctr');
    expect(ctr.value).toBeCloseTo(
      (await events('like', '2026-09-27', '2026-09-28')) / (await events('view', '2026-09-27', '2026-09-28')),
      12,
    );
  });

  it('gives CTR the delta-method interval computed from per-user likes and views', async () => {
    const rows = await opened.warehouse.query<{ x: number; y: number }>(
      `SELECT CAST(sum(CASE WHEN event = 'like' THEN 1 ELSE 0 END) AS DOUBLE) AS x,
              CAST(sum(CASE WHEN event = 'view' THEN 1 ELSE 0 END) AS DOUBLE) AS y
       FROM events WHERE event IN ('like', 'view')
         AND ts >= TIMESTAMP '2026-09-27 00:00:00' AND ts < TIMESTAMP '2026-09-28 00:00:00'
       GROUP BY user_id`,
    );
    const n = rows.length;
    const mx = rows.reduce((s, r) => s + r.x, 0) / n;
    const my = rows.reduce((s, r) => s + r.y, 0) / n;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (const r of rows) {
      sxx += (r.x - mx) ** 2;
      syy += (r.y - my) ** 2;
      sxy += (r.x - mx) * (r.y - my);
    }
    const [vx, vy, cxy] = [sxx / (n - 1), syy / (n - 1), sxy / (n - 1)];
    const ratio = mx / my;
    // Var(x̄/ȳ) ≈ (vx − 2·R·cxy + R²·vy) / (n·ȳ²): the same formula written the textbook way.
    const se = Math.sqrt((vx - 2 * ratio * cxy + ratio * ratio * vy) / (n * my * my));
    const ctr = metric(daily, 'ctr');
    expect(ctr.n).toBe(n);
    expect(ctr.interval![0]).toBeCloseTo(ratio - 1.959963984540054 * se, 10);
    expect(ctr.interval![1]).toBeCloseTo(ratio + 1.959963984540054 * se, 10);
    const change = ctr.previousPeriod!;
    expect(change.interval![0]).toBeLessThan(change.relative!);
    expect(change.interval![1]).toBeGreaterThan(change.relative!);
    expect(change.significant).toBe(change.interval![0] > 0 || change.interval![1] < 0);
  });

  it('charts the last 7 days of each metric, the same numbers as the tiles', () => {
    const chart = daily.blocks.find((b): b is Extract<ReportBlock, { kind: 'chart' }> => b.kind === 'chart')!;
    expect(chart.title).toBe('Active users, last 7 days');
    const series = chart.chart.panels[0]!.series[0]!;
    expect(series.kind).toBe('line');
    const data = (series as { data: readonly (readonly [string | number, number | null])[] }).data;
    expect(data.map((p) => p[0])).toEqual([
      '2026-09-21',
      '2026-09-22',
      '2026-09-23',
      '2026-09-24',
      '2026-09-25',
      '2026-09-26',
      '2026-09-27',
    ]);
    expect(data[6]![1]).toBe(metric(daily, 'dau').value);
    expect(data[5]![1]).toBe(metric(daily, 'dau').previousPeriod!.previous);
  });
});

describe('a report in Asia/Tokyo', () => {
  it('covers the Tokyo day before the run: 15:00 UTC to 15:00 UTC', async () => {
    // 09:00 UTC on the 28th is 18:00 in Tokyo on the 28th: the report is of the 27th, Tokyo time.
    expect(tokyo.period).toEqual({ from: END, to: END, timezone: 'Asia/Tokyo' });
    expect(metric(tokyo, 'dau').value).toBe(await users('2026-09-26 15:00:00', '2026-09-27 15:00:00'));
    expect(metric(tokyo, 'views').value).toBe(
      await events('view', '2026-09-26 15:00:00', '2026-09-27 15:00:00'),
    );
    expect(metric(tokyo, 'dau').previousPeriod?.previous).toBe(
      await users('2026-09-25 15:00:00', '2026-09-26 15:00:00'),
    );
  });
});

describe('the weekly report of the demo', () => {
  it('quotes the experiment as `sightline experiment analyze --json` does', async () => {
    const weekly = await buildReport({ warehouse: opened.warehouse, project, variables: {} }, 'weekly', {
      at: AT,
    });
    expect(weekly.period).toEqual({ from: '2026-09-21', to: END, timezone: 'UTC' });
    // Over a week, DAU is the mean of the week's days (the week's distinct users would be WAU), and
    // views the week's total.
    const days = async (monday: string) => {
      let sum = 0;
      for (let k = 0; k < 7; k++) sum += await users(addDays(monday, k), addDays(monday, k + 1));
      return sum / 7;
    };
    const dau = metric(weekly, 'dau');
    expect(dau.label).toBe('Daily active users (average per day)');
    expect(dau.value).toBeCloseTo(await days('2026-09-21'), 9);
    expect(dau.previousPeriod?.previous).toBeCloseTo(await days('2026-09-14'), 9);
    expect(metric(weekly, 'views').value).toBe(await events('view', '2026-09-21', '2026-09-28'));
    const r = await runCli(['experiment', 'analyze', 'feed_ranking_v2', '--json', '--db', db]);
    expect(r.stderr).toBe('');
    const cli = JSON.parse(r.stdout);
    const i = weekly.blocks.findIndex((b) => b.kind === 'heading' && b.text === 'Experiment feed_ranking_v2');
    const table = weekly.blocks
      .slice(i)
      .find((b): b is Extract<ReportBlock, { kind: 'table' }> => b.kind === 'table')!;
    const primary = cli.metrics[0];
    expect(table.rows.map((row) => [row['variant'], row['users'], row['value'], row['lift']])).toEqual(
      primary.arms.map((arm: { variant: string; n: number; mean: number }, k: number) => [
        arm.variant,
        arm.n,
        arm.mean,
        k === 0 ? null : primary.variants[k - 1].relative.effect,
      ]),
    );
    const paragraph = weekly.blocks[i + 1];
    expect(paragraph).toMatchObject({ kind: 'paragraph' });
    expect((paragraph as { text: string }).text).toContain(cli.recommendation.reasons[0]);
    const summary = weekly.blocks.find(
      (b): b is Extract<ReportBlock, { kind: 'summary' }> => b.kind === 'summary',
    )!;
    expect(summary.sentences.some((s) => s.topic === 'experiment')).toBe(true);
    // The retention heatmaps, funnel and forecast are there, built from the same period.
    const charts = weekly.blocks.filter((b) => b.kind === 'chart').map((b) => (b as { title: string }).title);
    expect(charts).toEqual([
      'Retention, campaign against organic sign-ups: campaign',
      'Retention, campaign against organic sign-ups: organic',
      'Feed funnel',
      'Daily active users: the next 7 days',
    ]);
  }, 60_000);
});

describe('reportAction', () => {
  it('delivers to every channel though one fails, then fails the run naming the failed one', async () => {
    const definition = project.reports.get('daily')!;
    const reports = new Map([...project.reports, ['daily', { ...definition, channels: ['a', 'b', 'c'] }]]);
    const deps = { warehouse: opened.warehouse, project: { ...project, reports }, variables: {} };
    const sent: { channel: string; document: ReportDocument }[] = [];
    const lines: string[] = [];
    const context: RunContext = {
      runId: 'r1',
      job: { ...project.jobs.get('daily_report')! },
      project: project.project,
      scheduledAt: AT,
      attempt: 1,
      signal: new AbortController().signal,
      deliver: async (channel, document): Promise<DeliveryReceipt> => {
        if (channel === 'b')
          throw new DeliveryError('b', 'Bot API 403: bot was blocked by the user', false, 403);
        sent.push({ channel, document });
        return { channel, type: 'telegram', requests: 5, ids: ['1'] };
      },
      log: (line) => lines.push(line),
    };
    const failure = await reportAction(deps)(context).catch((error: unknown) => error);
    expect(sent.map((s) => s.channel)).toEqual(['a', 'c']);
    expect(sent[0]!.document).toEqual(daily);
    expect(failure).toBeInstanceOf(DeliveryError);
    expect((failure as DeliveryError).message).toBe(
      'report daily (2026-09-27) not delivered to 1 of 3 channels: b: Bot API 403: bot was blocked by the user',
    );
    expect((failure as DeliveryError).retryable).toBe(false);
    expect(lines).toEqual([
      'sent daily to a',
      'b: Bot API 403: bot was blocked by the user',
      'sent daily to c',
    ]);

    const ok = await reportAction(deps)({
      ...context,
      deliver: async (channel) => ({ channel, type: 'telegram', requests: 5, ids: [] }),
    });
    expect(ok.summary).toBe('sent daily (2026-09-27) to a, b, c (15 messages)');
  });
});

describe('an anomalies block', () => {
  it('tells the flagged hours `sightline detect` finds in the period, with the root cause, first in the summary', async () => {
    const day = '2026-09-17';
    const r = await runCli([
      'detect',
      'messages_sent',
      '--interval',
      'hour',
      '--from',
      day,
      '--to',
      day,
      '--json',
      '--db',
      db,
    ]);
    const flagged = (JSON.parse(r.stdout).series[0].points as { t: string; flag: boolean }[])
      .filter((p) => p.flag && p.t.startsWith(day))
      .map((p) => p.t);
    expect(flagged.length).toBeGreaterThan(0);
    const watch = {
      name: 'watch',
      title: 'Watch',
      period: 'day' as const,
      timezone: 'UTC',
      channels: [],
      blocks: [
        { summary: { max: 3 } },
        { anomalies: { metrics: ['messages_sent'], interval: 'hour' as const } },
      ],
    };
    const reports = new Map([...project.reports, ['watch', watch]]);
    const document = await buildReport(
      { warehouse: opened.warehouse, project: { ...project, reports }, variables: {} },
      'watch',
      { at: Date.parse('2026-09-18T09:00:00Z') },
    );
    const table = document.blocks.find(
      (b): b is Extract<ReportBlock, { kind: 'table' }> => b.kind === 'table',
    )!;
    // Consecutive flagged hours are one episode: [start, end) in whole hours.
    const runs: [number, number][] = [];
    for (const t of flagged) {
      const h = Number(t.slice(11, 13));
      const last = runs[runs.length - 1];
      if (last && last[1] === h) last[1] = h + 1;
      else runs.push([h, h + 1]);
    }
    const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
    expect(table.rows.map((row) => row['when'])).toEqual(
      runs.slice(0, 3).map(([a, b]) => `on ${day} from ${hh(a)} to ${hh(b)} (UTC)`),
    );
    const first = document.blocks[0];
    if (first?.kind !== 'summary') throw new Error('summary first');
    expect(first.sentences[0]?.topic).toBe('anomaly');
    const text = first.sentences[0]?.text ?? '';
    expect(text.startsWith(`Messages sent rose above its expected range ${table.rows[0]!['when']}`)).toBe(
      true,
    );
    // The episode's root cause is what `sightline explain` says of its first hour (whether that names
    // the planted campaign is the root-cause tests' business, on a demo large enough to tell).
    const explained = await runCli([
      'explain',
      'messages_sent',
      '--at',
      flagged[0]!,
      '--interval',
      'hour',
      '--json',
      '--db',
      db,
    ]);
    expect(explained.code, explained.stderr).toBe(0);
    expect(text).toContain(JSON.parse(explained.stdout).sentence);
  }, 60_000);
});
