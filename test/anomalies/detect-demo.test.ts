import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectSeries } from '../../src/analytics/anomalies/detect.ts';
import { replayAlertRule } from '../../src/analytics/anomalies/replay-alert-rule.ts';
import { explainChange } from '../../src/analytics/anomalies/root-cause.ts';
import { metricDetectInputs } from '../../src/analytics/anomalies/series.ts';
import { loadProjectFile } from '../../src/config/project-file.ts';
import type { GroundTruth } from '../../src/demo/ground-truth.ts';
import { DEFAULT_DETECTOR } from '../../src/math/anomaly/registry.ts';
import { ROOT, tempDir } from '../helpers/cli.ts';
import { buildDemoWarehouse, type DemoWarehouse } from './detect-demo-warehouse.ts';

/**
 * The verification on the demo startup: hourly series of the metrics each planted anomaly
 * affects, judged by the default detector at the default sensitivity, must flag every planted anomaly
 * inside its window, and at least 80% of all flagged points must lie inside some planted window (the
 * anomalies, the outage, and the campaign's sign-up burst, which is planted too).
 */
const { dir, cleanup } = tempDir('sl-detect-demo-');
let demo: DemoWarehouse;
const HOUR = 3_600_000;

beforeAll(async () => {
  demo = await buildDemoWarehouse(dir, { users: 20_000, days: 60, endDate: '2026-09-28', seed: 1 });
}, 120_000);
afterAll(async () => {
  await demo?.warehouse.close();
  cleanup();
});

/**
 * The segments a plant may be explained by (its own; a campaign's also with the source it implies), or
 * null for a fault that hit every segment alike, where the right answer is that no segment stands out.
 */
type PlantedCause = (truth: GroundTruth) => Record<string, string>[] | null;

/** The series a planted effect shows in most directly, and the segment it was planted in. */
const WATCHED: { metric: string; anomaly: string; causes: PlantedCause }[] = [
  {
    metric: 'app_opens',
    anomaly: 'push_notification',
    causes: () => [{ 'properties.via': 'push_notification' }],
  },
  {
    metric: 'likes',
    anomaly: 'viral_post',
    causes: (truth) => [{ post_id: String(plantedAnomaly(truth, 'viral_post').parameters.post_id) }],
  },
  { metric: 'views', anomaly: 'logging_drop', causes: () => null },
  { metric: 'view_latency', anomaly: 'latency_spike', causes: () => null },
  { metric: 'messages_sent', anomaly: 'messaging_outage', causes: () => null },
  { metric: 'dau', anomaly: 'outage', causes: (truth) => [{ ...truth.planted.outage.segment }] },
  {
    metric: 'sign_ups',
    anomaly: 'campaign',
    causes: ({ planted: { campaign } }): Record<string, string>[] => [
      { campaign: campaign.campaign },
      { source: campaign.source, campaign: campaign.campaign },
    ],
  },
];

function plantedAnomaly(truth: GroundTruth, id: string): GroundTruth['planted']['anomalies'][number] {
  const found = truth.planted.anomalies.find((a) => a.id === id);
  if (!found) throw new Error(`the demo planted no ${id}`);
  return found;
}

/** The same dimension values, in any order. */
function sameSegment(
  a: Record<string, string>,
  b: Record<string, string | null | undefined> | null,
): boolean {
  if (b === null) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** Every planted window, [start, end) in epoch ms, by the id WATCHED uses. */
function plantedWindows(truth: GroundTruth): Map<string, [number, number]> {
  const windows = new Map<string, [number, number]>();
  for (const a of truth.planted.anomalies) windows.set(a.id, [Date.parse(a.start), Date.parse(a.end)]);
  windows.set('outage', [Date.parse(truth.planted.outage.start), Date.parse(truth.planted.outage.end)]);
  const burst = truth.planted.campaign.signUpWindow;
  windows.set('campaign', [Date.parse(burst.start), Date.parse(burst.end)]);
  return windows;
}

const overlaps = (t: number, [start, end]: [number, number]) => t + HOUR > start && t < end;

/** The hourly series of a metric over the whole demo, judged by the default detector. */
async function detectHourly(metric: string) {
  const read = await metricDetectInputs(demo.ctx, {
    metric,
    interval: 'hour',
    now: Date.parse(demo.truth.period.end),
  });
  const input = read.series[0]!;
  expect(input.values).toHaveLength(demo.truth.period.days * 24);
  return { input, detection: detectSeries(input) };
}

describe('detection on the demo', () => {
  it('flags every planted anomaly in its window with the default detector, at a precision of 80% or more', async () => {
    const { truth } = demo;
    const windows = plantedWindows(truth);
    // Every planted anomaly is watched on some series.
    expect(WATCHED.map((w) => w.anomaly).sort()).toEqual([...windows.keys()].sort());

    let flagged = 0;
    let inside = 0;
    const report: string[] = [];
    const missed: string[] = [];
    for (const watched of WATCHED) {
      const { input, detection } = await detectHourly(watched.metric);
      expect(detection.points.every((p) => Number.isFinite(p.score))).toBe(true);
      const outside: string[] = [];
      detection.points.forEach((p, i) => {
        if (!p.flag) return;
        flagged++;
        const t = input.times[i]!;
        if ([...windows.values()].some((w) => overlaps(t, w))) inside++;
        else outside.push(p.t.slice(5, 13));
      });
      const window = windows.get(watched.anomaly)!;
      const hit = detection.points.some((p, i) => p.flag && overlaps(input.times[i]!, window));
      if (!hit) missed.push(`${watched.anomaly} on ${watched.metric}`);
      const values = detection.points
        .filter((_, i) => overlaps(input.times[i]!, window))
        .map(
          (p) => `${p.value?.toFixed(0)} (expected ${p.expected?.toFixed(0)}, score ${p.score.toFixed(2)})`,
        );
      report.push(
        `${watched.anomaly} on ${watched.metric}: ${hit ? 'flagged' : 'MISSED'}: ${values.join(', ')}`,
      );
      report.push(
        `  ${watched.metric}: ${detection.flagged} flagged, outside any window: ${outside.join(' ') || '-'}`,
      );
    }
    report.push(`precision ${inside}/${flagged} with ${DEFAULT_DETECTOR}`);
    const message = report.join('\n');
    expect(missed, message).toEqual([]);
    expect(inside / flagged, message).toBeGreaterThanOrEqual(0.8);
  }, 60_000);

  it('names the planted segment as the root cause at every hour the detector flags in a plant, and none for faults that hit every segment', async () => {
    const { truth, ctx } = demo;
    const windows = plantedWindows(truth);
    const wrong: string[] = [];
    let explained = 0;
    for (const watched of WATCHED) {
      const { input, detection } = await detectHourly(watched.metric);
      const window = windows.get(watched.anomaly)!;
      const causes = watched.causes(truth);
      for (const [i, p] of detection.points.entries()) {
        if (!p.flag || !overlaps(input.times[i]!, window)) continue;
        const result = await explainChange(ctx, { metric: watched.metric, at: p.t, interval: 'hour' });
        explained++;
        const cause = result.cause;
        const named = cause ? Object.fromEntries(cause.dimensions.map((d, k) => [d, cause.values[k]])) : null;
        const right = causes === null ? named === null : causes.some((c) => sameSegment(c, named));
        if (!right) wrong.push(`${watched.anomaly} at ${p.t}: ${result.sentence}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(explained).toBeGreaterThanOrEqual(WATCHED.length);
  }, 120_000);

  it("fires the demo's alert rule on Android within an hour of the outage's start, and elsewhere only in planted windows", async () => {
    const { truth, ctx } = demo;
    const rule = loadProjectFile(path.join(ROOT, 'sightline.yaml')).alerts.get('dau_hourly_drop')!;
    const transitions = await replayAlertRule(ctx, rule, { now: Date.parse(truth.period.end) });
    const fired = transitions.filter((e) => e.to === 'firing');
    const start = Date.parse(truth.planted.outage.start);
    const outage = fired.filter((e) => e.t >= start && e.t < Date.parse(truth.planted.outage.end));
    expect(outage.map((e) => e.group)).toEqual(['Android']);
    // It fires at the first flag (the rule has no `for`): the 07:00 bucket, the outage's second hour.
    expect(outage[0]!.t).toBe(start + HOUR);
    // Any other firing lies in a planted window (the logging drop loses an hour of users, for one).
    const windows = [...plantedWindows(truth).values()];
    const stray = fired.filter((e) => !outage.includes(e) && !windows.some((w) => overlaps(e.t, w)));
    expect(stray.map((e) => `${e.group} ${new Date(e.t).toISOString()}`)).toEqual([]);
  }, 60_000);
});
