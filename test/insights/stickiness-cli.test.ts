import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StickinessResult } from '../../src/analytics/insights/stickiness/stickiness-insight.ts';
import { runCli, tempDir } from '../helpers/cli.ts';

const { dir, cleanup } = tempDir('sl-stickiness-cli-');
const db = path.join(dir, 'stickiness.duckdb');

/** User u is active (one view) on September 1 … 1 + u, so on u + 1 days of the first week. */
function september(): string {
  const lines: string[] = [];
  for (let u = 0; u < 5; u++)
    for (let d = 1; d <= 1 + u; d++)
      lines.push(
        JSON.stringify({
          user_id: `u${u}`,
          event: 'view',
          timestamp: `2026-09-0${d}T12:00:00Z`,
          country: u % 2 === 0 ? 'DE' : 'US',
        }),
      );
  return lines.join('\n');
}

beforeAll(async () => {
  const r = await runCli(['ingest', '-', '--db', db, '--json'], { input: september() });
  expect(r.code, r.stderr).toBe(0);
});
afterAll(cleanup);

async function json(args: string[]): Promise<StickinessResult> {
  const r = await runCli(['insight', 'stickiness', ...args, '--db', db, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as StickinessResult;
}

describe('sightline insight stickiness', () => {
  it('takes its flags and prints one histogram per breakdown value as JSON', async () => {
    const r = await json([
      '--event',
      'view',
      '--interval',
      'day',
      '--from',
      '2026-09-01',
      '--to',
      '2026-09-07',
      '--breakdown',
      'country',
      '--where',
      "country in ('DE', 'US')",
    ]);
    expect(Object.keys(r).sort()).toEqual(['series', 'sql', 'warnings']);
    expect(r.series.map((s) => [s.label, s.breakdown])).toEqual([
      ['view · DE', 'DE'],
      ['view · US', 'US'],
    ]);
    // DE: users 0, 2, 4 active on 1, 3, 5 days; US: users 1, 3 on 2 and 4 days.
    expect(r.series[0]?.points.map((p) => p.users)).toEqual([1, 0, 1, 0, 1, 0, 0]);
    expect(r.series[1]?.points.map((p) => p.users)).toEqual([0, 1, 0, 1, 0, 0, 0]);
    expect(r.series[0]?.points[0]).toEqual({ days: 1, users: 1, share: 1 / 3 });
  });

  it('reads the query from --spec, flags overriding it', async () => {
    const spec = path.join(dir, 'stickiness.json');
    writeFileSync(
      spec,
      JSON.stringify({ event: '$any', interval: 'day', from: '2026-09-01', to: '2026-09-06' }),
    );
    const r = await json(['--spec', spec, '--interval', 'week']);
    expect(r.series).toEqual([{ label: '$any', points: [{ days: 1, users: 5, share: 1 }] }]);
  });
});
