import type { Command } from 'commander';
import {
  EXPLAIN_INTERVALS,
  type ExplainInterval,
  type ExplainResult,
  explainChange,
} from '../../analytics/anomalies/root-cause.ts';
import { parseSegment } from '../../analytics/anomalies/root-cause-segment.ts';
import { formatNumber, formatPercent } from '../../analytics/anomalies/root-cause-sentence.ts';
import { InsightContext } from '../../analytics/insights/insight-context.ts';
import { SightlineError } from '../../errors/index.ts';
import { action } from '../cli-error.ts';
import { commandContext, type GlobalOptions, openForCommand } from '../context.ts';
import { formatTable } from '../format.ts';

interface ExplainFlags {
  at: string;
  interval: string;
  dimensions?: string;
  where?: string[];
  limit: string;
  json?: boolean;
}

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description(
      'why a metric moved at a time: actual against expected per segment of every dimension and pair, ranked by the share of the change explained (Adtributor)',
    )
    .argument('<metric>', 'a metric of the metrics layer (count, sum, average, unique_users or ratio)')
    .requiredOption('--at <time>', 'a time inside the bucket to explain (2026-10-26, 2026-10-26T09:00Z)')
    .option('--interval <interval>', EXPLAIN_INTERVALS.join('|'), 'day')
    .option(
      '--dimensions <refs>',
      'comma-separated dimensions to split by (os,app_version,properties.plan); default: every one',
    )
    .option(
      '--where <dim=value>',
      'explain within a segment (repeat for several: --where os=Android --where app_version=5.2; (none) for a missing value); its dimensions are not searched',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--limit <n>', 'segments to list', '10')
    .option('--json', 'print the explanation as JSON')
    .action(
      action(async (metric: string, flags: ExplainFlags, cmd: Command) => {
        const interval = flags.interval as ExplainInterval;
        if (!EXPLAIN_INTERVALS.includes(interval))
          throw new SightlineError(
            'SL_EXPLAIN_INVALID',
            `--interval must be ${EXPLAIN_INTERVALS.join(', ')}, not ${JSON.stringify(flags.interval)}`,
          );
        const limit = Number(flags.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new SightlineError('SL_USAGE', `--limit must be a whole number above 0, not ${flags.limit}`);
        const dimensions = flags.dimensions
          ?.split(',')
          .map((d) => d.trim())
          .filter((d) => d.length > 0);
        const where = parseSegment(flags.where ?? []);
        const context = commandContext(cmd.optsWithGlobals<GlobalOptions>());
        const { warehouse } = await openForCommand(context, 'read');
        let result: ExplainResult;
        try {
          const ctx = new InsightContext(warehouse, context.project.layer, context.project.project);
          result = await explainChange(ctx, {
            metric,
            at: flags.at,
            interval,
            ...(dimensions && dimensions.length > 0 ? { dimensions } : {}),
            ...(Object.keys(where).length > 0 ? { where } : {}),
          });
        } finally {
          await warehouse.close();
        }
        process.stdout.write(flags.json ? `${JSON.stringify(result)}\n` : formatExplanation(result, limit));
      }),
    );
}

/** The sentence, the ranked segments, and how the expectation was formed. */
export function formatExplanation(result: ExplainResult, limit: number): string {
  const ratio =
    !Number.isInteger(result.actual) || !Number.isInteger(Math.round(result.expected * 1e6) / 1e6);
  const value = (x: number): string => (ratio ? String(Number(x.toPrecision(4))) : formatNumber(x));
  const out = [result.sentence, ''];
  if (result.segments.length > 0) {
    out.push(
      formatTable(
        result.segments.slice(0, limit).map((s) => ({
          segment: s.segment,
          actual: value(s.actual),
          expected: value(s.expected),
          change:
            s.relativeChange === null
              ? 'new'
              : `${s.change < 0 ? '\u2212' : '+'}${formatPercent(s.relativeChange)}`,
          'share of change': formatPercent(s.share),
          'share of expected': formatPercent(s.expectedShare),
          surprise: Number(s.surprise.toFixed(4)),
        })),
      ),
    );
    out.push('');
  }
  const { expectedFrom } = result;
  out.push(
    `expected: a robust trend (Theil-Sen) through the same ${result.interval === 'day' ? 'day' : 'time'} on the ${expectedFrom.history.length} previous days; segment shares from the previous ${expectedFrom.shareSlots.length}`,
  );
  out.push(
    `dimensions scored: ${result.considered.length}${result.skipped.length > 0 ? `, skipped: ${result.skipped.map((s) => s.dimensions).join(', ')}` : ''}`,
  );
  for (const w of result.warnings) out.push(`warning ${w.code}: ${w.message}`);
  return `${out.join('\n')}\n`;
}
