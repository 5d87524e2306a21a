import path from 'node:path';
import type { Command } from 'commander';
import { type Automation, createAutomation } from '../../automation/automation.ts';
import { readEnvironment } from '../../config/env.ts';
import type { OpenedWarehouse } from '../../data/warehouse/open-warehouse.ts';
import { isSightlineError, SightlineError } from '../../errors/index.ts';
import { action } from '../cli-error.ts';
import {
  type CommandContext,
  commandContext,
  defaultDeadLetterPath,
  type GlobalOptions,
  openForCommand,
} from '../context.ts';

/**
 * The automation of the command's project on an opened warehouse, as `serve` builds it: the file's jobs
 * and the API's, every action (ingest jobs write through the warehouse's event store), the channels.
 */
export function automationFor(
  context: CommandContext,
  opened: OpenedWarehouse,
  log?: (line: string) => void,
): Promise<Automation> {
  return createAutomation(
    { warehouse: opened.warehouse, project: context.project, variables: readEnvironment().variables },
    {
      ...(log ? { log } : {}),
      ingest: {
        events: opened.events,
        deadLetterPath: context.project.deadLetter ?? defaultDeadLetterPath(context.databasePath),
        baseDir: context.project.file ? path.dirname(context.project.file) : process.cwd(),
      },
    },
  );
}

/**
 * Opens the warehouse for writing for a command that runs jobs; while `serve` holds it, the coded lock
 * error's hint names the API that does the same through the server.
 */
export async function openForJobs(context: CommandContext, apiHint: string): Promise<OpenedWarehouse> {
  try {
    return await openForCommand(context, 'write');
  } catch (error) {
    if (isSightlineError(error) && error.code === 'SL_DB_LOCKED')
      throw new SightlineError('SL_DB_LOCKED', error.message, { hint: apiHint, cause: error });
    throw error;
  }
}

/** A log line as the scheduler prints it: the wall-clock time, then what happened. */
export function logLine(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

/**
 * `sightline scheduler [--once]`: runs the project's jobs on their schedules until SIGINT/SIGTERM (which
 * stop it cleanly: running attempts are aborted and resume on the next start). It holds the database for
 * writing, like `serve` (which runs the same scheduler unless started with --no-scheduler).
 */
export function registerScheduler(program: Command): void {
  program
    .command('scheduler')
    .description('run the jobs of sightline.yaml (and the API) on their schedules until stopped')
    .option('--once', 'resume interrupted runs, run what is due now, wait for it, and exit')
    .action(
      action(async (flags: { once?: boolean }, command: Command) => {
        const context = commandContext(command.optsWithGlobals<GlobalOptions>());
        const opened = await openForJobs(
          context,
          'the running `sightline serve` already runs the scheduler (see GET /api/v1/jobs); stop it first to run the scheduler alone',
        );
        const { scheduler, jobs } = await automationFor(context, opened, logLine);
        const enabled = jobs().filter((j) => j.enabled);
        logLine(
          `scheduler for project ${scheduler.project}: ${enabled.length} job${enabled.length === 1 ? '' : 's'} (${enabled.map((j) => j.name).join(', ') || 'none'})`,
        );
        if (flags.once) {
          try {
            await scheduler.recover();
            await scheduler.tick();
            await scheduler.idle();
          } finally {
            await opened.warehouse.close();
          }
          return;
        }
        let stopping = false;
        const stop = (signal: string): void => {
          if (stopping) return;
          stopping = true;
          void (async () => {
            logLine(`${signal}: stopping (running attempts resume on the next start)`);
            await scheduler.stop();
            await opened.warehouse.close();
            logLine('stopped');
            process.exit(0);
          })();
        };
        process.on('SIGINT', () => stop('SIGINT'));
        process.on('SIGTERM', () => stop('SIGTERM'));
        await scheduler.start();
      }),
    );
}
