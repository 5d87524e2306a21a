/**
 * An `experiment` block: the recommendation with its reasons, the sample-ratio check, and the arms and
 * effects of the primary metric, all from `analyzeExperiment` (the report of `sightline experiment
 * analyze NAME --json`). The analysis window ends on the last whole UTC day before the run, so a re-run
 * of an old report reads the data it read then; run the day after the data ends, it is the CLI's window.
 */
import { analyzeExperiment } from '../../analytics/experiments/analyze-experiment.ts';
import type { Experiment } from '../../analytics/experiments/experiment.ts';
import type { ExperimentReport } from '../../analytics/experiments/experiment-report.ts';
import { addDays } from '../../analytics/insights/date-range.ts';
import type { InsightContext } from '../../analytics/insights/insight-context.ts';
import { SightlineError } from '../../errors/index.ts';
import type { BuiltBlock } from './build-report.ts';
import type { ReportBlock, TableCell } from './document.ts';
import { formatCount, formatRelativeInterval } from './format.ts';
import { localDate } from './period.ts';
import type { ExperimentFinding } from './summary.ts';

/** The experiments with every analysis window ending at most on `lastDay` (a UTC date). */
export function experimentsUpTo(
  experiments: ReadonlyMap<string, Experiment>,
  lastDay: string,
): ReadonlyMap<string, Experiment> {
  return new Map(
    [...experiments].map(([name, e]) => {
      const end = e.definition.end;
      if (end !== undefined && end <= lastDay) return [name, e];
      return [name, { ...e, definition: { ...e.definition, end: lastDay } }];
    }),
  );
}

/** The blocks of one experiment and its finding for the summary. */
export async function experimentBlocks(
  ctx: InsightContext,
  experiments: ReadonlyMap<string, Experiment>,
  name: string,
  at: number,
): Promise<BuiltBlock> {
  const heading: ReportBlock = { kind: 'heading', text: `Experiment ${name}` };
  let report: ExperimentReport;
  try {
    report = await analyzeExperiment(
      ctx,
      experimentsUpTo(experiments, addDays(localDate(at, 'UTC'), -1)),
      name,
    );
  } catch (error) {
    if (!(error instanceof SightlineError)) throw error;
    return { blocks: [heading, { kind: 'paragraph', text: error.message, tone: 'warning' }], findings: [] };
  }
  return experimentReportBlocks(report);
}

/** The blocks and the finding of an experiment report (pure, so tests can check it on a fixed report). */
export function experimentReportBlocks(report: ExperimentReport): BuiltBlock {
  const r = report.recommendation;
  const decision = `${r.decision === 'ship' ? `Ship ${r.variant ?? ''}`.trim() : capitalise(r.decision)}.`;
  const primary = report.metrics[0];
  const blocks: ReportBlock[] = [
    { kind: 'heading', text: `Experiment ${report.experiment}` },
    {
      kind: 'paragraph',
      text: `${decision} ${r.reasons.join(' ')}`.trim(),
      tone: r.decision === 'ship' ? 'good' : r.decision === 'invalid' ? 'bad' : 'neutral',
    },
    {
      kind: 'paragraph',
      text: `${report.window.from} to ${report.window.to} (${formatCount(report.window.days, 'days')}), ${formatCount(report.exposure.users, 'users')} exposed. Sample ratio ${report.srm.mismatch ? 'MISMATCH' : 'as expected'}: ${report.exposure.variants.map((v) => `${v.variant} ${formatCount(v.users, 'users')}`).join(', ')} (chi-square p = ${pValue(report.srm.pValue)}).`,
      tone: report.srm.mismatch ? 'bad' : 'neutral',
    },
  ];
  if (primary) {
    const rows: Record<string, TableCell>[] = primary.arms.map((arm, i) => {
      const effect = i === 0 ? undefined : primary.variants[i - 1];
      return {
        variant: arm.variant,
        users: arm.n,
        value: arm.mean,
        lift: effect?.relative.effect ?? null,
        interval: effect?.relative.ci ? formatRelativeInterval(effect.relative.ci) : null,
        p: effect ? pValue(effect.adjustedPValue ?? effect.pValue) : null,
      };
    });
    blocks.push({
      kind: 'table',
      title: `${primary.label} (primary metric)`,
      columns: [
        { key: 'variant', label: 'variant', align: 'left' },
        { key: 'users', label: 'users', format: 'integer', align: 'right' },
        {
          key: 'value',
          label: primary.label,
          format: primary.kind === 'mean' ? 'decimal' : 'percent',
          align: 'right',
        },
        { key: 'lift', label: 'lift', format: 'percent', align: 'right' },
        { key: 'interval', label: '95% interval', align: 'right' },
        { key: 'p', label: 'p', align: 'right' },
      ],
      rows,
    });
  }
  return { blocks, findings: [finding(report)] };
}

function finding(report: ExperimentReport): ExperimentFinding {
  const r = report.recommendation;
  const primary = report.metrics[0];
  const variant = primary?.variants.find((v) => v.variant === r.variant) ?? primary?.variants[0] ?? undefined;
  return {
    kind: 'experiment',
    experiment: report.experiment,
    decision: r.decision,
    variant: r.variant,
    metricLabel: primary?.label ?? '',
    lift: variant?.relative.effect ?? null,
    interval: variant?.relative.ci ? [variant.relative.ci[0], variant.relative.ci[1]] : null,
    users: report.exposure.users,
    ...(r.reasons[0] ? { reason: r.reasons[0] } : {}),
    daysNeeded: r.daysNeeded,
  };
}

/** `p < 0.001`-style text without the `p`: `0.032`, `< 0.001`. */
function pValue(p: number | null): string {
  if (p === null) return '–';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
