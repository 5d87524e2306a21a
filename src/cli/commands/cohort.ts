import type { Command } from 'commander';
import {
  deleteCohort,
  listSavedCohorts,
  saveCohort,
  withSavedCohorts,
} from '../../analytics/insights/cohorts/cohort-store.ts';
import type { InsightWarning } from '../../analytics/insights/insight-type.ts';
import { SightlineError } from '../../errors/index.ts';
import { action } from '../cli-error.ts';
import { commandContext, type GlobalOptions, openForCommand } from '../context.ts';
import { formatTable } from '../format.ts';

interface SaveFlags extends GlobalOptions {
  where?: string;
  behaviorEvent?: string;
  atLeast?: string;
  days?: string;
  behaviorWhere?: string;
  description?: string;
  json?: boolean;
}

/**
 * `sightline cohort save|list|delete`: cohorts saved in the warehouse, usable as `cohort = 'name'` in
 * every insight's --where like the ones declared in sightline.yaml.
 */
export function registerCohort(program: Command): void {
  const cohort = program
    .command('cohort')
    .description("save, list and delete cohorts (usable as cohort = 'name' in --where)");

  cohort
    .command('save')
    .description('save a cohort (replacing a saved one of the same name)')
    .argument('<name>', 'letters, digits and _')
    .option('--where <expr>', 'users with at least one event ever that matches')
    .option('--behavior-event <name>', "users who did this event ('$any' for any) …")
    .option('--at-least <n>', '… at least N times (default 1) …')
    .option('--days <d>', '… in the D days before the end of the query range')
    .option('--behavior-where <expr>', 'count only the behaviour events that match')
    .option('--description <text>', 'what the cohort is, for people')
    .option('--json', 'print the saved cohort as JSON')
    .action(
      action(async (name: string, flags: SaveFlags, command: Command) => {
        const context = commandContext(command.optsWithGlobals<GlobalOptions>());
        const definition = definitionFrom(flags);
        const { warehouse } = await openForCommand(context, 'write');
        try {
          const { project, layer } = context.project;
          const loaded = await withSavedCohorts(warehouse, project, layer);
          const outcome = await saveCohort(warehouse, project, loaded.layer, name, definition);
          if (flags.json) process.stdout.write(`${JSON.stringify(outcome)}\n`);
          else {
            process.stdout.write(`${outcome.created ? 'saved' : 'replaced'} cohort ${name}\n`);
            printWarnings(outcome.warnings);
          }
        } finally {
          await warehouse.close();
        }
      }),
    );

  cohort
    .command('list')
    .description('the cohorts of sightline.yaml and the saved ones')
    .option('--json', 'print the cohorts as JSON')
    .action(
      action(async (flags: { json?: boolean }, command: Command) => {
        const context = commandContext(command.optsWithGlobals<GlobalOptions>());
        const { warehouse } = await openForCommand(context, 'read');
        try {
          const { project, layer } = context.project;
          const stored = await listSavedCohorts(warehouse, project);
          const loaded = await withSavedCohorts(warehouse, project, layer);
          const cohorts = [
            ...[...layer.cohorts.values()].map((c) => ({
              name: c.name,
              source: 'project-file' as const,
              description: c.definition.description ?? null,
              definition: c.definition,
              inUse: true,
            })),
            ...stored.map((c) => ({
              name: c.name,
              source: 'saved' as const,
              description: c.definition.description ?? null,
              definition: c.definition,
              inUse: loaded.layer.cohorts.get(c.name)?.source === 'saved',
              createdAt: c.createdAt,
              updatedAt: c.updatedAt,
            })),
          ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.source < b.source ? -1 : 1));
          if (flags.json) {
            process.stdout.write(`${JSON.stringify({ cohorts, warnings: loaded.warnings })}\n`);
            return;
          }
          const rows = cohorts.map((c) => ({
            name: c.name,
            source: c.source,
            definition: describeDefinition(c.definition),
            description: c.description ?? '',
            ...(c.inUse ? {} : { note: 'not in use' }),
          }));
          process.stdout.write(rows.length > 0 ? `${formatTable(rows)}\n` : 'No cohorts.\n');
          printWarnings(loaded.warnings);
        } finally {
          await warehouse.close();
        }
      }),
    );

  cohort
    .command('delete')
    .description('delete a saved cohort')
    .argument('<name>')
    .action(
      action(async (name: string, _flags: unknown, command: Command) => {
        const context = commandContext(command.optsWithGlobals<GlobalOptions>());
        const { warehouse } = await openForCommand(context, 'write');
        try {
          const { project, layer } = context.project;
          const loaded = await withSavedCohorts(warehouse, project, layer);
          await deleteCohort(warehouse, project, loaded.layer, name);
          process.stdout.write(`deleted cohort ${name}\n`);
        } finally {
          await warehouse.close();
        }
      }),
    );
}

/** The definition as sightline.yaml would hold it; the schema checks it when it is saved. */
function definitionFrom(flags: SaveFlags): Record<string, unknown> {
  const behaviorFlags = [flags.atLeast, flags.days, flags.behaviorWhere].some((v) => v !== undefined);
  if (behaviorFlags && flags.behaviorEvent === undefined)
    throw new SightlineError('SL_USAGE', '--at-least, --days and --behavior-where need --behavior-event', {
      hint: 'for example --behavior-event like --at-least 10 --days 7',
    });
  return {
    ...(flags.description !== undefined ? { description: flags.description } : {}),
    ...(flags.where !== undefined ? { where: flags.where } : {}),
    ...(flags.behaviorEvent !== undefined
      ? {
          behavior: {
            event: flags.behaviorEvent,
            ...(flags.atLeast !== undefined ? { atLeast: Number(flags.atLeast) } : {}),
            ...(flags.days !== undefined ? { days: Number(flags.days) } : {}),
            ...(flags.behaviorWhere !== undefined ? { where: flags.behaviorWhere } : {}),
          },
        }
      : {}),
  };
}

function describeDefinition(definition: {
  where?: string | undefined;
  behavior?: { event: string; atLeast: number; days: number; where?: string | undefined } | undefined;
}): string {
  const parts: string[] = [];
  if (definition.where) parts.push(`where ${definition.where}`);
  const b = definition.behavior;
  if (b)
    parts.push(
      `${b.event} at least ${b.atLeast}× in ${b.days} day${b.days === 1 ? '' : 's'}${b.where ? ` where ${b.where}` : ''}`,
    );
  return parts.join('; ');
}

function printWarnings(warnings: readonly InsightWarning[]): void {
  for (const warning of warnings) process.stdout.write(`warning ${warning.code}: ${warning.message}\n`);
}
