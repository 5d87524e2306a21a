import type { Command } from 'commander';

export type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when that command runs: importing every module (the server, the
 * statistics, the charts) cost a bulk load about 90 MB of peak RSS and every command a second of
 * start-up. Help, and anything that is not a known command, loads them all, in this order.
 */
export const COMMANDS: readonly { names: readonly string[]; load: () => Promise<Register[]> }[] = [
  { names: ['ingest'], load: async () => [(await import('./commands/ingest.ts')).registerIngest] },
  { names: ['demo'], load: async () => [(await import('./commands/demo.ts')).registerDemo] },
  { names: ['sql'], load: async () => [(await import('./commands/sql.ts')).registerSql] },
  { names: ['insight'], load: async () => [(await import('./commands/insight.ts')).registerInsight] },
  { names: ['cohort'], load: async () => [(await import('./commands/cohort.ts')).registerCohort] },
  { names: ['metrics'], load: async () => [(await import('./commands/metrics.ts')).registerMetrics] },
  {
    names: ['experiment'],
    load: async () => [(await import('./commands/experiment.ts')).registerExperiment],
  },
  { names: ['stats'], load: async () => [(await import('./commands/stats.ts')).registerStats] },
  {
    names: ['forecast', 'backtest'],
    load: async () => {
      const m = await import('./commands/forecast.ts');
      return [m.registerForecast, m.registerBacktest];
    },
  },
  { names: ['causal'], load: async () => [(await import('./commands/causal.ts')).registerCausal] },
  { names: ['explain'], load: async () => [(await import('./commands/explain.ts')).registerExplain] },
  { names: ['report'], load: async () => [(await import('./commands/report.ts')).registerReport] },
  { names: ['detect'], load: async () => [(await import('./commands/detect.ts')).registerDetect] },
  { names: ['status'], load: async () => [(await import('./commands/status.ts')).registerStatus] },
  { names: ['start'], load: async () => [(await import('./commands/start.ts')).registerStart] },
  { names: ['serve'], load: async () => [(await import('./commands/serve.ts')).registerServe] },
  { names: ['keys'], load: async () => [(await import('./commands/keys.ts')).registerKeys] },
  {
    names: ['scheduler'],
    load: async () => [(await import('./commands/scheduler.ts')).registerScheduler],
  },
  { names: ['run'], load: async () => [(await import('./commands/run.ts')).registerRun] },
  { names: ['runs'], load: async () => [(await import('./commands/runs.ts')).registerRuns] },
  { names: ['silences'], load: async () => [(await import('./commands/silences.ts')).registerSilences] },
];

/** Options of the program itself that take a value, so the command name is the word after them. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['--db', '--config']);

/** The command word of the arguments, if any (before it come only the program's own options). */
export function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}
