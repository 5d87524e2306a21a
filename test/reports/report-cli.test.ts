/** `sightline report` on a seeded demo, the way a user runs it right after `sightline demo`. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportDocument } from '../../src/automation/reports/document.ts';
import { formatValue } from '../../src/automation/reports/format.ts';
import { escapeMarkdownV2 } from '../../src/automation/reports/render/telegram.ts';
import { startBotApi } from '../channels/bot-api-server.ts';
import { cliDemo, runCli, tempDir } from '../helpers/cli.ts';

let dir: { dir: string; cleanup: () => void };
let db: string;
let document: ReportDocument;

beforeAll(async () => {
  dir = tempDir('sl-report-cli-');
  ({ db } = await cliDemo(dir.dir, { users: 2_000, days: 30, end: '2026-09-27' }));
  const r = await runCli(['report', 'daily', '--json', '--db', db]);
  expect(r.stderr).toBe('');
  document = JSON.parse(r.stdout) as ReportDocument;
}, 120_000);

afterAll(() => dir?.cleanup());

describe('sightline report', () => {
  it('reports on the day of the latest event by default', () => {
    expect(document.period).toEqual({ from: '2026-09-27', to: '2026-09-27', timezone: 'UTC' });
    expect(document.generatedAt).toBe('2026-09-28T00:00:00.000Z');
  });

  it('--dry-run prints the Telegram messages with the metrics escaped for MarkdownV2', async () => {
    const r = await runCli(['report', 'daily', '--dry-run', '--db', db]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('*Daily report*\n_Sunday 27 September 2026_')).toBe(true);
    const metrics = document.blocks.find((b) => b.kind === 'metrics');
    if (metrics?.kind !== 'metrics') throw new Error('no metrics block');
    for (const m of metrics.items)
      expect(r.stdout, m.metric).toContain(
        `*${escapeMarkdownV2(m.label)}*: ${escapeMarkdownV2(formatValue(m.value, m.format))}`,
      );
    expect(r.stdout).toContain('[photo chart-1.png]');
    expect(r.stdout).toContain('[photo chart-4.png]');
  });

  it('--out writes the page, the charts and every channel’s rendering', async () => {
    const out = path.join(dir.dir, 'out');
    const r = await runCli(['report', 'daily', '--out', out, '--db', db]);
    expect(r.stderr).toBe('');
    const files = r.stdout
      .trim()
      .split('\n')
      .map((f) => path.basename(f));
    for (const name of [
      'report.html',
      'chart-1.png',
      'chart-1.svg',
      'chart-4.png',
      'telegram.txt',
      'slack.json',
      'email.html',
    ])
      expect(files, name).toContain(name);
    for (const f of r.stdout.trim().split('\n')) expect(existsSync(f), f).toBe(true);
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('Daily report');
    expect(readFileSync(path.join(out, 'chart-1.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('--date picks the day, and an unknown report is a coded error with a did-you-mean', async () => {
    const r = await runCli(['report', 'daily', '--date', '2026-09-20', '--json', '--db', db]);
    expect((JSON.parse(r.stdout) as ReportDocument).period.from).toBe('2026-09-20');
    const bad = await runCli(['report', 'dialy', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('SL_REPORT_UNKNOWN');
    expect(bad.stderr).toContain('did you mean "daily"');
  });

  it('--send delivers the dry run’s messages and the charts to the demo’s Telegram channel, recorded as a run', async () => {
    const bot = await startBotApi();
    try {
      const env = {
        SIGHTLINE_TELEGRAM_TOKEN: '123:abc',
        SIGHTLINE_TELEGRAM_CHAT_ID: '-1001',
        SIGHTLINE_TELEGRAM_API_URL: bot.url,
      };
      const dry = await runCli(['report', 'daily', '--dry-run', '--db', db]);
      const expected = dry.stdout
        .trimEnd()
        .split('\n\n----- next message -----\n\n')
        .filter((part) => !part.startsWith('[photo '));
      const r = await runCli(['report', 'daily', '--send', '--json', '--db', db], { env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const run = JSON.parse(r.stdout) as { job: string; status: string; scheduledAt: string };
      expect(run).toMatchObject({
        job: 'daily_report',
        status: 'succeeded',
        scheduledAt: '2026-09-28T00:00:00.000Z',
      });

      const messages = bot.calls.filter((c) => c.method === 'sendMessage');
      expect(messages.map((c) => c.fields['text'])).toEqual(expected);
      for (const c of bot.calls) {
        expect(c.token).toBe('123:abc');
        expect(String(c.fields['chat_id'])).toBe('-1001');
      }
      const album = bot.calls.filter((c) => c.method === 'sendMediaGroup');
      expect(album).toHaveLength(1);
      expect(album[0]!.files.map((f) => f.filename)).toEqual([
        'chart-1.png',
        'chart-2.png',
        'chart-3.png',
        'chart-4.png',
      ]);
      for (const f of album[0]!.files) expect(Buffer.from(f.bytes.subarray(1, 4)).toString()).toBe('PNG');

      const runs = await runCli(['runs', '--job', 'daily_report', '--json', '--db', db]);
      const history = JSON.parse(runs.stdout) as { status: string; trigger: string }[];
      expect(history.map((h) => [h.trigger, h.status])).toEqual([['manual', 'succeeded']]);
    } finally {
      await bot.close();
    }
  }, 60_000);
});
