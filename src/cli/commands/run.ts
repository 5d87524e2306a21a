import type { Command } from 'commander';
import type { DeliverySummary } from '../../automation/scheduler/run-deliveries.ts';
import { runJson } from '../../automation/scheduler/run-store.ts';
import { action } from '../cli-error.ts';
import { commandContext, type GlobalOptions } from '../context.ts';
import { automationFor, openForJobs } from './scheduler.ts';

/**
 * `sightline run JOB [--json]`: one run of a job now (a manual run, its own row in the history, one
 * attempt), delivering through the ledger like a scheduled run. Exit code 1 when the run failed.
 */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a job now, once, and print how it went (exit code 1 when it failed)')
    .argument('<job>', 'a job of sightline.yaml (jobs:, or alert:RULE) or one created through the API')
    .option('--json', 'print the run as JSON')
    .action(
      action(async (name: string, flags: { json?: boolean }, command: Command) => {
        const context = commandContext(command.optsWithGlobals<GlobalOptions>());
        const opened = await openForJobs(
          context,
          `while \`sightline serve\` runs, run it through the server: POST /api/v1/jobs/${name}/run`,
        );
        try {
          const { scheduler } = await automationFor(context, opened);
          const run = await scheduler.runNow(name);
          if (flags.json) process.stdout.write(`${JSON.stringify(runJson(run))}\n`);
          else {
            const lines = [`${run.job} ${run.status} (run ${run.runId}, attempt ${run.attempts})`];
            if (run.summary) lines.push(run.summary);
            if (run.error) lines.push(`error: ${run.error}`);
            const deliveries = (run.details?.['deliveries'] ?? []) as DeliverySummary[];
            for (const d of deliveries)
              lines.push(
                `  ${d.channel}${d.key ? ` (${d.key})` : ''}: ${d.status}, ${d.requests} request${d.requests === 1 ? '' : 's'}${d.error ? `: ${d.error}` : ''}`,
              );
            process.stdout.write(`${lines.join('\n')}\n`);
          }
          if (run.status === 'failed') process.exitCode = 1;
        } finally {
          await opened.warehouse.close();
        }
      }),
    );
}
