import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.ts';

const { dir, cleanup } = tempDir('sl-trends-demo-');
afterAll(cleanup);

interface Outage {
  segment: { os: string; app_version: string };
  realised: {
    date: string;
    dauActual: number;
    dauExpected: number;
    segmentDauActual: number;
    segmentDauExpected: number;
  };
}

describe('trends on the demo', () => {
  it("shows the outage day's DAU drop in the planted segment, matching the ground truth exactly", async () => {
    const db = path.join(dir, 'demo.duckdb');
    const out = path.join(dir, 'data');
    const demo = await runCli([
      'demo',
      '--users',
      '1000',
      '--days',
      '30',
      '--end',
      '2026-09-28',
      '--out',
      out,
      '--db',
      db,
    ]);
    expect(demo.code, demo.stderr).toBe(0);
    const truth = JSON.parse(readFileSync(path.join(out, 'ground-truth.json'), 'utf8')) as {
      planted: { outage: Outage };
    };
    const { segment, realised } = truth.planted.outage;

    const r = await runCli([
      'insight',
      'trends',
      '--math',
      'dau',
      '--breakdown',
      'os,app_version',
      '--breakdown-limit',
      '50',
      '--from',
      realised.date,
      '--to',
      realised.date,
      '--db',
      db,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { series: { breakdown: unknown; points: { value: number }[] }[] };
    const on = (s: (typeof result.series)[number]) => s.points[0]?.value ?? 0;
    const total = result.series.reduce((sum, s) => sum + on(s), 0);
    const inSegment = result.series.find(
      (s) => JSON.stringify(s.breakdown) === JSON.stringify([segment.os, segment.app_version]),
    );
    expect(inSegment).toBeDefined();
    // Breakdown groups of dau can share a user who switched versions that day; the demo's users do not.
    expect(total).toBe(realised.dauActual);
    expect(on(inSegment as (typeof result.series)[number])).toBe(realised.segmentDauActual);
    expect(realised.segmentDauActual).toBeLessThan(realised.segmentDauExpected);
    // Everyone outside the segment was as active as planned: the whole drop is in the segment.
    expect(total - realised.segmentDauActual).toBe(realised.dauExpected - realised.segmentDauExpected);
  });
});
