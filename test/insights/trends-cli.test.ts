import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.ts';

const { dir, cleanup } = tempDir('sl-trends-cli-');
const db = path.join(dir, 'trends.duckdb');

/** Users u0 … u{n−1} active on day d of September 2026 when (user + d) % 3 === 0, two events each. */
function september(): string {
  const lines: string[] = [];
  for (let d = 1; d <= 28; d++)
    for (let u = 0; u < 6; u++)
      if ((u + d) % 3 === 0)
        for (const hour of [9, 17])
          lines.push(
            JSON.stringify({
              user_id: `u${u}`,
              event: hour === 9 ? 'view' : 'like',
              timestamp: `2026-09-${String(d).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`,
              os: u % 2 === 0 ? 'iOS' : 'Android',
              latency_ms: 10 * (u + 1),
            }),
          );
  return lines.join('\n');
}

/** The distinct users active on a day of September by the rule above. */
const expectedDau = (d: number) => [0, 1, 2, 3, 4, 5].filter((u) => (u + d) % 3 === 0).length;

beforeAll(async () => {
  const r = await runCli(['ingest', '-', '--db', db, '--json'], { input: september() });
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ rejected: 0 });
});
afterAll(cleanup);

interface Result {
  series: {
    label: string;
    breakdown?: unknown;
    other?: boolean;
    points: { t: string; value: number | null }[];
  }[];
  sql: string;
  warnings: { code: string; message: string }[];
}

async function json(args: string[]): Promise<Result> {
  const r = await runCli(['insight', 'trends', ...args, '--db', db, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Result;
}

describe('sightline insight trends (CLI)', () => {
  it("runs the issue's example from flags and from --spec with the same JSON", async () => {
    const example = { event: '$any', math: 'dau', interval: 'day', from: '2026-09-01', to: '2026-09-28' };
    const spec = path.join(dir, 'dau.json');
    writeFileSync(spec, JSON.stringify(example));
    const fromSpec = await json(['--spec', spec]);
    const fromFlags = await json([
      '--event',
      '$any',
      '--math',
      'dau',
      '--interval',
      'day',
      '--from',
      '2026-09-01',
      '--to',
      '2026-09-28',
    ]);
    expect(fromFlags).toEqual(fromSpec);
    expect(Object.keys(fromSpec)).toEqual(expect.arrayContaining(['series', 'sql', 'warnings']));
    expect(fromSpec.series).toHaveLength(1);
    const points = fromSpec.series[0]?.points ?? [];
    expect(points).toHaveLength(28);
    expect(points[0]).toEqual({ t: '2026-09-01', value: expectedDau(1) });
    expect(points.map((p) => p.value)).toEqual(points.map((_, i) => expectedDau(i + 1)));
    expect(fromSpec.sql).toMatch(/SELECT/);
  });

  it('lets flags override the spec file and coerces numbers given as flags', async () => {
    const spec = path.join(dir, 'override.json');
    writeFileSync(spec, JSON.stringify({ event: 'view', math: 'dau', from: '2026-09-01', to: '2026-09-07' }));
    const r = await json(['--spec', spec, '--math', 'total', '--breakdown', 'os', '--breakdown-limit', '1']);
    expect(r.series.map((s) => [s.breakdown ?? null, s.other ?? false])).toEqual([
      ['Android', false],
      [null, true],
    ]);
    expect(r.warnings.map((w) => w.code)).toEqual(['SL_BREAKDOWN_OTHER']);
    const views = r.series.flatMap((s) => s.points.map((p) => p.value ?? 0)).reduce((a, b) => a + b, 0);
    expect(views).toBe([1, 2, 3, 4, 5, 6, 7].reduce((sum, d) => sum + expectedDau(d), 0));
  });

  it("resolves the project file's metrics and prints a table by default", async () => {
    const r = await runCli([
      'insight',
      'trends',
      '--metric',
      'dau,stickiness',
      '--from',
      '2026-09-26',
      '--to',
      '2026-09-28',
      '--db',
      db,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^t\s+Daily active users\s+Stickiness \(DAU \/ MAU\)/);
    expect(lines).toHaveLength(5);
    expect(lines[2]).toMatch(/^2026-09-26\s+2\s+0\.333/);
  });

  it('stops with a coded error on an unknown math', async () => {
    const r = await runCli(['insight', 'trends', '--math', 'totl', '--db', db]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/SL_INSIGHT_INVALID.*did you mean "total"/);
  });
});
