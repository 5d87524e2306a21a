import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { openWarehouse } from '../../data/warehouse/open-warehouse.ts';
import { defaultEndDate } from '../../demo/generate.ts';
import { SightlineError } from '../../errors/index.ts';
import { type CreatedKey, createKey, listKeys } from '../../server/keys.ts';
import { action } from '../cli-error.ts';
import { type CommandContext, commandContext, type GlobalOptions, openForCommand } from '../context.ts';
import { DEMO_DEFAULTS, describeDemo, runDemo } from './demo.ts';
import { serveDatabase } from './serve.ts';

async function hasEvents(databasePath: string): Promise<boolean> {
  if (!existsSync(databasePath)) return false;
  const { warehouse } = await openWarehouse({ path: databasePath });
  try {
    const [row] = await warehouse.query<{ n: number }>('SELECT count(*) AS n FROM events');
    return (row?.n ?? 0) > 0;
  } finally {
    await warehouse.close();
  }
}

/**
 * An admin key for the project when the database has no key at all, so a first `npm start` can log in;
 * null when keys exist (they were shown when created and cannot be shown again).
 */
async function firstAdminKey(context: CommandContext): Promise<CreatedKey | null> {
  const { warehouse } = await openForCommand(context, 'write');
  try {
    if ((await listKeys(warehouse)).length > 0) return null;
    return await createKey(warehouse, {
      projectId: context.project.project,
      role: 'admin',
      name: 'npm start',
    });
  } finally {
    await warehouse.close();
  }
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('build the demo warehouse if the database holds no events, then serve the API and dashboard')
    .option('--port <port>', 'TCP port', '3000')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(
      action(async (flags: { port: string; host: string }, command: Command) => {
        const context = commandContext(command.optsWithGlobals<GlobalOptions>());
        const port = Number(flags.port);
        if (!Number.isInteger(port) || port < 0) {
          throw new SightlineError(
            'SL_USAGE',
            `--port must be an integer of at least 0, got "${flags.port}"`,
          );
        }
        if (!(await hasEvents(context.databasePath))) {
          process.stdout.write(`No events in ${context.databasePath}: building the demo startup.\n`);
          const result = await runDemo(context, {
            users: DEMO_DEFAULTS.users,
            days: DEMO_DEFAULTS.days,
            seed: DEMO_DEFAULTS.seed,
            endDate: defaultEndDate(new Date()),
            outDir: DEMO_DEFAULTS.out,
            fresh: false,
          });
          process.stdout.write(`${describeDemo(result, context.databasePath)}\n`);
        }
        const key = await firstAdminKey(context);
        const server = await serveDatabase(context, { host: flags.host, port });
        process.stdout.write(`Sightline is serving ${context.databasePath} at ${server.url}\n`);
        if (key) {
          process.stdout.write(
            `\nAdmin key for project ${key.projectId} (log in to the dashboard with it):\n\n  ${key.key}\n\n` +
              'It will not be shown again: store it now. Only its hash is kept.\n',
          );
        } else {
          process.stdout.write(
            `Log in with a key you created before, or create one: stop the server, then run\n` +
              `  npx sightline keys create --project ${context.project.project} --role admin\n` +
              `(or, with an admin key, POST /api/v1/keys while it runs).\n`,
          );
        }
      }),
    );
}
