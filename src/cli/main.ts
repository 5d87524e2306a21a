import { Command, CommanderError } from 'commander';
import { reportFailure } from './cli-error.ts';
import { registerCausal } from './commands/causal.ts';
import { registerCohort } from './commands/cohort.ts';
import { registerDemo } from './commands/demo.ts';
import { registerDetect } from './commands/detect.ts';
import { registerExperiment } from './commands/experiment.ts';
import { registerExplain } from './commands/explain.ts';
import { registerBacktest, registerForecast } from './commands/forecast.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerInsight } from './commands/insight.ts';
import { registerKeys } from './commands/keys.ts';
import { registerMetrics } from './commands/metrics.ts';
import { registerReport } from './commands/report.ts';
import { registerRun } from './commands/run.ts';
import { registerRuns } from './commands/runs.ts';
import { registerScheduler } from './commands/scheduler.ts';
import { registerServe } from './commands/serve.ts';
import { registerSilences } from './commands/silences.ts';
import { registerSql } from './commands/sql.ts';
import { registerStart } from './commands/start.ts';
import { registerStats } from './commands/stats.ts';
import { registerStatus } from './commands/status.ts';

const program = new Command()
  .name('sightline')
  .description('Product analytics and analytics automation on an embedded warehouse.')
  .option('--db <path>', 'the database file (default: $SIGHTLINE_DB, else ./sightline.duckdb)')
  .option(
    '--config <path>',
    'the project file (default: $SIGHTLINE_CONFIG, else ./sightline.yaml if present)',
  )
  .showHelpAfterError()
  .exitOverride();

registerIngest(program);
registerDemo(program);
registerSql(program);
registerInsight(program);
registerCohort(program);
registerMetrics(program);
registerExperiment(program);
registerStats(program);
registerForecast(program);
registerBacktest(program);
registerCausal(program);
registerExplain(program);
registerReport(program);
registerDetect(program);
registerStatus(program);
registerStart(program);
registerServe(program);
registerKeys(program);
registerScheduler(program);
registerRun(program);
registerRuns(program);
registerSilences(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has already printed its message; help and version exit 0, usage mistakes 2.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    reportFailure(error);
  }
}
