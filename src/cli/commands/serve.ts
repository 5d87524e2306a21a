import type { Command } from 'commander';
import { SightlineError } from '../../errors/index.ts';
import { type RunningServer, startServer } from '../../server/server.ts';
import { action } from '../cli-error.ts';
import {
  type CommandContext,
  commandContext,
  defaultDeadLetterPath,
  type GlobalOptions,
} from '../context.ts';

interface ServeFlags extends GlobalOptions {
  port: string;
  host: string;
  queryTimeout: string;
  rateLimit: string;
  scheduler: boolean;
}

function positiveInteger(flag: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new SightlineError('SL_USAGE', `--${flag} must be an integer of at least ${min}, got "${value}"`);
  }
  return n;
}

export interface ServeOptions {
  host: string;
  port: number;
  queryTimeoutMs?: number;
  rateLimitPerMinute?: number;
  /** Run the jobs' scheduler in the server (default true). */
  scheduler?: boolean;
}

/** Starts the server on the command's database until SIGINT/SIGTERM; shared by `serve` and `start`. */
export function serveDatabase(context: CommandContext, options: ServeOptions): Promise<RunningServer> {
  return startServer({
    databasePath: context.databasePath,
    project: context.project,
    deadLetterPath: context.project.deadLetter ?? defaultDeadLetterPath(context.databasePath),
    host: options.host,
    port: options.port,
    handleSignals: true,
    scheduler: options.scheduler ?? true,
    ...(context.memoryLimit.other ? { memoryLimit: context.memoryLimit.other } : {}),
    ...(options.queryTimeoutMs !== undefined ? { queryTimeoutMs: options.queryTimeoutMs } : {}),
    ...(options.rateLimitPerMinute !== undefined ? { rateLimitPerMinute: options.rateLimitPerMinute } : {}),
  });
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API and the dashboard on the database (holds it for writing until stopped)')
    .option('--port <port>', 'TCP port (0 picks a free one)', '3000')
    .option('--host <host>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--query-timeout <seconds>', 'cancel a query after this many seconds', '30')
    .option('--rate-limit <n>', 'requests per key and minute', '600')
    .option('--no-scheduler', 'do not run the jobs of sightline.yaml and the API in this process')
    .action(
      action(async (flags: ServeFlags, command: Command) => {
        const context = commandContext(command.optsWithGlobals<ServeFlags>());
        const server = await serveDatabase(context, {
          host: flags.host,
          port: positiveInteger('port', flags.port, 0),
          queryTimeoutMs: positiveInteger('query-timeout', flags.queryTimeout) * 1000,
          rateLimitPerMinute: positiveInteger('rate-limit', flags.rateLimit),
          scheduler: flags.scheduler,
        });
        process.stdout.write(`Sightline is serving ${context.databasePath} at ${server.url}\n`);
      }),
    );
}
