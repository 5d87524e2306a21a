import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetector } from '../../src/math/anomaly/registry.ts';
import { scoreSeries } from '../../src/math/anomaly/score-series.ts';
import { createRng } from '../../src/math/random.ts';
import { runCli, tempDir } from '../helpers/cli.ts';
import { buildDemoWarehouse } from './detect-demo-warehouse.ts';

/**
 * `sightline detect` end to end: the JSON shape, the numbers equal to the detector run
 * directly, flagged points in the human output, replaying an alert rule, and coded errors.
 */
const { dir, cleanup } = tempDir('sl-detect-cli-');
let db: string;
const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);

/** Hourly, a daily cycle and noise, seeded; a spike of ten times the cycle's amplitude at `spikeAt`; row 100 empty. */
function writeCsv(file: string, n: number, seed: number, spikeAt: number): Float64Array {
  const rng = createRng(seed);
  const values = Float64Array.from(
    { length: n },
    (_, t) => 100 + 20 * Math.sin((2 * Math.PI * t) / 24) + 2 * rng.normal() + (t === spikeAt ? 200 : 0),
  );
  values[100] = Number.NaN;
  const lines = Array.from(
    values,
    (v, t) => `${new Date(START + t * HOUR).toISOString()},${Number.isNaN(v) ? '' : v}`,
  );
  writeFileSync(file, `timestamp,value\n${lines.join('\n')}\n`);
  return values;
}

beforeAll(async () => {
  const demo = await buildDemoWarehouse(dir, { users: 1000, days: 21, endDate: '2026-09-28' });
  db = demo.db;
  await demo.warehouse.close();
}, 60_000);
afterAll(cleanup);

describe('sightline detect --input', () => {
  it('prints exactly {"series":[{"file","points":[...]}]} for several files, equal to the detector run directly', async () => {
    const a = path.join(dir, 'a.csv');
    const b = path.join(dir, 'b.csv');
    const values = writeCsv(a, 24 * 15, 1, 300);
    writeCsv(b, 24 * 8, 2, 150);
    const r = await runCli(['detect', '--input', a, b, '--detector', 'zscore', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['series']);
    expect(out.series.map((s: { file: string }) => s.file)).toEqual([a, b]);
    expect(Object.keys(out.series[0])).toEqual(['file', 'points']);
    const points = out.series[0].points as Record<string, unknown>[];
    expect(points).toHaveLength(24 * 15);
    for (const p of points)
      for (const key of Object.keys(p))
        expect(['t', 'value', 'score', 'flag', 'expected', 'lower', 'upper']).toContain(key);
    expect(points[0]!.t).toBe('2024-01-01T00:00:00Z');
    // The empty cell is a missing point: no value, no score, no flag.
    expect(points[100]).toMatchObject({ value: null, score: 0, flag: false });
    expect(points[300]).toMatchObject({ flag: true });

    const times = Float64Array.from(values, (_, i) => START + i * HOUR);
    const direct = scoreSeries(
      createDetector('zscore', { stepMs: HOUR, seasonPeriods: [24, 168] }),
      times,
      values,
    );
    expect(points.map((p) => p.score)).toEqual(Array.from(direct.score));
    expect(points.map((p) => p.flag)).toEqual(Array.from(direct.flag, (f) => f === 1));
    expect(points[300]!.expected).toBe(direct.expected[300]);
    expect(points[300]!.upper).toBe(direct.upper[300]);
  });

  it('lists the flagged points with value, expected and band, and the count', async () => {
    const a = path.join(dir, 'human.csv');
    writeCsv(a, 24 * 15, 1, 300);
    const r = await runCli(['detect', '--input', a, '--detector', 'zscore']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/human\.csv: \d+ of 359 point\(s\) flagged by zscore/);
    expect(r.stdout).toMatch(/time\s+value\s+expected\s+band\s+score/);
    expect(r.stdout).toMatch(/2024-01-13T12:00:00Z\s+\d+(\.\d+)?\s+\d+(\.\d+)?\s+\[/);
  });

  it('rejects an unknown detector and a bad sensitivity with coded errors', async () => {
    const a = path.join(dir, 'err.csv');
    writeCsv(a, 48, 3, 10);
    const detector = await runCli(['detect', '--input', a, '--detector', 'zscor']);
    expect(detector.code).toBe(2);
    expect(detector.stderr).toMatch(
      /^error SL_DETECT_OPTION_INVALID: unknown detector "zscor" \(did you mean "zscore"\?\)/,
    );
    const sensitivity = await runCli(['detect', '--input', a, '--sensitivity', '3']);
    expect(sensitivity.stderr).toMatch(
      /^error SL_DETECT_OPTION_INVALID: the sensitivity must lie between 0 and 1/,
    );
  });
});

describe('sightline detect METRIC', () => {
  it('prints {"series":[{"metric","points"}]} with one point per day of the demo', async () => {
    const r = await runCli([
      'detect',
      'views',
      '--interval',
      'day',
      '--detector',
      'mad',
      '--db',
      db,
      '--json',
    ]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out.series[0])).toEqual(['metric', 'points']);
    expect(out.series[0].metric).toBe('views');
    expect(out.series[0].points).toHaveLength(21);
    expect(out.series[0].points[0].t).toBe('2026-09-08');
  });

  it('rejects an unknown metric with a did-you-mean', async () => {
    const metric = await runCli(['detect', 'veiws', '--db', db]);
    expect(metric.stderr).toMatch(
      /^error SL_UNKNOWN_METRIC: unknown metric "veiws" \(did you mean "views"\?\)/,
    );
  });

  it("--rule replays the demo's alert rule over the history, and names an unknown rule's closest", async () => {
    const r = await runCli(['detect', '--rule', 'dau_hourly_drop', '--db', db, '--json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as {
      rule: string;
      transitions: { from: string; to: string; group: string }[];
    };
    expect(out.rule).toBe('dau_hourly_drop');
    // Each group's transitions are a valid walk of the state machine from ok.
    const allowed = new Set([
      'ok>pending',
      'ok>firing',
      'pending>ok',
      'pending>firing',
      'pending>resolved',
      'firing>resolved',
      'resolved>ok',
      'resolved>pending',
      'resolved>firing',
    ]);
    const last = new Map<string, string>();
    for (const e of out.transitions) {
      expect(allowed.has(`${e.from}>${e.to}`)).toBe(true);
      expect(e.from).toBe(last.get(e.group) ?? 'ok');
      last.set(e.group, e.to);
    }
    const unknown = await runCli(['detect', '--rule', 'dau_hourly_dorp', '--db', db]);
    expect(unknown.stderr).toMatch(
      /^error SL_ALERT_RULE_INVALID: no alert rule "dau_hourly_dorp".*did you mean "dau_hourly_drop"/,
    );
  });
});
