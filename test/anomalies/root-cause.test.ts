import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExplainResult } from '../../src/analytics/anomalies/root-cause.ts';
import type { GroundTruth } from '../../src/demo/generate.ts';
import { cliDemo, runCli, tempDir } from '../helpers/cli.ts';

/**
 * `sightline explain` on the seeded demo against what it planted (ground-truth.json): the outage's
 * segment is named with a high share, a fault that hits every segment alike is said to have no single
 * cause, and the JSON carries the fields.
 */
const { dir, cleanup } = tempDir('sl-root-cause-');
let db: string;
let truth: GroundTruth;

beforeAll(async () => {
  // The demo's default size: at 6,000 users the day's outage (an eighth of DAU) is within two standard
  // deviations of the other segments' day-to-day noise, so no segment can be named with confidence.
  ({ db, truth } = await cliDemo(dir, { users: 20_000, days: 60, end: '2026-09-28' }));
}, 120_000);
afterAll(cleanup);

async function explain(args: string[]): Promise<ExplainResult> {
  const r = await runCli(['explain', ...args, '--db', db, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ExplainResult;
}

describe('explain on the demo', () => {
  it("names the outage's os and app_version as the cause of the outage day's DAU drop", async () => {
    const { segment, realised } = truth.planted.outage;
    const result = await explain(['dau', '--at', realised.date]);
    expect(result.at).toBe(`${realised.date}T00:00:00.000Z`);
    expect(result.actual).toBe(realised.dauActual);
    // The expectation comes from history alone; it lands within 8% of the simulated counterfactual.
    expect(Math.abs(result.expected / realised.dauExpected - 1)).toBeLessThan(0.08);
    expect(result.change).toBeLessThan(0);
    expect(result.cause?.dimensions).toEqual(['os', 'app_version']);
    expect(result.cause?.values).toEqual([segment.os, segment.app_version]);
    expect(result.cause?.share).toBeGreaterThan(0.7);
    expect(result.cause?.concentration).toBeGreaterThan(0.5);
    expect(result.cause?.actual).toBe(realised.segmentDauActual);
    expect(result.sentence).toMatch(
      new RegExp(
        `^Daily active users fell \\d+% \\(\u2212[\\d,]+ users\\) below expected on ${realised.date}; os=Android, app_version=5\\.2 explains \\d+% of the drop`,
      ),
    );
    expect(result.sql).toMatch(/UNION ALL/);
  });

  it('says no single segment explains the logging drop, which lost events in every segment alike', async () => {
    const drop = truth.planted.anomalies.find((a) => a.id === 'logging_drop')!;
    const result = await explain(['views', '--at', drop.start, '--interval', 'hour']);
    const views = drop.realised.find((r) => r.event === 'view')!;
    expect(result.actual).toBe(views.observed);
    expect(result.relativeChange!).toBeLessThan(-0.7);
    expect(result.cause).toBeNull();
    expect(result.sentence).toMatch(/no segment stands out/);
    for (const s of result.segments.slice(0, 5)) expect(s.concentration).toBeLessThan(0.5);
  });

  it('restricts the search to --dimensions and refuses metrics it cannot split', async () => {
    const { realised } = truth.planted.outage;
    const result = await explain(['dau', '--at', realised.date, '--dimensions', 'os,app_version']);
    expect(result.considered).toEqual(['os', 'app_version', 'os × app_version']);
    expect(result.cause?.values).toEqual(['Android', '5.2']);
    const p95 = await runCli(['explain', 'view_latency_p95', '--at', realised.date, '--db', db]);
    expect(p95.code).not.toBe(0);
    expect(p95.stderr).toMatch(/^error SL_EXPLAIN_INVALID: metric "view_latency_p95" is percentile/);
    const early = await runCli(['explain', 'dau', '--at', truth.period.startDate, '--db', db]);
    expect(early.stderr).toMatch(/^error SL_EXPLAIN_INVALID: no history before/);
  });

  it('prints the sentence and the ranked table without --json', async () => {
    const r = await runCli(['explain', 'dau', '--at', truth.planted.outage.realised.date, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Daily active users fell/);
    expect(lines[2]).toMatch(/^segment\s+actual\s+expected/);
    expect(lines[4]).toMatch(/^os=Android, app_version=5\.2\s/);
  });
});
