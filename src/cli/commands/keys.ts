import type { Command } from 'commander';
import { SightlineError } from '../../errors/index.ts';
import { ROLES } from '../../server/context.ts';
import { createKey, isRole, listKeys, revokeKey } from '../../server/keys.ts';
import { action } from '../cli-error.ts';
import { commandContext, type GlobalOptions, openForCommand } from '../context.ts';
import { formatTable } from '../format.ts';

interface CreateFlags extends GlobalOptions {
  project?: string;
  role: string;
  name?: string;
  json?: boolean;
}

/**
 * `sightline keys create|list|revoke`: API keys in the database. Keys are written to the database, so
 * like `ingest` these need the write lock; while `serve` holds it they stop with SL_DB_LOCKED and an
 * admin manages keys through `/api/v1/keys` instead.
 */
export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('create, list and revoke API keys of the HTTP server');

  keys
    .command('create')
    .description('create a key and print it once (only its hash is stored)')
    .option('--project <project>', "the key's project (default: the project file's)")
    .requiredOption('--role <role>', `what the key may do: ${ROLES.join(' | ')}`)
    .option('--name <name>', 'a note to recognise the key by in `keys list`')
    .option('--json', 'print {"key", "id", "project", "role"}')
    .action(
      action(async (flags: CreateFlags, command: Command) => {
        const context = commandContext(command.optsWithGlobals<CreateFlags>());
        if (!isRole(flags.role)) {
          throw new SightlineError('SL_USAGE', `unknown role "${flags.role}"`, {
            hint: `use one of ${ROLES.join(', ')}`,
          });
        }
        const { warehouse } = await openForCommand(context, 'write');
        try {
          const created = await createKey(warehouse, {
            projectId: flags.project ?? context.project.project,
            role: flags.role,
            name: flags.name,
          });
          if (flags.json) {
            process.stdout.write(
              `${JSON.stringify({ key: created.key, id: created.id, project: created.projectId, role: created.role })}\n`,
            );
          } else {
            process.stdout.write(
              `${created.key}\n\n${created.role} key ${created.id} for project ${created.projectId}. ` +
                'Store it now: it will not be shown again (only its hash is kept).\n',
            );
          }
        } finally {
          await warehouse.close();
        }
      }),
    );

  keys
    .command('list')
    .description('the keys of every project (their prefixes, never the keys)')
    .option('--project <project>', 'only this project')
    .option('--json', 'print the keys as a JSON array')
    .action(
      action(async (flags: { project?: string; json?: boolean }, command: Command) => {
        const context = commandContext(command.optsWithGlobals<GlobalOptions>());
        // Written by the same commands that take the write lock; a read-only open fails the same way
        // beside a running server, and a read-only open cannot create the table on a new file.
        const { warehouse } = await openForCommand(context, 'write');
        try {
          const list = await listKeys(warehouse, flags.project);
          if (flags.json) process.stdout.write(`${JSON.stringify(list)}\n`);
          else if (list.length === 0)
            process.stdout.write('No keys. Create one with `sightline keys create`.\n');
          else process.stdout.write(`${formatTable(list.map((k) => ({ ...k })))}\n`);
        } finally {
          await warehouse.close();
        }
      }),
    );

  keys
    .command('revoke')
    .description('revoke a key by its id; requests with it are refused from then on')
    .argument('<id>', 'the id shown by `keys create` and `keys list`')
    .action(
      action(async (id: string, _flags: unknown, command: Command) => {
        const context = commandContext(command.optsWithGlobals<GlobalOptions>());
        const { warehouse } = await openForCommand(context, 'write');
        try {
          const info = await revokeKey(warehouse, id);
          process.stdout.write(`Revoked ${info.role} key ${info.id} of project ${info.projectId}.\n`);
        } finally {
          await warehouse.close();
        }
      }),
    );
}
