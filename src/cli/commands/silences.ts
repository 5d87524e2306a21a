import type { Command } from 'commander';
import { parseDurationMs } from '../../analytics/anomalies/alert-rules.ts';
import {
  createSilence,
  expireSilence,
  listSilences,
  parseGroupLabels,
  type Silence,
  silenceJson,
} from '../../automation/alerts/silences.ts';
import { closest, SightlineError } from '../../errors/index.ts';
import { action } from '../cli-error.ts';
import { commandContext, type GlobalOptions, openForCommand } from '../context.ts';
import { formatTable } from '../format.ts';

interface AddFlags extends GlobalOptions {
  rule?: string;
  group?: string;
  for: string;
  comment?: string;
  json?: boolean;
}

/**
 * `sightline silences add|list|expire`: silences of alert notifications, in the database (so, like
 * `keys`, they need the write lock; while `serve` runs use `/api/v1/silences`).
 */
export function registerSilences(program: Command): void {
  const silences = program
    .command('silences')
    .description('mute alert notifications of a rule or a group for a while (recorded, not sent)');

  silences
    .command('add')
    .description('silence alerts matching a rule and/or group labels, from now for a duration')
    .option('--rule <rule>', 'an alert rule of sightline.yaml')
    .option('--group <labels>', 'group labels that must be equal, e.g. os=Android (several: a=x,b=y)')
    .requiredOption('--for <duration>', 'how long: 30m, 2h, 1d')
    .option('--comment <text>', 'why, for the others on call')
    .option('--json', 'print the silence as JSON')
    .action(
      action(async (flags: AddFlags, command: Command) => {
        const context = commandContext(command.optsWithGlobals<AddFlags>());
        const rules = context.project.alerts;
        if (flags.rule !== undefined && !rules.has(flags.rule)) {
          const suggestion = closest(flags.rule, [...rules.keys()]);
          throw new SightlineError(
            'SL_SILENCE_INVALID',
            `unknown alert rule "${flags.rule}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
            { hint: `rules: ${[...rules.keys()].join(', ') || 'none (declare them under alerts:)'}` },
          );
        }
        const ms = parseDurationMs(flags.for);
        if (ms === undefined || ms <= 0)
          throw new SightlineError('SL_SILENCE_INVALID', `--for "${flags.for}" is not a positive duration`, {
            hint: 'write a whole number and s, m, h, d or w: --for 2h',
          });
        const now = Date.now();
        const { warehouse } = await openForCommand(context, 'write');
        try {
          const silence = await createSilence(
            warehouse,
            context.project.project,
            {
              matchers: {
                ...(flags.rule === undefined ? {} : { rule: flags.rule }),
                ...(flags.group === undefined ? {} : { group: parseGroupLabels(flags.group) }),
              },
              startsAt: now,
              endsAt: now + ms,
              createdBy: process.env['USER'] ?? null,
              comment: flags.comment ?? null,
            },
            now,
          ).catch((error: unknown) => {
            if (error instanceof Error && error.name === 'ZodError')
              throw new SightlineError('SL_SILENCE_INVALID', 'give --rule, --group or both');
            throw error;
          });
          if (flags.json) process.stdout.write(`${JSON.stringify(silenceJson(silence))}\n`);
          else
            process.stdout.write(
              `Silence ${silence.id}: ${describe(silence)} until ${iso(silence.endsAt)}.\n`,
            );
        } finally {
          await warehouse.close();
        }
      }),
    );

  silences
    .command('list')
    .description("the project's silences, newest first")
    .option('--active', 'only those holding now')
    .option('--json', 'print them as a JSON array')
    .action(
      action(async (flags: { active?: boolean; json?: boolean }, command: Command) => {
        const context = commandContext(command.optsWithGlobals<GlobalOptions>());
        const { warehouse } = await openForCommand(context, 'write');
        try {
          const list = await listSilences(
            warehouse,
            context.project.project,
            flags.active ? { activeAt: Date.now() } : {},
          );
          if (flags.json) process.stdout.write(`${JSON.stringify(list.map(silenceJson))}\n`);
          else if (list.length === 0) process.stdout.write('No silences.\n');
          else
            process.stdout.write(
              `${formatTable(
                list.map((s) => ({
                  id: s.id,
                  matches: describe(s),
                  from: iso(s.startsAt),
                  until: iso(s.endsAt),
                  active: s.startsAt <= Date.now() && Date.now() < s.endsAt ? 'yes' : 'no',
                  comment: s.comment ?? '',
                })),
              )}\n`,
            );
        } finally {
          await warehouse.close();
        }
      }),
    );

  silences
    .command('expire')
    .description('end a silence now (it stays in the list)')
    .argument('<id>', 'the id shown by `silences add` and `silences list`')
    .action(
      action(async (id: string, _flags: unknown, command: Command) => {
        const context = commandContext(command.optsWithGlobals<GlobalOptions>());
        const { warehouse } = await openForCommand(context, 'write');
        try {
          const silence = await expireSilence(warehouse, context.project.project, id, Date.now());
          process.stdout.write(
            `Silence ${silence.id} (${describe(silence)}) ended at ${iso(silence.endsAt)}.\n`,
          );
        } finally {
          await warehouse.close();
        }
      }),
    );
}

function describe(s: Silence): string {
  const parts = [];
  if (s.matchers.rule !== undefined) parts.push(`rule ${s.matchers.rule}`);
  const labels = Object.entries(s.matchers.group ?? {}).map(([k, v]) => `${k}=${v}`);
  if (labels.length > 0) parts.push(labels.join(', '));
  return parts.join(', ');
}

function iso(t: number): string {
  return new Date(t).toISOString().replace('.000Z', 'Z');
}
