import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { defaultEndDate } from '../../demo/generate.ts';
import { type LoadDemoResult, loadDemo } from '../../demo/load-demo.ts';
import { SightlineError } from '../../errors/index.ts';
import { action } from '../cli-error.ts';
import {
  type CommandContext,
  commandContext,
  defaultDeadLetterPath,
  type GlobalOptions,
  openForCommand,
} from '../context.ts';
import { formatCount } from '../format.ts';
import { ProgressBar } from '../progress-bar.ts';
import { describeSummary } from './ingest.ts';

export const DEMO_DEFAULTS = { users: 20_000, days: 60, seed: 42, out: './demo-data' } as const;

interface DemoFlags extends GlobalOptions {
  users: string;
  days: string;
  seed: string;
  end?: string;
  out: string;
  fresh?: boolean;
  json?: boolean;
}

function integerFlag(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n))
    throw new SightlineError('SL_DEMO_INVALID', `--${name} must be an integer, got "${value}"`);
  return n;
}

export interface RunDemoOptions {
  users: number;
  days: number;
  seed: number;
  endDate: string;
  outDir: string;
  fresh: boolean;
}

/** Generates and loads the demo with a progress bar; shared by `demo` and `start`. */
export async function runDemo(context: CommandContext, options: RunDemoOptions): Promise<LoadDemoResult> {
  if (options.fresh) {
    for (const suffix of ['', '.wal']) rmSync(`${context.databasePath}${suffix}`, { force: true });
    rmSync(defaultDeadLetterPath(context.databasePath), { force: true });
  }
  const { warehouse, events } = await openForCommand(context, 'load');
  const bar = new ProgressBar();
  try {
    const result = await loadDemo({
      users: options.users,
      days: options.days,
      seed: options.seed,
      endDate: options.endDate,
      outDir: path.resolve(options.outDir),
      store: events,
      projectId: context.project.project,
      deadLetterPath: defaultDeadLetterPath(context.databasePath),
      onGenerateProgress: (p) =>
        bar.update({
          label: `generating day ${p.day}/${p.days}`,
          done: p.day,
          total: p.days,
          records: p.events,
        }),
      onIngestProgress: (p) =>
        bar.update({
          label: `loading ${p.fileIndex + 1}/${p.files}`,
          done: p.fileIndex + 1,
          total: p.files,
          records: p.read,
        }),
    });
    bar.finish();
    return result;
  } finally {
    bar.finish();
    await warehouse.close();
  }
}

export function describeDemo(result: LoadDemoResult, databasePath: string): string {
  const truth = result.demo.groundTruth;
  let out = `Demo startup: ${formatCount(truth.totals.users)} users, ${formatCount(result.demo.events)} events, ${truth.period.startDate} to ${truth.period.endDate}\n`;
  out += `  raw logs     ${path.dirname(result.demo.files[0] ?? result.demo.groundTruthPath)}\n`;
  out += `  ground truth ${result.demo.groundTruthPath}\n`;
  out += `  warehouse    ${databasePath}\n\n`;
  out += describeSummary(result.ingest);
  out +=
    result.mismatches.length === 0
      ? '  the accounting matches the planted ground truth\n'
      : `  differs from the ground truth: ${result.mismatches.join('; ')}\n`;
  return out;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('generate the demo startup (a messenger with a news feed) and load it through ingestion')
    .option('--users <n>', 'users who sign up over the period', String(DEMO_DEFAULTS.users))
    .option('--days <n>', 'days simulated', String(DEMO_DEFAULTS.days))
    .option('--seed <n>', 'random seed (same options, same output)', String(DEMO_DEFAULTS.seed))
    .option('--end <date>', 'last simulated day, YYYY-MM-DD (default: yesterday, UTC)')
    .option('--out <dir>', 'where the raw logs and ground-truth.json go', DEMO_DEFAULTS.out)
    .option('--fresh', 'delete the database and its dead-letter file first')
    .option('--json', 'print {"demo": …, "ingest": …} as one JSON object')
    .action(
      action(async (flags: DemoFlags, command: Command) => {
        const context = commandContext(command.optsWithGlobals<DemoFlags>());
        const result = await runDemo(context, {
          users: integerFlag('users', flags.users),
          days: integerFlag('days', flags.days),
          seed: integerFlag('seed', flags.seed),
          endDate: flags.end ?? defaultEndDate(new Date()),
          outDir: flags.out,
          fresh: Boolean(flags.fresh),
        });
        if (flags.json) {
          const { groundTruth, ...demo } = result.demo;
          process.stdout.write(
            `${JSON.stringify({ demo: { ...demo, totals: groundTruth.totals }, ingest: result.ingest, mismatches: result.mismatches })}\n`,
          );
        } else {
          process.stdout.write(describeDemo(result, context.databasePath));
        }
      }),
    );
}
