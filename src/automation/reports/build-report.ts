/**
 * `buildReport`: a report of sightline.yaml turned into a `ReportDocument` from the warehouse, as of a
 * time. Each block definition is built by its own module from the analytics the CLI and the API use
 * (trends, retention, funnels, experiments, forecasts, anomalies with their root cause), so a number in a
 * report is the number `sightline … --json` prints; the summary is written last, from what the other
 * blocks found, and put where the definition placed it.
 */
import { InsightContext } from '../../analytics/insights/insight-context.ts';
import { closest, SightlineError } from '../../errors/index.ts';
import type { AutomationDeps } from '../project.ts';
import { anomaliesBlocks } from './anomalies-block.ts';
import type { ReportBlockDefinition, ReportDefinition } from './definitions.ts';
import type { ReportBlock, ReportDocument } from './document.ts';
import { experimentBlocks } from './experiment-block.ts';
import { forecastBlocks } from './forecast-block.ts';
import { funnelBlock } from './funnel-block.ts';
import { metricValues } from './metric-block.ts';
import { type ReportPeriod, reportPeriod } from './period.ts';
import { retentionBlocks } from './retention-block.ts';
import { type Finding, summarize } from './summary.ts';
import { tableBlock } from './table-block.ts';
import { trendChartBlock } from './trend-chart-block.ts';

export interface BuildReportOptions {
  /** The run's time (epoch ms): the report covers the day or week before it; no later data is read. */
  readonly at: number;
}

/** What one block definition gave: its blocks and what the summary may say about them. */
export interface BuiltBlock {
  readonly blocks: readonly ReportBlock[];
  readonly findings: readonly Finding[];
}

/** The declared report by name, or SL_REPORT_UNKNOWN with the closest name. */
export function findReport(reports: ReadonlyMap<string, ReportDefinition>, name: string): ReportDefinition {
  const report = reports.get(name);
  if (report) return report;
  const names = [...reports.keys()];
  const suggestion = closest(name, names);
  throw new SightlineError(
    'SL_REPORT_UNKNOWN',
    `unknown report "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}${names.length > 0 ? `; reports: ${names.join(', ')}` : '; sightline.yaml declares none'}`,
  );
}

/** The report `name` as of `options.at`: the same data and time give the same document. */
export async function buildReport(
  deps: AutomationDeps,
  name: string,
  options: BuildReportOptions,
): Promise<ReportDocument> {
  const { project } = deps;
  const definition = findReport(project.reports, name);
  const period = reportPeriod(options.at, definition.period, definition.timezone);
  const ctx = new InsightContext(deps.warehouse, project.layer, project.project);
  const built: (BuiltBlock | { summary: number })[] = [];
  for (const block of definition.blocks) {
    if ('summary' in block) built.push({ summary: block.summary.max });
    else built.push(await buildBlock(ctx, deps, period, block, options.at));
  }
  const findings = built.flatMap((b) => ('findings' in b ? b.findings : []));
  const blocks = built.flatMap((b): readonly ReportBlock[] =>
    'summary' in b ? [{ kind: 'summary', sentences: summarize(findings, b.summary) }] : b.blocks,
  );
  return {
    kind: 'report',
    name,
    title: definition.title,
    subtitle: period.label,
    project: project.project,
    period: { from: period.from, to: period.to, timezone: period.timezone },
    generatedAt: new Date(options.at).toISOString(),
    blocks,
    ...(deps.publicUrl ? { url: deps.publicUrl } : {}),
  };
}

async function buildBlock(
  ctx: InsightContext,
  deps: AutomationDeps,
  period: ReportPeriod,
  block: Exclude<ReportBlockDefinition, { summary: unknown }>,
  at: number,
): Promise<BuiltBlock> {
  if ('metrics' in block) {
    const items = await metricValues(ctx, period, block.metrics);
    return {
      blocks: [
        { kind: 'metrics', ...(block.title ? { title: block.title } : {}), items, period: period.unit },
      ],
      findings: items.map((metric) => ({ kind: 'movement', metric, unit: period.unit })),
    };
  }
  if ('chart' in block) {
    const chart = block.chart;
    if (chart.kind === 'retention')
      return { blocks: await retentionBlocks(ctx, period, chart), findings: [] };
    if (chart.kind === 'funnel') return { blocks: [await funnelBlock(ctx, period, chart)], findings: [] };
    const metrics = chart.metrics ?? [];
    return {
      blocks: [await trendChartBlock(ctx, period, { ...chart, kind: chart.kind, metrics })],
      findings: [],
    };
  }
  if ('table' in block) return { blocks: [await tableBlock(ctx, period, block.table)], findings: [] };
  if ('experiment' in block)
    return experimentBlocks(ctx, deps.project.experiments, block.experiment.name, at);
  if ('forecast' in block) return forecastBlocks(ctx, period, block.forecast);
  return anomaliesBlocks(ctx, period, block.anomalies, at);
}
