import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunnelResult } from '../../src/analytics/insights/funnels/funnel-result.ts';
import { runCli, tempDir } from '../helpers/cli.ts';

const { dir, cleanup } = tempDir('sl-funnel-cli-');
const db = path.join(dir, 'funnel.duckdb');

/**
 * User u signs up on September 1 at 10:00 and goes u steps further, a minute apart: u0 only signs up,
 * u1 views, u2 views and likes, u3 also sends a message. u4 signs up on iOS, opens the app, then views.
 */
function events(): string {
  const steps = ['sign_up', 'view', 'like', 'message'];
  const lines: string[] = [];
  for (let u = 0; u < 4; u++)
    for (let s = 0; s <= u; s++)
      lines.push(
        JSON.stringify({
          user_id: `u${u}`,
          event: steps[s],
          timestamp: `2026-09-01T10:0${s}:00Z`,
          os: 'Android',
        }),
      );
  lines.push(
    JSON.stringify({ user_id: 'u4', event: 'sign_up', timestamp: '2026-09-01T11:00:00Z', os: 'iOS' }),
  );
  lines.push(
    JSON.stringify({ user_id: 'u4', event: 'app_open', timestamp: '2026-09-01T11:01:00Z', os: 'iOS' }),
  );
  lines.push(JSON.stringify({ user_id: 'u4', event: 'view', timestamp: '2026-09-01T11:02:00Z', os: 'iOS' }));
  return lines.join('\n');
}

beforeAll(async () => {
  const r = await runCli(['ingest', '-', '--db', db, '--json'], { input: events() });
  expect(r.code, r.stderr).toBe(0);
});
afterAll(cleanup);

async function json(args: string[]): Promise<FunnelResult> {
  const r = await runCli(['insight', 'funnel', ...args, '--db', db, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as FunnelResult;
}

describe('sightline insight funnel', () => {
  it('takes the issue flags and prints the steps, time to convert, breakdown and dropped users', async () => {
    const r = await json([
      '--steps',
      'sign_up,view,like,message',
      '--window',
      '30m',
      '--order',
      'ordered',
      '--from',
      '2026-09-01',
      '--to',
      '2026-09-01',
      '--breakdown',
      'os',
      '--where',
      "os in ('iOS', 'Android')",
      '--time-zone',
      'Europe/Berlin',
      '--interval',
      'day',
      '--dropped-at',
      '2',
      '--limit',
      '5',
    ]);
    expect(r.steps.map((s) => [s.event, s.count])).toEqual([
      ['sign_up', 5],
      ['view', 4],
      ['like', 2],
      ['message', 1],
    ]);
    expect(r.steps[1]).toMatchObject({
      conversionRate: 0.8,
      conversionFromPrevious: 0.8,
      medianSecondsFromPrevious: 60,
    });
    expect(r.timeToConvert).toMatchObject({ medianSeconds: 180, meanSeconds: 180 });
    expect(r.timeToConvert.histogram.find((b) => b.users > 0)).toEqual({
      fromSeconds: 120,
      toSeconds: 300,
      users: 1,
    });
    expect(r.breakdowns?.map((b) => [b.breakdown, b.steps.map((s) => s.count)])).toEqual([
      ['Android', [4, 3, 2, 1]],
      ['iOS', [1, 1, 0, 0]],
    ]);
    expect(r.overTime).toEqual([{ t: '2026-09-01', entered: 5, converted: 1, rate: 0.2 }]);
    expect(r.droppedUsers).toEqual(['u0']);
    expect(r.sql).toContain('list_contains');
  });

  it('runs strict and any-order funnels, and exclusions', async () => {
    const base = ['--steps', 'sign_up,view', '--window', '1h', '--from', '2026-09-01', '--to', '2026-09-01'];
    const strict = await json([...base, '--order', 'strict']);
    expect(strict.steps.map((s) => s.count)).toEqual([5, 3]);
    const any = await json([
      '--steps',
      'view,sign_up',
      '--window',
      '1h',
      '--order',
      'any',
      '--from',
      '2026-09-01',
      '--to',
      '2026-09-01',
    ]);
    expect(any.steps.map((s) => s.count)).toEqual([5, 4]);
    // u4 opens the app between sign-up (step 1 of its attempt) and view (step 2).
    const anyExcluded = await json([
      '--steps',
      'view,sign_up',
      '--window',
      '1h',
      '--order',
      'any',
      '--exclude',
      'app_open',
      '--from',
      '2026-09-01',
      '--to',
      '2026-09-01',
    ]);
    expect(anyExcluded.steps.map((s) => s.count)).toEqual([4, 3]);
    expect(anyExcluded.warnings.find((w) => w.code === 'SL_FUNNEL_EXCLUDED')?.message).toMatch(/^1 user /);
    const excluded = await json([...base, '--exclude', 'app_open:1-2']);
    expect(excluded.steps.map((s) => s.count)).toEqual([4, 3]);
    expect(excluded.warnings.map((w) => w.code)).toContain('SL_FUNNEL_EXCLUDED');
  });

  it('reads the query from --spec with per-step filters and labels, flags overriding it', async () => {
    const spec = path.join(dir, 'funnel.json');
    writeFileSync(
      spec,
      JSON.stringify({
        steps: [{ event: 'sign_up', where: "os = 'Android'", label: 'Android sign-up' }, 'view', 'like'],
        window: '1d',
        from: '2026-09-01',
        to: '2026-09-01',
        exclude: [{ event: 'app_open', from: 1, to: 2 }],
      }),
    );
    const r = await json(['--spec', spec, '--window', '3m']);
    expect(r.windowSeconds).toBe(180);
    expect(r.steps.map((s) => [s.label ?? s.event, s.count])).toEqual([
      ['Android sign-up', 4],
      ['view', 3],
      ['like', 2],
    ]);
  });

  it('prints tables for people and a coded error for a bad spec', async () => {
    const r = await runCli([
      'insight',
      'funnel',
      '--steps',
      'sign_up,view',
      '--window',
      '1h',
      '--from',
      '2026-09-01',
      '--to',
      '2026-09-01',
      '--db',
      db,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Funnel (ordered, window 1h, 2026-09-01 to 2026-09-01)');
    expect(r.stdout).toContain('Time to convert');
    const bad = await runCli(['insight', 'funnel', '--steps', 'sign_up', '--db', db]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('SL_INSIGHT_INVALID');
  });
});
