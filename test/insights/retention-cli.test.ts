import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetentionResult } from '../../src/analytics/insights/retention/retention-result.ts';
import { runCli, tempDir } from '../helpers/cli.ts';

const { dir, cleanup } = tempDir('sl-retention-cli-');
const db = path.join(dir, 'retention.duckdb');

const day = (d: number, hour = 10) =>
  `2026-09-${String(d).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`;

/** User u signs up on September 1 + (u % 3) and views on the k-th day after when (u + k) is even. */
const signUpDay = (u: number) => 1 + (u % 3);
const back = (u: number, k: number) => (u + k) % 2 === 0;

function september(): string {
  const lines: string[] = [];
  for (let u = 0; u < 6; u++) {
    const os = u < 4 ? 'iOS' : 'Android';
    lines.push(JSON.stringify({ user_id: `u${u}`, event: 'sign_up', timestamp: day(signUpDay(u), 8), os }));
    for (let k = 1; k <= 6; k++)
      if (back(u, k))
        lines.push(JSON.stringify({ user_id: `u${u}`, event: 'view', timestamp: day(signUpDay(u) + k), os }));
  }
  return lines.join('\n');
}

beforeAll(async () => {
  const r = await runCli(['ingest', '-', '--db', db, '--json'], { input: september() });
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ rejected: 0 });
});
afterAll(cleanup);

async function json(args: string[]): Promise<RetentionResult> {
  const r = await runCli(['insight', 'retention', ...args, '--db', db, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as RetentionResult;
}

describe('sightline insight retention', () => {
  it('takes its flags and prints the matrix, the averaged curve, the SQL and warnings as JSON', async () => {
    const r = await json([
      '--start-event',
      'sign_up',
      '--return-event',
      'view',
      '--period',
      'day',
      '--periods',
      '3',
      '--from',
      '2026-09-01',
      '--to',
      '2026-09-10',
      '--breakdown',
      'os',
    ]);
    expect(Object.keys(r).sort()).toEqual(['average', 'cohorts', 'sql', 'warnings']);
    expect(r.sql).toContain('FROM events');
    expect(r.warnings).toEqual([]);
    // The rule gives each cohort's users and who is back k days later.
    for (const os of ['iOS', 'Android']) {
      const users = [0, 1, 2, 3, 4, 5].filter((u) => (u < 4 ? 'iOS' : 'Android') === os);
      for (let d = 1; d <= 3; d++) {
        const members = users.filter((u) => signUpDay(u) === d);
        const cohort = r.cohorts.find((c) => c.breakdown === os && c.cohort === `2026-09-0${d}`);
        expect(cohort, `${os} ${d}`).toEqual({
          breakdown: os,
          cohort: `2026-09-0${d}`,
          size: members.length,
          retained: [members.length, ...[1, 2, 3].map((k) => members.filter((u) => back(u, k)).length)],
        });
      }
    }
    expect(r.cohorts.find((c) => c.cohort === '2026-09-09')?.retained).toHaveLength(2);
    expect(r.average[0]).toEqual({ breakdown: 'iOS', period: 0, retained: 4, rate: 1, cohorts: 3 });
  });

  it('reads the query from --spec, flags overriding it, with recurring cohorts and a trend', async () => {
    const spec = path.join(dir, 'retention.json');
    writeFileSync(
      spec,
      JSON.stringify({
        startEvent: '$any',
        returnEvent: '$any',
        period: 'week',
        periods: 5,
        recurring: true,
        trendPeriod: 1,
        from: '2026-08-31',
        to: '2026-09-13',
      }),
    );
    const r = await json(['--spec', spec, '--periods', '1']);
    expect(r.cohorts.map((c) => c.cohort)).toEqual(['2026-08-31', '2026-09-07']);
    expect(r.cohorts[0]).toMatchObject({ size: 6, retained: [6, expect.any(Number)] });
    expect(r.average.map((a) => a.period)).toEqual([0, 1]);
    expect(r.trend).toEqual([{ cohort: '2026-08-31', size: 6, rate: expect.any(Number) }]);
  });

  it('prints tables for people and a coded one-line error for a bad flag', async () => {
    const table = await runCli([
      'insight',
      'retention',
      '--from',
      '2026-09-01',
      '--to',
      '2026-09-03',
      '--db',
      db,
    ]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('Cohorts (users back k periods later)');
    expect(table.stdout).toContain('Average (weighted by cohort size)');
    const bad = await runCli(['insight', 'retention', '--period', 'hour', '--db', db]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('SL_INSIGHT_INVALID');
  });
});
