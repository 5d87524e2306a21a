/**
 * A warehouse metric (or an event count) judged by a detector, as `sightline detect METRIC --json` prints
 * it and the API serves it: one entry per series (per group with `groupBy`), every reported point with
 * its verdict. The CLI and the API both call this, so the two answers are the same numbers.
 */
import { closest, SightlineError } from '../../errors/index.ts';
import type { InsightContext } from '../insights/insight-context.ts';
import { type DetectedPoint, type DetectOptions, detectSeries, type SeriesDetection } from './detect.ts';
import { DETECT_INTERVALS, type DetectInput, type DetectInterval, metricDetectInputs } from './series.ts';

export interface DetectMetricSpec {
  /** A metric of the metrics layer, or an event counted per bucket. */
  readonly metric: string | { readonly event: string };
  readonly interval: DetectInterval;
  readonly from?: string;
  readonly to?: string;
  readonly groupBy?: readonly string[];
  /** The clock (epoch ms): buckets ending after it are still filling up and left out. */
  readonly now: number;
}

export interface DetectedSeries {
  readonly metric?: string;
  readonly event?: string;
  readonly group?: readonly (string | null)[];
  readonly points: readonly DetectedPoint[];
}

export interface MetricDetection {
  /** The JSON of `sightline detect METRIC --json`. */
  readonly json: { series: DetectedSeries[] };
  /** Each series' full detection, for the human table. */
  readonly detections: readonly SeriesDetection[];
  /** Buckets left out because they end after `now`. */
  readonly partialBuckets: number;
}

/** Checks an interval name, with a did-you-mean: the CLI's flag and the API's field alike. */
export function detectInterval(text: string | undefined): DetectInterval {
  const interval = text ?? 'hour';
  if ((DETECT_INTERVALS as readonly string[]).includes(interval)) return interval as DetectInterval;
  const suggestion = closest(interval, DETECT_INTERVALS);
  throw new SightlineError(
    'SL_DETECT_OPTION_INVALID',
    `unknown interval "${interval}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; intervals: ${DETECT_INTERVALS.join(', ')}`,
  );
}

/** Reads the metric's series from the warehouse (an unknown metric fails before any query). */
export async function readDetectInputs(
  ctx: InsightContext,
  spec: DetectMetricSpec,
): Promise<{ series: DetectInput[]; partialBuckets: number }> {
  if (typeof spec.metric === 'string') ctx.layer.metric(spec.metric);
  const groupBy = spec.groupBy?.filter((d) => d !== '');
  return metricDetectInputs(ctx, {
    metric: spec.metric,
    interval: spec.interval,
    now: spec.now,
    ...(spec.from === undefined ? {} : { from: spec.from }),
    ...(spec.to === undefined ? {} : { to: spec.to }),
    ...(groupBy && groupBy.length > 0 ? { groupBy } : {}),
  });
}

/** Detects anomalies in every series of the metric with the given detector and sensitivity. */
export async function detectMetric(
  ctx: InsightContext,
  spec: DetectMetricSpec,
  options: DetectOptions,
): Promise<MetricDetection> {
  const read = await readDetectInputs(ctx, spec);
  const detections = read.series.map((s) => detectSeries(s, options));
  const series = read.series.map((input, i) => ({
    ...(typeof spec.metric === 'string' ? { metric: spec.metric } : { event: spec.metric.event }),
    ...(input.group ? { group: input.group } : {}),
    points: detections[i]!.points,
  }));
  return { json: { series }, detections, partialBuckets: read.partialBuckets };
}
