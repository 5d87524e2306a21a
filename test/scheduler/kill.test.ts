/**
 * Exactly one delivery per scheduled run across a real crash: `sightline scheduler` is killed with
 * SIGKILL in the middle of a run and restarted, and the receivers must have accepted each request of that
 * run exactly once.
 * - A job that tells two webhook channels (local HTTP servers): the second server holds its first request
 *   open, the kill comes once the first channel has accepted.
 * - The demo's daily report to its Telegram channel (a local Bot API server): the kill comes while the
 *   album of charts is held, after the report's message was accepted; the restarted run sends the album
 *   and not the message again (the accepted part is recorded in the ledger, not in the dead process).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startBotApi } from '../channels/bot-api-server.ts';
import { BIN, cliDemo, ROOT, runCli, tempDir } from '../helpers/cli.ts';

interface Receiver {
  url: string;
  /** Every request's Idempotency-Key, in arrival order. */
  received: string[];
  /** Keys of the requests answered 2xx (accepted). */
  accepted: string[];
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1; with `holdFirst` its first request is never answered. */
async function receiver(holdFirst: boolean): Promise<Receiver> {
  const received: string[] = [];
  const accepted: string[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const key = String(request.headers['idempotency-key']);
      received.push(key);
      if (holdFirst && received.length === 1) return; // held open until the client dies
      accepted.push(key);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    accepted,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function startScheduler(
  dir: string,
  env: Record<string, string> = {},
): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [BIN, 'scheduler', '--config', path.join(dir, 'sightline.yaml')], {
    cwd: ROOT,
    env: { ...process.env, SIGHTLINE_DB: '', SIGHTLINE_CONFIG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => {
    output += d;
  });
  child.stderr!.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Croner's six-field cron (second minute hour day month weekday) for the one moment `at`. */
function cronAt(at: Date): string {
  return `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`;
}

async function until(what: string, condition: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; scheduler output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const dir = tempDir('sl-kill-');
afterAll(() => dir.cleanup());

it('a run killed between two deliveries delivers to each channel exactly once after a restart', async () => {
  const a = await receiver(false);
  const b = await receiver(true);
  try {
    // One scheduled time a few seconds ahead (croner's six-field cron: second minute hour day month
    // weekday), so the job has exactly one run; an empty warehouse makes the check fail and tell both.
    const cron = cronAt(new Date(Date.now() + 4_000));
    writeFileSync(
      path.join(dir.dir, 'sightline.yaml'),
      [
        'project: killtest',
        'warehouse: { path: kill.duckdb }',
        'channels:',
        `  first: { type: webhook, url: "${a.url}" }`,
        `  second: { type: webhook, url: "${b.url}" }`,
        'jobs:',
        '  freshness:',
        `    schedule: "${cron}"`,
        '    run: { check: { minEvents: 1, window: 1h, channels: [first, second] } }',
        '    catchUp: latest',
        '    retries: 1',
        '    retryBackoff: 1s',
        '',
      ].join('\n'),
    );
    const first = startScheduler(dir.dir);
    await until(
      'the first channel to accept and the second to receive',
      () => a.accepted.length === 1 && b.received.length === 1,
      first.output,
    );
    first.child.kill('SIGKILL');
    await first.exited;

    const second = startScheduler(dir.dir);
    await until('the second channel to accept', () => b.accepted.length === 1, second.output);
    await until(
      'the retry to fail finally',
      () => second.output().includes('failed after 2 attempts'),
      second.output,
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const runId = a.accepted[0]!.split('/')[0]!;
    expect(a.received).toEqual([`${runId}/first/`]);
    expect(a.accepted).toEqual([`${runId}/first/`]);
    // The held request never got an answer; the resumed attempt sent it again with the same key.
    expect(b.received).toEqual([`${runId}/second/`, `${runId}/second/`]);
    expect(b.accepted).toEqual([`${runId}/second/`]);
    expect(second.output()).toContain('resuming after an interrupted attempt 1');
    expect(second.output()).toContain('first: already delivered, not sent again');

    const runs = await runCli(['runs', '--json', '--config', path.join(dir.dir, 'sightline.yaml')]);
    expect(runs.code).toBe(0);
    const [run] = JSON.parse(runs.stdout);
    expect(run).toMatchObject({
      runId,
      job: 'freshness',
      status: 'failed',
      attempts: 2,
      trigger: 'schedule',
    });
    expect(run.error).toBe('data check failed: 0 events in the 1h before the check (at least 1 expected)');
    expect(run.details.deliveries).toEqual([
      { channel: 'first', key: '', status: 'sent', attempts: 1, requests: 1, ids: ['200'] },
      { channel: 'second', key: '', status: 'sent', attempts: 2, requests: 1, ids: ['200'] },
    ]);
  } finally {
    await a.close();
    await b.close();
  }
}, 60_000);

it('a Telegram report killed between its message and its album sends the album, not the message, after a restart', async () => {
  const report = tempDir('sl-kill-telegram-');
  // The daily report is about the UTC day before its run: a demo ending yesterday gives it data.
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const { db } = await cliDemo(report.dir, { users: 600, days: 14, end: yesterday });
  let killed: (() => void) | undefined;
  const bot = await startBotApi((call) => {
    if (call.method !== 'sendMediaGroup' || killed === undefined) return undefined;
    killed();
    killed = undefined;
    return 'hold';
  });
  try {
    // The demo's project file with one job: the daily report, once, a few seconds from now. Its alert
    // rule is left out, so that no other job runs.
    const demo = parse(readFileSync(path.join(ROOT, 'sightline.yaml'), 'utf8')) as Record<string, unknown>;
    delete demo['alerts'];
    demo['warehouse'] = { path: db };
    demo['jobs'] = {
      daily_once: {
        schedule: cronAt(new Date(Date.now() + 5_000)),
        run: { report: 'daily' },
        catchUp: 'latest',
        retries: 1,
        retryBackoff: '1s',
      },
    };
    writeFileSync(path.join(report.dir, 'sightline.yaml'), stringify(demo));
    const env = {
      SIGHTLINE_TELEGRAM_TOKEN: '123:abc',
      SIGHTLINE_TELEGRAM_CHAT_ID: '-1001',
      SIGHTLINE_TELEGRAM_API_URL: bot.url,
    };

    const first = startScheduler(report.dir, env);
    killed = () => first.child.kill('SIGKILL');
    await until(
      'the album to arrive',
      () => bot.calls.some((c) => c.method === 'sendMediaGroup'),
      first.output,
    );
    await first.exited;

    const second = startScheduler(report.dir, env);
    await until('the run to succeed', () => second.output().includes('succeeded'), second.output);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('resuming after an interrupted attempt 1');

    // The message once, accepted before the kill; the album twice: held at the kill, accepted after.
    expect(bot.calls.map((c) => [c.method, c.messageIds.length > 0])).toEqual([
      ['sendMessage', true],
      ['sendMediaGroup', false],
      ['sendMediaGroup', true],
    ]);
    const [message, , album] = bot.calls;
    const runs = await runCli(['runs', '--json', '--config', path.join(report.dir, 'sightline.yaml')]);
    const [run] = JSON.parse(runs.stdout);
    expect(run).toMatchObject({ job: 'daily_once', status: 'succeeded', attempts: 2 });
    expect(run.details.deliveries).toEqual([
      {
        channel: 'team',
        key: '',
        status: 'sent',
        attempts: 2,
        requests: 2,
        ids: [...message!.messageIds, ...album!.messageIds].map(String),
      },
    ]);
  } finally {
    await bot.close();
    report.cleanup();
  }
}, 90_000);
