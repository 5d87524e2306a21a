/**
 * The `reports:` key of sightline.yaml: a report is a title, a period (the day or week before the run, in
 * a time zone), the channels it goes to, and a list of blocks, each built from the warehouse when the
 * report runs.
 */
import { z } from 'zod';
import { parseFilter } from '../../analytics/metrics/filter-expression.ts';
import type { SemanticLayer } from '../../analytics/metrics/semantic-layer.ts';
import { closest, SightlineError } from '../../errors/index.ts';

const name = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'a letter, then letters, digits, _ -');

/**
 * A metric of a `metrics` block: its name, or the name with how to show it when the metric's type does
 * not say (a ratio that is not a rate, a latency measured in seconds).
 */
export const metricItemSchema = z.union([
  z.string().min(1),
  z.strictObject({
    metric: z.string().min(1),
    label: z.string().min(1).optional(),
    format: z.enum(['integer', 'decimal', 'percent', 'currency', 'duration_ms']).optional(),
    /** `up` when higher is better (the default), `down` when lower is (latency, errors). */
    polarity: z.enum(['up', 'down', 'neutral']).optional(),
  }),
]);

export type MetricItem = z.infer<typeof metricItemSchema>;

/** One block of a report definition; `build-report.ts` turns each into `ReportBlock`s. */
export const reportBlockSchema = z.union([
  z.strictObject({ summary: z.strictObject({ max: z.number().int().min(1).max(20).default(5) }) }),
  z.strictObject({ metrics: z.array(metricItemSchema).min(1), title: z.string().optional() }),
  z.strictObject({
    chart: z.strictObject({
      title: z.string().optional(),
      kind: z.enum(['line', 'bar', 'retention', 'funnel']).default('line'),
      metrics: z.array(z.string().min(1)).optional(),
      days: z.number().int().min(2).max(366).default(7),
      /** Funnel steps (event names, `$any` for any event), in order. */
      steps: z.array(z.string().min(1)).optional(),
      /** Funnel: the time from the first step to the last (`1d`, `2h`, seconds). */
      window: z.union([z.string().min(1), z.number().int().positive()]).optional(),
      /** Retention: cohorts split by this dimension at the user's first event (`signup_campaign`). */
      breakdown: z.string().optional(),
      /** Retention: the return periods shown after the cohort's own. */
      periods: z.number().int().min(1).max(30).optional(),
      /** Retention: day or week cohorts (default day). */
      period: z.enum(['day', 'week']).optional(),
      /**
       * Retention: one heatmap per named segment, each a filter of the metrics layer
       * (`campaign: "cohort = 'campaign_users'"`, `organic: "user.source = 'organic'"`).
       */
      segments: z.record(z.string().min(1), z.string().min(1)).optional(),
    }),
  }),
  z.strictObject({
    table: z.strictObject({
      title: z.string().optional(),
      metrics: z.array(z.string().min(1)).min(1),
      by: z.string().min(1),
      limit: z.number().int().min(1).max(100).default(10),
    }),
  }),
  z.strictObject({ experiment: z.strictObject({ name: z.string().min(1) }) }),
  z.strictObject({
    forecast: z.strictObject({
      metric: z.string().min(1),
      horizon: z.number().int().min(1).max(90).default(7),
    }),
  }),
  z.strictObject({
    anomalies: z.strictObject({
      metrics: z.array(z.string().min(1)).min(1),
      interval: z.enum(['hour', 'day']).default('hour'),
    }),
  }),
]);

export type ReportBlockDefinition = z.infer<typeof reportBlockSchema>;

export const reportDefinitionSchema = z.strictObject({
  title: z.string().min(1),
  description: z.string().optional(),
  period: z.enum(['day', 'week']).default('day'),
  timezone: z.string().min(1).default('UTC'),
  channels: z.array(z.string().min(1)).default([]),
  blocks: z.array(reportBlockSchema).min(1),
});

export type ReportDefinitionSource = z.infer<typeof reportDefinitionSchema>;

export type ReportDefinition = ReportDefinitionSource & { readonly name: string };

export const reportsSchema = {
  reports: z.record(name, reportDefinitionSchema).optional(),
};

/** What a report definition is checked against when the project file loads. */
export interface ReportReferences {
  readonly layer: SemanticLayer;
  readonly experiments: ReadonlyMap<string, unknown>;
}

/**
 * The declared reports by name. With `references`, every metric, dimension and experiment a block names
 * is checked (and the time zone), and every problem is collected with a did-you-mean before failing
 * with SL_REPORT_INVALID, so a misspelt metric fails when the file loads, not at 09:00 the next day.
 */
export function buildReports(
  source: Readonly<Record<string, ReportDefinitionSource>> | undefined,
  references?: ReportReferences,
): ReadonlyMap<string, ReportDefinition> {
  const reports = new Map(
    Object.entries(source ?? {}).map(([key, definition]) => [key, { ...definition, name: key }]),
  );
  if (!references) return reports;
  const problems = [...reports.values()].flatMap((r) => reportProblems(r, references));
  if (problems.length > 0)
    throw new SightlineError('SL_REPORT_INVALID', problems.join('; '), { details: { problems } });
  return reports;
}

/** The name of a `metrics` block item. */
export function metricName(item: MetricItem): string {
  return typeof item === 'string' ? item : item.metric;
}

function reportProblems(report: ReportDefinition, { layer, experiments }: ReportReferences): string[] {
  const problems: string[] = [];
  const metricNames = [...layer.metrics.keys()];
  const metric = (at: string, value: string) => {
    if (!layer.metrics.has(value))
      problems.push(`${at}: unknown metric "${value}"${hint(value, metricNames)}`);
  };
  const dimension = (at: string, value: string) => {
    try {
      layer.dimension(value);
    } catch (error) {
      if (!(error instanceof SightlineError)) throw error;
      problems.push(`${at}: ${error.message}`);
    }
  };
  const base = `reports.${report.name}`;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: report.timezone });
  } catch {
    problems.push(
      `${base}.timezone: unknown time zone "${report.timezone}"; use an IANA name such as Europe/Berlin`,
    );
  }
  report.blocks.forEach((block, i) => {
    const at = `${base}.blocks.${i}`;
    if ('metrics' in block)
      for (const [j, item] of block.metrics.entries()) metric(`${at}.metrics.${j}`, metricName(item));
    else if ('chart' in block) {
      const chart = block.chart;
      if (chart.kind === 'line' || chart.kind === 'bar') {
        if (!chart.metrics || chart.metrics.length === 0)
          problems.push(`${at}.chart.metrics: a ${chart.kind} chart needs at least one metric`);
        for (const [j, m] of (chart.metrics ?? []).entries()) metric(`${at}.chart.metrics.${j}`, m);
      }
      if (chart.kind === 'funnel' && (chart.steps?.length ?? 0) < 2)
        problems.push(`${at}.chart.steps: a funnel chart needs at least two steps`);
      if (chart.kind !== 'funnel' && chart.steps)
        problems.push(`${at}.chart.steps: only a funnel chart has steps`);
      if (chart.breakdown !== undefined) dimension(`${at}.chart.breakdown`, chart.breakdown);
      if (chart.kind !== 'retention' && (chart.segments || chart.periods || chart.period))
        problems.push(`${at}.chart: segments, periods and period belong to a retention chart`);
      for (const [segment, where] of Object.entries(chart.segments ?? {})) {
        try {
          layer.checkFilter(parseFilter(where));
        } catch (error) {
          if (!(error instanceof SightlineError)) throw error;
          problems.push(`${at}.chart.segments.${segment}: ${error.message}`);
        }
      }
    } else if ('table' in block) {
      for (const [j, m] of block.table.metrics.entries()) metric(`${at}.table.metrics.${j}`, m);
      dimension(`${at}.table.by`, block.table.by);
    } else if ('experiment' in block) {
      const known = [...experiments.keys()];
      if (!experiments.has(block.experiment.name))
        problems.push(
          `${at}.experiment.name: unknown experiment "${block.experiment.name}"${hint(block.experiment.name, known)}`,
        );
    } else if ('forecast' in block) metric(`${at}.forecast.metric`, block.forecast.metric);
    else if ('anomalies' in block)
      for (const [j, m] of block.anomalies.metrics.entries()) metric(`${at}.anomalies.metrics.${j}`, m);
  });
  return problems;
}

function hint(word: string, candidates: readonly string[]): string {
  const suggestion = closest(word, candidates);
  return suggestion ? ` (did you mean "${suggestion}"?)` : '';
}
