import type { Command } from 'commander';
import {
  type DetectedPoint,
  type DetectOptions,
  detectSeries,
  resolveDetector,
  resolveSensitivity,
  type SeriesDetection,
} from '../../analytics/anomalies/detect.ts';
import {
  detectInterval,
  detectMetric,
  type MetricDetection,
} from '../../analytics/anomalies/detect-metric.ts';
import { replayAlertRule, transitionJson } from '../../analytics/anomalies/replay-alert-rule.ts';
import type { RuleTransition } from '../../analytics/anomalies/rule-state.ts';
import { DETECT_INTERVALS, fileDetectInput } from '../../analytics/anomalies/series.ts';
import { parseCsvTable } from '../../analytics/forecasting/csv-table.ts';
import { readSeries } from '../../analytics/forecasting/series-input.ts';
import { InsightContext } from '../../analytics/insights/insight-context.ts';
import { closest, SightlineError } from '../../errors/index.ts';
import { DEFAULT_DETECTOR, DETECTOR_DESCRIPTIONS, DETECTOR_NAMES } from '../../math/anomaly/registry.ts';
import { action } from '../cli-error.ts';
import { type CommandContext, commandContext, type GlobalOptions, openForCommand } from '../context.ts';
import { formatTable } from '../format.ts';
import { readText } from './forecast.ts';

interface DetectFlags {
  input?: string[];
  event?: string;
  interval?: string;
  from?: string;
  to?: string;
  detector?: string;
  sensitivity?: string;
  groupBy?: string;
  rule?: string;
  all?: boolean;
  json?: boolean;
}

export function registerDetect(program: Command): void {
  program
    .command('detect')
    .description(
      'flag anomalies in a warehouse metric or in CSV series, each point judged only on the points before it',
    )
    .argument('[metric]', 'a metric of the metrics layer (instead of --input)')
    .option(
      '--input <files...>',
      'CSV files: timestamp,value | value | series_id,timestamp,value (- for stdin)',
    )
    .option('--event <name>', 'instead of a metric: count this event per bucket')
    .option('--interval <interval>', `with a metric: ${DETECT_INTERVALS.join(', ')}`, 'hour')
    .option('--from <date>', 'with a metric: first day (default: the first with events)')
    .option('--to <date>', 'with a metric: last day (default: the day of the latest event)')
    .option(
      '--detector <name>',
      `${DETECTOR_NAMES.map((n) => `${n} (${DETECTOR_DESCRIPTIONS[n]})`).join('; ')}`,
      DEFAULT_DETECTOR,
    )
    .option('--sensitivity <s>', '0..1, higher flags more; 0.5 flags a 1-in-100,000 point', '0.5')
    .option('--group-by <dims>', 'with a metric: one series per value of these dimensions, comma-separated')
    .option('--rule <name>', "replay an alert rule of sightline.yaml over the metric's history")
    .option('--all', 'list every point, not only the flagged ones')
    .option('--json', 'print every point as JSON')
    .action(
      action(async (metric: string | undefined, flags: DetectFlags, cmd: Command) => {
        const globals = cmd.optsWithGlobals<GlobalOptions>();
        if (flags.rule !== undefined) return replay(globals, flags);
        // Checked before any data is read, so a typo fails at once.
        const options = {
          detector: resolveDetector(flags.detector),
          sensitivity: resolveSensitivity(sensitivityFlag(flags.sensitivity)),
        };
        if (metric !== undefined || flags.event !== undefined) {
          if (flags.input !== undefined || (metric !== undefined && flags.event !== undefined))
            throw new SightlineError('SL_USAGE', 'give one of a metric, --event or --input');
          const context = commandContext(globals);
          const read = await readMetric(context, metric ?? { event: flags.event! }, flags, options);
          if (flags.json) {
            process.stdout.write(`${JSON.stringify(read.json)}\n`);
            return;
          }
          const out = read.detections.map((detection) => formatDetection(detection, flags.all === true));
          if (read.partialBuckets > 0)
            out.push(`${read.partialBuckets} bucket(s) still filling up (ending after now) were left out.`);
          process.stdout.write(`${out.join('\n')}\n`);
          return;
        }
        if (flags.input === undefined || flags.input.length === 0)
          throw new SightlineError('SL_USAGE', 'give a metric name or --input FILE.csv');
        const files: { file: string; id: string | null; detection: SeriesDetection }[] = [];
        for (const file of flags.input) {
          const label = file === '-' ? 'standard input' : file;
          for (const raw of readSeries(parseCsvTable(await readText(file), label), label))
            files.push({ file, id: raw.id, detection: detectSeries(fileDetectInput(raw, label), options) });
        }
        if (flags.json) {
          const series = files.map(({ file, id, detection }) => ({
            file,
            ...(id === null ? {} : { id }),
            points: detection.points,
          }));
          process.stdout.write(`${JSON.stringify({ series })}\n`);
          return;
        }
        process.stdout.write(
          `${files.map(({ detection }) => formatDetection(detection, flags.all === true)).join('\n')}\n`,
        );
      }),
    );
}

function sensitivityFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const s = Number(text);
  if (text.trim() === '' || !Number.isFinite(s))
    throw new SightlineError(
      'SL_DETECT_OPTION_INVALID',
      `--sensitivity takes a number in 0..1, not ${JSON.stringify(text)}`,
    );
  return s;
}

async function readMetric(
  context: CommandContext,
  metric: string | { event: string },
  flags: Pick<DetectFlags, 'interval' | 'from' | 'to' | 'groupBy'>,
  options: DetectOptions,
): Promise<MetricDetection> {
  const interval = detectInterval(flags.interval);
  if (typeof metric === 'string') context.project.layer.metric(metric);
  const { warehouse } = await openForCommand(context, 'read');
  try {
    const ctx = new InsightContext(warehouse, context.project.layer, context.project.project);
    return await detectMetric(
      ctx,
      {
        metric,
        interval,
        now: Date.now(),
        ...(flags.from === undefined ? {} : { from: flags.from }),
        ...(flags.to === undefined ? {} : { to: flags.to }),
        ...(flags.groupBy === undefined ? {} : { groupBy: flags.groupBy.split(',').map((d) => d.trim()) }),
      },
      options,
    );
  } finally {
    await warehouse.close();
  }
}

/** `sightline detect --rule NAME`: the rule's metric, detector and state machine over the history. */
async function replay(globals: GlobalOptions, flags: DetectFlags): Promise<void> {
  const context = commandContext(globals);
  const name = flags.rule!;
  const rule = context.project.alerts.get(name);
  if (rule === undefined) {
    const names = [...context.project.alerts.keys()];
    const suggestion = closest(name, names);
    throw new SightlineError(
      'SL_ALERT_RULE_INVALID',
      `no alert rule "${name}" in ${context.project.file ?? 'sightline.yaml'}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      {
        hint:
          names.length > 0 ? `rules: ${names.join(', ')}` : 'declare rules under alerts: in sightline.yaml',
      },
    );
  }
  const { warehouse } = await openForCommand(context, 'read');
  let transitions: RuleTransition[];
  try {
    const ctx = new InsightContext(warehouse, context.project.layer, context.project.project);
    transitions = await replayAlertRule(ctx, rule, {
      now: Date.now(),
      ...(flags.from === undefined ? {} : { from: flags.from }),
      ...(flags.to === undefined ? {} : { to: flags.to }),
    });
  } finally {
    await warehouse.close();
  }
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ rule: rule.name, transitions: transitions.map(transitionJson) })}\n`,
    );
    return;
  }
  const fired = transitions.filter((e) => e.to === 'firing').length;
  const out = [
    `rule ${rule.name}: ${rule.metric} every ${rule.interval} with ${rule.detector} at sensitivity ${rule.sensitivity}, ${rule.direction === 'both' ? 'either side' : rule.direction}; fired ${fired} time(s)`,
  ];
  if (transitions.length > 0)
    out.push(
      formatTable(
        transitions.map((e) => ({
          time: new Date(e.t).toISOString().slice(0, 16).replace('T', ' '),
          ...(rule.groupBy.length > 0 ? { group: e.group } : {}),
          change: `${e.from} -> ${e.to}`,
          reason: e.reason,
        })),
      ),
    );
  process.stdout.write(`${out.join('\n')}\n`);
}

function num(x: number | null | undefined): string {
  if (x === null || x === undefined) return '-';
  return String(Number(x.toPrecision(6)));
}

function band(p: DetectedPoint): string {
  if (p.lower === undefined && p.upper === undefined) return '-';
  return `[${p.lower === undefined ? '-inf' : num(p.lower)}, ${p.upper === undefined ? 'inf' : num(p.upper)}]`;
}

/** The flagged points (or all with `all`) as a table, under a line naming the series and the count. */
export function formatDetection(d: SeriesDetection, all: boolean): string {
  const judged = d.points.filter((p) => p.value !== null).length;
  const out = [
    `${d.label}: ${d.flagged} of ${judged} point(s) flagged by ${d.detector} at sensitivity ${d.sensitivity} (score >= ${num(d.flagScore)})`,
  ];
  const rows = (all ? d.points : d.points.filter((p) => p.flag)).map((p) => ({
    time: p.t,
    value: num(p.value),
    expected: num(p.expected),
    band: band(p),
    score: p.score.toFixed(3),
    ...(all ? { flag: p.flag ? 'yes' : '' } : {}),
  }));
  if (rows.length > 0) out.push(formatTable(rows));
  for (const w of d.warnings) out.push(`warning ${w.code}: ${w.message}`);
  return `${out.join('\n')}\n`;
}
