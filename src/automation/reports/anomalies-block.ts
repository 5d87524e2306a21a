/**
 * An `anomalies` block: the anomalies of the period on the listed metrics, each with its root cause.
 * Detection is `detectMetric` (what `sightline detect METRIC --json` prints: the default detector, each
 * point judged on the points before it, four weeks of warm-up) up to the run's time; consecutive flagged
 * buckets are one episode, told once at its most extreme bucket, whose root cause is `explainChange`
 * (`sightline explain METRIC --at T`). A metric explain does not attribute (a formula, a percentile) is
 * reported without a cause.
 */

import type { DetectedPoint } from '../../analytics/anomalies/detect.ts';
import { detectMetric } from '../../analytics/anomalies/detect-metric.ts';
import { explainChange } from '../../analytics/anomalies/root-cause.ts';
import type { InsightContext } from '../../analytics/insights/insight-context.ts';
import { parseTimestamp } from '../../data/events/timestamp.ts';
import { SightlineError } from '../../errors/index.ts';
import type { BuiltBlock } from './build-report.ts';
import type { ReportBlock } from './document.ts';
import { formatValue } from './format.ts';
import { metricKind } from './metric-kind.ts';
import { localDate, periodBounds, type ReportPeriod } from './period.ts';
import type { AnomalyFinding } from './summary.ts';

export interface AnomaliesDefinition {
  readonly metrics: readonly string[];
  readonly interval: 'hour' | 'day';
}

/** Episodes told per metric, the most extreme first; more would bury the first ones. */
export const MAX_EPISODES = 3;

const STEP_MS = { hour: 3_600_000, day: 86_400_000 } as const;

export interface Episode {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  /** The bucket furthest from what was expected. */
  readonly peak: DetectedPoint & { readonly time: number };
}

/** Runs of consecutive flagged points (a gap of one step ends a run) inside [from, to). */
export function episodes(
  points: readonly DetectedPoint[],
  stepMs: number,
  from: number,
  to: number,
): Episode[] {
  const out: Episode[] = [];
  let current: { start: number; end: number; peak: DetectedPoint & { time: number } } | undefined;
  for (const point of points) {
    // parseTimestamp gives microseconds (the warehouse's unit); the periods here are in milliseconds.
    const micros = parseTimestamp(point.t);
    const time = micros === null ? null : Math.floor(micros / 1000);
    if (time === null || time < from || time >= to || !point.flag || point.value === null) continue;
    if (current && time === current.end) {
      current.end = time + stepMs;
      if (distance(point) > distance(current.peak)) current.peak = { ...point, time };
    } else {
      if (current) out.push(current);
      current = { start: time, end: time + stepMs, peak: { ...point, time } };
    }
  }
  if (current) out.push(current);
  return out;
}

/** The table of the period's anomalies (or a sentence saying there were none) and one finding each. */
export async function anomaliesBlocks(
  ctx: InsightContext,
  period: ReportPeriod,
  definition: AnomaliesDefinition,
  at: number,
): Promise<BuiltBlock> {
  const [from, to] = periodBounds(period);
  const stepMs = STEP_MS[definition.interval];
  const findings: AnomalyFinding[] = [];
  const rows: Record<string, string>[] = [];
  for (const metric of definition.metrics) {
    const kind = metricKind(ctx.layer, metric);
    const detection = await detectMetric(
      ctx,
      {
        metric,
        interval: definition.interval,
        from: localDate(from, 'UTC'),
        to: localDate(to - 1, 'UTC'),
        now: Math.min(at, to),
      },
      {},
    );
    const found =
      (detection.json.series[0]?.points ?? []).length === 0
        ? []
        : episodes(detection.json.series[0]!.points, stepMs, from, to);
    const told = [...found]
      .sort((a, b) => distance(b.peak) - distance(a.peak) || a.start - b.start)
      .slice(0, MAX_EPISODES)
      .sort((a, b) => a.start - b.start);
    for (const episode of told) {
      const peak = episode.peak;
      const cause = await rootCause(ctx, metric, peak.t, definition.interval);
      const when = describeWhen(episode, definition.interval, period.timezone);
      const value = formatValue(peak.value, kind.format);
      const expected = formatValue(peak.expected ?? null, kind.format);
      findings.push({
        kind: 'anomaly',
        label: kind.label,
        when,
        direction: (peak.value ?? 0) < (peak.expected ?? 0) ? 'down' : 'up',
        value,
        expected,
        ...(cause ? { cause } : {}),
      });
      rows.push({ metric: kind.label, when, value, expected, cause: cause ?? 'no root cause computed' });
    }
  }
  const heading: ReportBlock = { kind: 'heading', text: 'Anomalies' };
  if (rows.length === 0) {
    const labels = definition.metrics.map((m) => metricKind(ctx.layer, m).label).join(', ');
    return {
      blocks: [
        heading,
        { kind: 'paragraph', text: `No anomalies in ${labels} over the period.`, tone: 'good' },
      ],
      findings,
    };
  }
  return {
    blocks: [
      heading,
      {
        kind: 'table',
        columns: [
          { key: 'metric', label: 'metric', align: 'left' },
          { key: 'when', label: 'when', align: 'left' },
          { key: 'value', label: 'value', align: 'right' },
          { key: 'expected', label: 'expected', align: 'right' },
          { key: 'cause', label: 'root cause', align: 'left' },
        ],
        rows,
      },
    ],
    findings,
  };
}

function distance(p: DetectedPoint): number {
  return Math.abs((p.value ?? 0) - (p.expected ?? p.value ?? 0));
}

/** The root-cause sentence, or undefined when explain refuses the metric or has no history. */
async function rootCause(
  ctx: InsightContext,
  metric: string,
  t: string,
  interval: 'hour' | 'day',
): Promise<string | undefined> {
  try {
    return (await explainChange(ctx, { metric, at: t, interval })).sentence;
  } catch (error) {
    if (error instanceof SightlineError) return undefined;
    throw error;
  }
}

/** `on 2026-09-27 from 06:00 to 09:00 (Europe/Moscow)`, or `on 2026-09-27` for a day. */
function describeWhen(episode: Episode, interval: 'hour' | 'day', timezone: string): string {
  const day = localDate(episode.start, timezone);
  if (interval === 'day') {
    const last = localDate(episode.end - 1, timezone);
    return last === day ? `on ${day}` : `from ${day} to ${last}`;
  }
  const clock = (ms: number) =>
    new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(ms));
  return `on ${day} from ${clock(episode.start)} to ${clock(episode.end)} (${timezone})`;
}
