import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { withSavedCohorts } from '../../analytics/insights/cohorts/cohort-store.ts';
import { InsightContext } from '../../analytics/insights/insight-context.ts';
import type { AnyInsightType } from '../../analytics/insights/insight-type.ts';
import { INSIGHT_TYPES, runInsight } from '../../analytics/insights/registry.ts';
import { SightlineError } from '../../errors/index.ts';
import { action } from '../cli-error.ts';
import { commandContext, type GlobalOptions, openForCommand } from '../context.ts';
import { formatCsv, formatTable } from '../format.ts';

interface OutputFlags extends GlobalOptions {
  spec?: string;
  json?: boolean;
  csv?: boolean;
}

/** Flags that steer the command rather than the query, kept out of the spec. */
const OUTPUT_KEYS = new Set(['spec', 'json', 'csv', 'db', 'config']);

export function registerInsight(program: Command): void {
  const insight = program
    .command('insight')
    .description('run an insight (trends, retention, funnel, …) and print its result');
  for (const type of INSIGHT_TYPES) registerType(insight, type);
}

function registerType(parent: Command, type: AnyInsightType): void {
  const command = parent.command(type.name).description(type.summary);
  for (const flag of type.flags) command.addOption(new Option(flag.flags, flag.description));
  command
    .option('--spec <file>', 'the query as JSON (keys are the long flags in camelCase); flags override it')
    .option('--json', 'print the result as JSON')
    .option('--csv', 'print the main table as CSV')
    .action(
      action(async (_flags: OutputFlags, cmd: Command) => {
        const all = cmd.optsWithGlobals<OutputFlags & Record<string, unknown>>();
        const context = commandContext(all);
        const spec = { ...readSpecFile(all.spec), ...specFlags(cmd.opts()) };
        const { warehouse } = await openForCommand(context, 'read');
        try {
          const { project, layer } = context.project;
          const saved = await withSavedCohorts(warehouse, project, layer);
          const ctx = new InsightContext(warehouse, saved.layer, project);
          const result = await runInsight(ctx, type.name, spec);
          result.warnings.push(...saved.warnings);
          if (all.json) {
            process.stdout.write(`${JSON.stringify(result)}\n`);
            return;
          }
          const tables = type.tables(result);
          if (all.csv) {
            process.stdout.write(formatCsv(tables[0]?.rows ?? []));
            return;
          }
          for (const table of tables) {
            if (table.title) process.stdout.write(`${table.title}\n`);
            process.stdout.write(`${formatTable(table.rows)}\n\n`);
          }
          for (const warning of result.warnings)
            process.stdout.write(`warning ${warning.code}: ${warning.message}\n`);
        } finally {
          await warehouse.close();
        }
      }),
    );
}

function specFlags(opts: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(opts).filter(([key, v]) => !OUTPUT_KEYS.has(key) && v !== undefined),
  );
}

function readSpecFile(file: string | undefined): Record<string, unknown> {
  if (!file) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SightlineError('SL_USAGE', `cannot read --spec ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SightlineError('SL_INSIGHT_INVALID', `--spec ${file} is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new SightlineError('SL_INSIGHT_INVALID', `--spec ${file} must hold a JSON object`);
  return parsed as Record<string, unknown>;
}
