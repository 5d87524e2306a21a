import type { Command } from 'commander';
import { RunStore, runJson } from '../../automation/scheduler/run-store.ts';
import { isSightlineError, SightlineError } from '../../errors/index.ts';
import { action } from '../cli-error.ts';
import { commandContext, type GlobalOptions, openForCommand } from '../context.ts';
import { formatTable } from '../format.ts';

/** `sightline runs [--job J] [--limit N] [--json]`: the run history, newest scheduled time first. */
export function registerRuns(program: Command): void {
  program
    .command('runs')
    .description('the history of job runs, newest first')
    .option('--job <job>', 'only this job (with its run log)')
    .option('--limit <n>', 'at most this many runs', '20')
    .option('--json', 'print the runs as a JSON array')
    .action(
      action(async (flags: { job?: string; limit: string; json?: boolean }, command: Command) => {
        const context = commandContext(command.optsWithGlobals<GlobalOptions>());
        const limit = Number(flags.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new SightlineError('SL_USAGE', `--limit must be a positive integer, got "${flags.limit}"`);
        let opened: Awaited<ReturnType<typeof openForCommand>>;
        try {
          opened = await openForCommand(context, 'read');
        } catch (error) {
          if (isSightlineError(error) && error.code === 'SL_DB_LOCKED')
            throw new SightlineError('SL_DB_LOCKED', error.message, {
              hint: 'while `sightline serve` runs, read the history through the server: GET /api/v1/runs?job=&limit=',
              cause: error,
            });
          throw error;
        }
        try {
          const store = new RunStore(opened.warehouse, context.project.project);
          const hasTable = await opened.warehouse.query(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = 'meta' AND table_name = 'job_runs'",
          );
          const runs =
            hasTable.length === 0
              ? []
              : await store.list({ ...(flags.job ? { job: flags.job } : {}), limit });
          if (flags.json) {
            process.stdout.write(`${JSON.stringify(runs.map(runJson))}\n`);
            return;
          }
          if (runs.length === 0) {
            process.stdout.write(`No runs${flags.job ? ` of ${flags.job}` : ''} yet.\n`);
            return;
          }
          const time = (t: number | null) =>
            t === null ? '' : new Date(t).toISOString().slice(0, 19).replace('T', ' ');
          const rows = runs.map((r) => ({
            job: r.job,
            scheduled: `${time(r.scheduledAt)}${r.trigger === 'manual' ? ' (manual)' : ''}`,
            started: time(r.startedAt),
            finished: time(r.finishedAt),
            status: r.status,
            attempts: r.attempts,
            'error / summary': r.error && r.status !== 'succeeded' ? r.error : (r.summary ?? ''),
          }));
          const out = [formatTable(rows)];
          if (flags.job && runs[0]?.log.length)
            out.push('', `log of the latest run:`, ...runs[0].log.map((l) => `  ${l}`));
          process.stdout.write(`${out.join('\n')}\n`);
        } finally {
          await opened.warehouse.close();
        }
      }),
    );
}
