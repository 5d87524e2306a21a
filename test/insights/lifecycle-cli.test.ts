import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleResult } from '../../src/analytics/insights/lifecycle/lifecycle-insight.ts';
import { runCli, tempDir } from '../helpers/cli.ts';

const { dir, cleanup } = tempDir('sl-lifecycle-cli-');
const db = path.join(dir, 'lifecycle.duckdb');

/** u1 every day of September 1-4; u2 on the 1st and 3rd; u3 from the 3rd. */
const ACTIVE: Record<string, number[]> = { u1: [1, 2, 3, 4], u2: [1, 3], u3: [3, 4] };

beforeAll(async () => {
  const lines = Object.entries(ACTIVE).flatMap(([user_id, days]) =>
    days.map((d) => JSON.stringify({ user_id, event: 'app_open', timestamp: `2026-09-0${d}T12:00:00Z` })),
  );
  const r = await runCli(['ingest', '-', '--db', db, '--json'], { input: lines.join('\n') });
  expect(r.code, r.stderr).toBe(0);
});
afterAll(cleanup);

async function json(args: string[]): Promise<LifecycleResult> {
  const r = await runCli(['insight', 'lifecycle', ...args, '--db', db, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as LifecycleResult;
}

describe('sightline insight lifecycle', () => {
  it('takes its flags and prints the statuses per bucket as JSON', async () => {
    const r = await json([
      '--event',
      'app_open',
      '--interval',
      'day',
      '--from',
      '2026-09-02',
      '--to',
      '2026-09-04',
      '--time-zone',
      'Europe/Berlin',
    ]);
    expect(Object.keys(r).sort()).toEqual(['points', 'sql', 'warnings']);
    expect(r.points).toEqual([
      { t: '2026-09-02', new: 0, returning: 1, resurrecting: 0, dormant: -1 },
      { t: '2026-09-03', new: 1, returning: 1, resurrecting: 1, dormant: 0 },
      { t: '2026-09-04', new: 0, returning: 2, resurrecting: 0, dormant: -1 },
    ]);
  });

  it('reads the query from --spec, flags overriding it', async () => {
    const spec = path.join(dir, 'lifecycle.json');
    writeFileSync(
      spec,
      JSON.stringify({ event: '$any', interval: 'day', from: '2026-09-01', to: '2026-09-04' }),
    );
    const r = await json(['--spec', spec, '--interval', 'week']);
    expect(r.points).toEqual([{ t: '2026-08-31', new: 3, returning: 0, resurrecting: 0, dormant: 0 }]);
  });
});
