import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertAction } from '../../src/automation/alerts/alert-job.ts';
import { listNotifications } from '../../src/automation/alerts/state-store.ts';
import { createChannel } from '../../src/automation/channels/create-channel.ts';
import type { AutomationDeps } from '../../src/automation/project.ts';
import { renderChartImages } from '../../src/automation/reports/render/images.ts';
import { ManualClock } from '../../src/automation/scheduler/clock.ts';
import type { JobAction, JobActionKind } from '../../src/automation/scheduler/job.ts';
import { Scheduler } from '../../src/automation/scheduler/scheduler.ts';
import { loadProjectFile } from '../../src/config/project-file.ts';
import { buildDemoWarehouse, type DemoWarehouse } from '../anomalies/detect-demo-warehouse.ts';
import { type BotApiServer, startBotApi } from '../channels/bot-api-server.ts';
import { ROOT, tempDir } from '../helpers/cli.ts';

/**
 * The verification: the demo's planted outage (Android users of app 5.2 lose their sessions,
 * 2026-09-19 06:00–14:00 UTC) replayed hour by hour through the scheduler's clock, with the scheduler
 * running the demo's `alert:dau_hourly_drop` job and delivering to the demo's Telegram channel pointed at
 * a local Bot API server. Exactly one firing notification (naming os=Android) and one resolve reach the
 * chat over the two replayed days, and nothing else.
 *
 * "Within two evaluation intervals of its start": the rule fires at the first breaching evaluation (no
 * `for`: the default detector judges the last 100 minutes together and flags an episode once). The
 * detector first flags the 07:00 bucket (scores 0.27, 0.62 for 06:00, 07:00 on the square-root scale of
 * counts), and the firing notification is sent by the 08:00 run, the one that first evaluates that bucket:
 * two hourly evaluations after the planted start.
 */
const HOUR = 3_600_000;
const { dir, cleanup } = tempDir('sl-alert-demo-');
let demo: DemoWarehouse;
let bot: BotApiServer;

beforeAll(async () => {
  demo = await buildDemoWarehouse(dir, { users: 20_000, days: 60, endDate: '2026-09-28', seed: 1 });
  bot = await startBotApi();
}, 120_000);
afterAll(async () => {
  await bot?.close();
  await demo?.warehouse.close();
  cleanup();
});

describe('the demo outage through the scheduler', () => {
  it('sends one firing notification naming os=Android within two evaluations, one resolve, and nothing else', async () => {
    const file = loadProjectFile(path.join(ROOT, 'sightline.yaml'));
    const deps: AutomationDeps = {
      warehouse: demo.warehouse,
      project: file,
      variables: {
        SIGHTLINE_TELEGRAM_TOKEN: '123:alerts',
        SIGHTLINE_TELEGRAM_CHAT_ID: '-100200',
        SIGHTLINE_TELEGRAM_API_URL: bot.url,
      },
    };
    const job = file.jobs.get('alert:dau_hourly_drop')!;
    expect(job.schedule).toBe('0 * * * *');
    const unused: JobAction = async () => {
      throw new Error('only the alert job runs here');
    };
    const actions: Record<JobActionKind, JobAction> = {
      alert: alertAction(deps),
      report: unused,
      check: unused,
      ingest: unused,
    };
    const outage = demo.truth.planted.outage;
    const plantedStart = Date.parse(outage.start);
    const plantedEnd = Date.parse(outage.end);
    const from = plantedStart - 18 * HOUR;
    const to = plantedStart + 30 * HOUR;
    const clock = new ManualClock(from);
    const scheduler = new Scheduler({
      deps,
      jobs: () => [job],
      actions,
      channel: (name) => createChannel(file.channels.get(name)!, deps.variables),
      images: renderChartImages,
      clock,
    });
    const byHour = new Map<number, number>();
    for (let t = from; t <= to; t += HOUR) {
      clock.set(t);
      const before = bot.calls.length;
      await scheduler.tick(t);
      await scheduler.idle();
      if (bot.calls.length > before) byHour.set(t, bot.calls.length - before);
    }
    const runs = await scheduler.runs.list({ job: job.name, limit: 1000 });
    // Every replayed hour ran once (the first tick's own time included), and succeeded.
    expect(runs.length).toBe((to - from) / HOUR + 1);
    expect(runs.filter((r) => r.status !== 'succeeded').map((r) => `${r.status}: ${r.error}`)).toEqual([]);

    const hours = [...byHour.keys()];
    expect(hours.length, `calls at ${hours.map((t) => new Date(t).toISOString())}`).toBe(2);
    const [fired, resolved] = hours as [number, number];
    const textAt = (t: number) => {
      let i = 0;
      for (const [hour, n] of byHour) {
        if (hour === t)
          return bot.calls
            .slice(i, i + n)
            .map((c) => String(c.fields['text'] ?? c.fields['caption'] ?? ''))
            .join('\n')
            .replace(/\\(.)/g, '$1');
        i += n;
      }
      return '';
    };
    const firingText = textAt(fired);
    if (process.env['SHOW_ALERT']) console.log(firingText, '\n---\n', textAt(resolved));
    expect(firingText).toContain('Daily active users below expected: os=Android');
    expect(firingText).not.toContain('os=iOS');
    // The root cause is searched within the alert's group (os is fixed there), and names the planted
    // version: the outage is os=Android, app_version=5.2.
    const { segment } = demo.truth.planted.outage;
    const cause = firingText.match(/Daily active users for os=Android (fell|rose) .*\./)?.[0];
    expect(cause, firingText).toMatch(
      new RegExp(
        `^Daily active users for os=${segment.os} fell \\d+% \\(\u2212[\\d,]+ users\\) below expected at \\d{4}-\\d\\d-\\d\\d \\d\\d:00 UTC; app_version=${segment.app_version.replace('.', '\\.')} explains \\d+% of the drop`,
      ),
    );
    expect(firingText).not.toContain('whole metric');
    expect(textAt(resolved)).toContain('Daily active users back within expected: os=Android');
    // The chart went as a photo with the firing notification.
    expect(bot.calls.some((c) => c.files.some((f) => f.contentType === 'image/png'))).toBe(true);

    expect(resolved).toBeGreaterThan(plantedEnd);

    const history = await listNotifications(demo.warehouse, file.project, 'dau_hourly_drop');
    expect(history.map((h) => `${h.at} ${h.status} ${h.group} ${h.channel}`)).toEqual([
      `${iso(fired)} firing os=Android oncall`,
      `${iso(resolved)} resolved os=Android oncall`,
    ]);
    const firingRun = runs.find((r) => r.scheduledAt === fired)!;
    expect(firingRun.summary).toContain('1 fired');
    // The breach the alert reports began within two intervals of the planted start.
    const details = firingRun.details as { deliveries?: { key: string }[] };
    expect(details.deliveries?.length).toBe(1);
    const startsAt = firingText.match(/Below expected since (\d\d:\d\d) UTC on (\d{4}-\d\d-\d\d)/);
    expect(startsAt, firingText).not.toBeNull();
    const breachStart = Date.parse(`${startsAt![2]}T${startsAt![1]}:00Z`);
    expect(Math.abs(breachStart - plantedStart)).toBeLessThanOrEqual(2 * HOUR);
    // Sent by the run that first evaluates the breaching bucket (it closes an hour after it starts), at
    // most two hourly evaluations after the planted start.
    expect(fired).toBe(breachStart + HOUR);
    expect(fired - plantedStart).toBeLessThanOrEqual(2 * HOUR);
  }, 240_000);
});

function iso(t: number): string {
  return new Date(t).toISOString().replace('Z', '000Z');
}
