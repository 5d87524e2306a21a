/**
 * A rule's groups as one scheduled evaluation sees them: the metric read up to the last complete bucket
 * before the run's time, judged by the rule's detector, and turned into the rule's evaluations: the path
 * `replayAlertRule` takes (`readDetectInputs`, `detectSeries`, `ruleEvaluations`), with `now` set to the
 * scheduled time so a run never reads data from after it.
 *
 * The span read is bounded: `lookbackDays` of reported points (the detector warms up on the four weeks
 * before them, see `WARMUP_DAYS`). Its start is anchored to whole weeks since the epoch rather than slid
 * with every run, so runs within a week read the same span and judge a point the same way on every run
 * of that week (a detector's score depends on where it started learning).
 */
import type { AlertRule } from '../../analytics/anomalies/alert-rules.ts';
import { ruleEvaluations } from '../../analytics/anomalies/alert-rules.ts';
import { detectSeries } from '../../analytics/anomalies/detect.ts';
import { readDetectInputs } from '../../analytics/anomalies/detect-metric.ts';
import type { Evaluation } from '../../analytics/anomalies/rule-state.ts';
import type { InsightContext } from '../../analytics/insights/insight-context.ts';
import type { SeriesPoint } from './alert-chart.ts';
import type { AlertPoint } from './alert-state.ts';
import { groupKey } from './alert-state.ts';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** Reported days read per run, by interval, at least (the anchor adds up to six more). */
export const LOOKBACK_DAYS: Readonly<Record<AlertRule['interval'], number>> = { '15m': 3, hour: 7, day: 35 };

export interface GroupSeries {
  /** `os=Android`; '' for a rule without grouping keys. */
  readonly key: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly evaluations: readonly Evaluation[];
  /** Each evaluation with its band, by time. */
  readonly points: ReadonlyMap<number, AlertPoint>;
  /** The same, for the chart. */
  readonly series: readonly SeriesPoint[];
}

/** The first reported day of the span a run at `at` reads. */
export function spanStart(at: number, lookbackDays: number): string {
  const start = Math.floor((at - lookbackDays * DAY_MS) / WEEK_MS) * WEEK_MS;
  return new Date(start).toISOString().slice(0, 10);
}

/** Every group's evaluations up to the last bucket that ends at or before `at`. */
export async function readRuleSeries(
  ctx: InsightContext,
  rule: AlertRule,
  at: number,
  lookbackDays = LOOKBACK_DAYS[rule.interval],
): Promise<GroupSeries[]> {
  const read = await readDetectInputs(ctx, {
    metric: rule.metric,
    interval: rule.interval,
    groupBy: rule.groupBy,
    now: at,
    from: spanStart(at, lookbackDays),
    to: new Date(at - 1).toISOString().slice(0, 10),
  });
  return read.series.map((input) => {
    const detection = detectSeries(input, { detector: rule.detector, sensitivity: rule.sensitivity });
    const labels: Record<string, string> = {};
    rule.groupBy.forEach((dimension, i) => {
      labels[dimension] = input.group?.[i] ?? '(none)';
    });
    const key = groupKey(labels);
    const times = input.times.subarray(input.reportFrom ?? 0);
    const evaluations = ruleEvaluations(rule, detection.points, times, key, detection.flagScore);
    const points = new Map<number, AlertPoint>();
    const series: SeriesPoint[] = [];
    evaluations.forEach((e, i) => {
      const p = detection.points[i]!;
      const band = {
        ...(p.expected === undefined ? {} : { expected: p.expected }),
        ...(p.lower === undefined ? {} : { lower: p.lower }),
        ...(p.upper === undefined ? {} : { upper: p.upper }),
      };
      points.set(e.t, { t: e.t, value: e.value, expected: e.expected, score: e.score, ...band });
      series.push({ t: e.t, value: e.value, breach: e.breach, ...band });
    });
    return { key, labels, evaluations, points, series };
  });
}
