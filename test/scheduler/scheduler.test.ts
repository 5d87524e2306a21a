import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AutomationDeps } from '../../src/automation/project.ts';
import { ManualClock } from '../../src/automation/scheduler/clock.ts';
import type { RunContext } from '../../src/automation/scheduler/job.ts';
import type { Warehouse } from '../../src/data/warehouse/warehouse.ts';
import { tempDir } from '../helpers/cli.ts';
import { gate, job, note, openDeps, RecordingChannel, scheduler } from './helpers.ts';

const T = (iso: string) => new Date(iso).getTime();

let dir: { dir: string; cleanup: () => void };
let warehouse: Warehouse;
let deps: AutomationDeps;

beforeEach(async () => {
  dir = tempDir('sl-scheduler-');
  ({ warehouse, deps } = await openDeps(dir.dir));
});

afterEach(async () => {
  await warehouse.close();
  dir.cleanup();
});

/** An action that records the scheduled time of every call. */
function recorder(calls: string[]) {
  return async (context: RunContext) => {
    calls.push(`${context.job.name}@${new Date(context.scheduledAt).toISOString()}`);
    return { summary: `ran ${context.job.name}` };
  };
}

describe('scheduled times', () => {
  it('a job seen for the first time starts from now: no history is caught up', async () => {
    const clock = new ManualClock('2026-03-01T10:30:00Z');
    const calls: string[] = [];
    const s = scheduler(deps, clock, [job('hourly', { catchUp: 'all' })], recorder(calls));
    expect(await s.tick()).toEqual({ claimed: 0, skipped: 0, started: 0 });
    clock.set('2026-03-01T11:00:00Z');
    expect(await s.tick()).toEqual({ claimed: 1, skipped: 0, started: 1 });
    await s.idle();
    expect(calls).toEqual(['hourly@2026-03-01T11:00:00.000Z']);
    const [run] = await s.runs.list();
    expect(run).toMatchObject({ job: 'hourly', trigger: 'schedule', status: 'succeeded', attempts: 1 });
    expect(run?.summary).toBe('ran hourly');
    expect(run?.startedAt).toBe(T('2026-03-01T11:00:00Z'));
  });

  it('a second tick at the same time claims nothing again (the unique key)', async () => {
    const clock = new ManualClock('2026-03-01T10:59:30Z');
    const calls: string[] = [];
    const s = scheduler(deps, clock, [job('hourly')], recorder(calls));
    await s.tick();
    clock.set('2026-03-01T11:00:00Z');
    await s.tick();
    await s.idle();
    expect(await s.tick()).toEqual({ claimed: 0, skipped: 0, started: 0 });
    await s.idle();
    expect(calls).toEqual(['hourly@2026-03-01T11:00:00.000Z']);
  });

  it('catch-up after a downtime: none runs nothing missed, latest the last missed, all each missed oldest first', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const calls: string[] = [];
    const jobs = [
      job('none', { catchUp: 'none' }),
      job('latest', { catchUp: 'latest' }),
      job('all', { catchUp: 'all' }),
    ];
    const lines: string[] = [];
    const s = scheduler(deps, clock, jobs, recorder(calls), [], lines);
    await s.tick();
    await s.idle();
    expect(calls.sort()).toEqual([
      'all@2026-03-01T10:00:00.000Z',
      'latest@2026-03-01T10:00:00.000Z',
      'none@2026-03-01T10:00:00.000Z',
    ]);
    calls.length = 0;
    // Down from 10:00 to 14:20: 11:00, 12:00, 13:00 and 14:00 were missed.
    clock.set('2026-03-01T14:20:00Z');
    await s.tick();
    await s.idle();
    expect(calls.filter((c) => c.startsWith('none'))).toEqual([]);
    expect(calls.filter((c) => c.startsWith('latest'))).toEqual(['latest@2026-03-01T14:00:00.000Z']);
    expect(calls.filter((c) => c.startsWith('all'))).toEqual([
      'all@2026-03-01T11:00:00.000Z',
      'all@2026-03-01T12:00:00.000Z',
      'all@2026-03-01T13:00:00.000Z',
      'all@2026-03-01T14:00:00.000Z',
    ]);
    expect(lines).toContain('none: 4 missed runs not run (catchUp none)');
    expect(lines).toContain('latest: 3 missed runs not run (catchUp latest)');
    // Nothing is run twice on the next tick: the cursors moved.
    calls.length = 0;
    clock.set('2026-03-01T14:30:00Z');
    await s.tick();
    await s.idle();
    expect(calls).toEqual([]);
  });

  it('catch-up all is capped at the latest 100 missed runs and says how many it dropped', async () => {
    const clock = new ManualClock('2026-03-01T00:00:00Z');
    const calls: string[] = [];
    const lines: string[] = [];
    const s = scheduler(
      deps,
      clock,
      [job('all', { catchUp: 'all', schedule: '*/15 * * * *' })],
      recorder(calls),
      [],
      lines,
    );
    await s.tick();
    await s.idle();
    calls.length = 0;
    // Two days down: 192 quarter hours after 00:00 of the 1st.
    clock.set('2026-03-03T00:00:00Z');
    await s.tick();
    await s.idle();
    expect(calls).toHaveLength(100);
    expect(calls[0]).toBe('all@2026-03-01T23:15:00.000Z');
    expect(calls.at(-1)).toBe('all@2026-03-03T00:00:00.000Z');
    expect(lines).toContain('all: 92 missed runs not run (catchUp all, at most the latest 100)');
  });

  it('a disabled job is not run', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const calls: string[] = [];
    const s = scheduler(deps, clock, [job('off', { enabled: false })], recorder(calls));
    await s.tick();
    await s.idle();
    expect(calls).toEqual([]);
  });
});

describe('no overlap', () => {
  it('a job still running is not started again: latest waits for it, none records the time as skipped', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const held = gate();
    const calls: string[] = [];
    const slow = async (context: RunContext) => {
      calls.push(`${context.job.name}@${new Date(context.scheduledAt).toISOString()}`);
      if (context.scheduledAt === T('2026-03-01T10:00:00Z')) await held.promise;
      return { summary: 'done' };
    };
    // A day's timeout: the hour the test moves the clock on must not time the held runs out.
    const long = { timeoutMs: 24 * 3_600_000 };
    const s = scheduler(deps, clock, [job('latest', long), job('none', { ...long, catchUp: 'none' })], slow);
    expect((await s.tick()).started).toBe(2);
    clock.set('2026-03-01T11:00:00Z');
    expect(await s.tick()).toEqual({ claimed: 0, skipped: 1, started: 0 });
    const skipped = (await s.runs.list({ job: 'none' }))[0];
    expect(skipped).toMatchObject({
      status: 'skipped',
      scheduledAt: T('2026-03-01T11:00:00Z'),
      summary: 'skipped: the previous run was still running (catchUp none)',
    });
    held.open();
    await s.idle();
    clock.set('2026-03-01T11:05:00Z');
    await s.tick();
    await s.idle();
    expect(calls.slice(0, 2).sort()).toEqual([
      'latest@2026-03-01T10:00:00.000Z',
      'none@2026-03-01T10:00:00.000Z',
    ]);
    expect(calls.slice(2)).toEqual(['latest@2026-03-01T11:00:00.000Z']);
  });
});

describe('retries', () => {
  it('a failed attempt is retried after retryBackoff × 2^(attempt−1), on the clock, then succeeds', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    let calls = 0;
    const flaky = async (context: RunContext) => {
      calls++;
      if (context.attempt < 3) throw new Error(`warehouse busy (attempt ${context.attempt})`);
      return { summary: 'third time lucky' };
    };
    const s = scheduler(deps, clock, [job('flaky', { retries: 2, retryBackoffMs: 60_000 })], flaky);
    await s.tick();
    await s.idle();
    let [run] = await s.runs.list();
    expect(run).toMatchObject({ status: 'queued', attempts: 1, error: 'warehouse busy (attempt 1)' });
    expect(run?.nextAttemptAt).toBe(T('2026-03-01T10:01:00Z'));
    clock.set('2026-03-01T10:00:59Z');
    expect((await s.tick()).started).toBe(0);
    clock.set('2026-03-01T10:01:00Z');
    expect((await s.tick()).started).toBe(1);
    await s.idle();
    [run] = await s.runs.list();
    expect(run).toMatchObject({ status: 'queued', attempts: 2 });
    expect(run?.nextAttemptAt).toBe(T('2026-03-01T10:03:00Z'));
    clock.set('2026-03-01T10:03:00Z');
    await s.tick();
    await s.idle();
    [run] = await s.runs.list();
    expect(run).toMatchObject({ status: 'succeeded', attempts: 3, summary: 'third time lucky', error: null });
    expect(run?.finishedAt).toBe(T('2026-03-01T10:03:00Z'));
    expect(run?.log).toEqual([
      '2026-03-01T10:00:00.000Z attempt 1 failed: warehouse busy (attempt 1)',
      '2026-03-01T10:01:00.000Z attempt 2 failed: warehouse busy (attempt 2)',
    ]);
    expect(calls).toBe(3);
  });

  it('a job that keeps failing ends failed with the error recorded', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const broken = async () => {
      throw new Error('no such table: events');
    };
    const s = scheduler(deps, clock, [job('broken', { retries: 1, retryBackoffMs: 30_000 })], broken);
    await s.tick();
    await s.idle();
    clock.set('2026-03-01T10:00:30Z');
    await s.tick();
    await s.idle();
    const [run] = await s.runs.list();
    expect(run).toMatchObject({
      status: 'failed',
      attempts: 2,
      error: 'no such table: events',
      nextAttemptAt: null,
    });
    expect(run?.finishedAt).toBe(T('2026-03-01T10:00:30Z'));
  });

  it('a timeout aborts the attempt and records it', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    let sawAbort = false;
    const hangs = (context: RunContext) =>
      new Promise<never>((_, reject) =>
        context.signal.addEventListener('abort', () => {
          sawAbort = true;
          reject(context.signal.reason);
        }),
      );
    const s = scheduler(deps, clock, [job('hangs', { retries: 0, timeoutMs: 5 * 60_000 })], hangs);
    await s.tick();
    while (clock.waiting === 0) await new Promise((r) => setTimeout(r, 2));
    clock.set('2026-03-01T10:05:00Z');
    await s.idle();
    const [run] = await s.runs.list();
    expect(run).toMatchObject({ status: 'failed', error: 'timed out after 5m (timeout of job hangs)' });
    expect(sawAbort).toBe(true);
  });
});

describe('the delivery ledger', () => {
  it('a retried run does not send again what a channel already accepted', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const a = new RecordingChannel('a');
    const b = new RecordingChannel('b', 1);
    const action = async (context: RunContext) => {
      await context.deliver('a', note('hello'));
      await context.deliver('b', note('hello'));
      return { summary: 'sent to a and b' };
    };
    const s = scheduler(deps, clock, [job('report')], action, [a, b]);
    await s.tick();
    await s.idle();
    clock.set('2026-03-01T10:01:00Z');
    await s.tick();
    await s.idle();
    const [run] = await s.runs.list();
    expect(run).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(a.sent).toHaveLength(1);
    expect(a.attempts).toBe(1);
    expect(b.attempts).toBe(2);
    expect(b.sent).toHaveLength(1);
    expect(a.sent[0]?.idempotencyKey).toBe(`${run?.runId}/a/`);
    expect(run?.details?.['deliveries']).toEqual([
      { channel: 'a', key: '', status: 'sent', attempts: 1, requests: 1, ids: ['a-1'] },
      { channel: 'b', key: '', status: 'sent', attempts: 2, requests: 1, ids: ['b-1'] },
    ]);
    expect(run?.log.some((l) => l.endsWith('a: already delivered, not sent again'))).toBe(true);
  });

  it('a run left running by a crash resumes with the next attempt and skips the deliveries made', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const a = new RecordingChannel('a');
    const b = new RecordingChannel('b');
    const crash = gate();
    const first = scheduler(
      deps,
      clock,
      [job('report')],
      async (context) => {
        await context.deliver('a', note('hello'));
        await crash.promise; // the process "dies" here: the run stays running, b is never tried
        return { summary: 'never' };
      },
      [a, b],
    );
    await first.tick();
    while (a.sent.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect((await first.runs.list())[0]?.status).toBe('running');

    const second = scheduler(
      deps,
      clock,
      [job('report')],
      async (context) => {
        await context.deliver('a', note('hello'));
        await context.deliver('b', note('hello'));
        return { summary: `sent on attempt ${context.attempt}` };
      },
      [a, b],
    );
    expect(await second.recover()).toEqual({ resumed: 1, failed: 0 });
    await second.tick();
    await second.idle();
    const [run] = await second.runs.list();
    expect(run).toMatchObject({ status: 'succeeded', attempts: 2, summary: 'sent on attempt 2' });
    expect(a.sent).toHaveLength(1);
    expect(b.sent).toHaveLength(1);
    expect(a.sent[0]?.idempotencyKey).toBe(`${run?.runId}/a/`);
    expect(b.sent[0]?.idempotencyKey).toBe(`${run?.runId}/b/`);
  });

  it('a channel that refuses for good fails the run at once, without retries', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const a = new RecordingChannel('a', 5, false);
    const s = scheduler(
      deps,
      clock,
      [job('report', { retries: 3 })],
      async (context) => {
        await context.deliver('a', note('hello'));
        return { summary: 'sent' };
      },
      [a],
    );
    await s.tick();
    await s.idle();
    const [run] = await s.runs.list();
    expect(run).toMatchObject({ status: 'failed', attempts: 1, error: 'a answered 503' });
    expect(run?.details?.['deliveries']).toEqual([
      { channel: 'a', key: '', status: 'failed', attempts: 1, requests: 0, ids: [], error: 'a answered 503' },
    ]);
  });
});

describe('runNow', () => {
  it('runs a job at the clock’s now in a row of its own, beside its scheduled runs', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const calls: string[] = [];
    const s = scheduler(deps, clock, [job('hourly')], recorder(calls));
    await s.tick();
    await s.idle();
    const manual = await s.runNow('hourly');
    expect(manual).toMatchObject({
      trigger: 'manual',
      status: 'succeeded',
      scheduledAt: T('2026-03-01T10:00:00Z'),
    });
    const again = await s.runNow('hourly');
    expect(again.scheduledAt).toBe(T('2026-03-01T10:00:00.001Z'));
    expect((await s.runs.list()).map((r) => r.trigger).sort()).toEqual(['manual', 'manual', 'schedule']);
    await expect(s.runNow('nope')).rejects.toMatchObject({ code: 'SL_JOB_NOT_FOUND' });
  });

  it('refuses to run a job that is running', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    const held = gate();
    const s = scheduler(deps, clock, [job('slow')], async () => {
      await held.promise;
      return { summary: 'done' };
    });
    await s.tick();
    await expect(s.runNow('slow')).rejects.toMatchObject({ code: 'SL_JOB_BUSY' });
    held.open();
    await s.idle();
  });
});

describe('the loop', () => {
  it('start sleeps until the next due time on the clock, runs it, and stop ends the loop', async () => {
    const clock = new ManualClock('2026-03-01T10:59:00Z');
    const calls: string[] = [];
    const s = scheduler(deps, clock, [job('hourly')], recorder(calls));
    await s.start();
    while (clock.waiting === 0) await new Promise((r) => setTimeout(r, 2));
    clock.set('2026-03-01T11:00:00Z');
    while (calls.length === 0) await new Promise((r) => setTimeout(r, 2));
    await s.stop();
    expect(calls).toEqual(['hourly@2026-03-01T11:00:00.000Z']);
    expect((await s.runs.list())[0]?.status).toBe('succeeded');
  });
});
