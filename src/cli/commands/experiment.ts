import type { Command } from 'commander';
import { analyzeExperiment } from '../../analytics/experiments/analyze-experiment.ts';
import { findExperiment } from '../../analytics/experiments/experiment.ts';
import type { ExperimentReport, MetricReport } from '../../analytics/experiments/experiment-report.ts';
import { type PowerFlags, type PowerOutput, powerPlan } from '../../analytics/experiments/power-plan.ts';
import { p, pct, pIs } from '../../analytics/experiments/recommendation.ts';
import { InsightContext } from '../../analytics/insights/insight-context.ts';
import type { Interval } from '../../math/stats/result.ts';
import { action } from '../cli-error.ts';
import { commandContext, type GlobalOptions, openForCommand } from '../context.ts';
import { formatCount, formatTable } from '../format.ts';
import { registerExperimentAa } from './experiment-aa.ts';

// The power plan lives in the analytics layer, so the API serves the same numbers; tests import it here.
export { type PowerFlags, type PowerOutput, powerPlan };

export function registerExperiment(program: Command): Command {
  const experiment = program
    .command('experiment')
    .description('analyse the experiments of sightline.yaml, and plan new ones');

  experiment
    .command('analyze')
    .description('the report of an experiment: effects, tests, SRM, corrections and a recommendation')
    .argument('<name>', 'an experiment declared under experiments: in sightline.yaml')
    .option('--json', 'print the report as JSON')
    .action(
      action(async (name: string, flags: { json?: boolean }, command: Command) => {
        const context = commandContext(command.optsWithGlobals<GlobalOptions>());
        const { project, layer, experiments } = context.project;
        findExperiment(experiments, name); // an unknown name fails before the database is opened
        const { warehouse } = await openForCommand(context, 'read');
        try {
          const report = await analyzeExperiment(
            new InsightContext(warehouse, layer, project),
            experiments,
            name,
          );
          process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : formatReport(report));
        } finally {
          await warehouse.close();
        }
      }),
    );

  experiment
    .command('power')
    .description(
      'users per arm (and days) to detect an effect: --baseline-rate P, or --baseline-mean M --sd S',
    )
    .option('--baseline-rate <p>', 'the control conversion rate, in (0, 1)')
    .option('--baseline-mean <m>', 'the control mean of a per-user metric (with --sd)')
    .option('--sd <s>', 'the per-user standard deviation of that metric')
    .option('--mde <d>', 'the effect to detect, in the metric’s units (or a fraction with --relative)')
    .option('--relative', 'the MDE is a fraction of the baseline (0.05 = 5%)')
    .option('--alpha <a>', 'two-sided significance level', '0.05')
    .option('--power <p>', 'the power to reach, 1 − β', '0.8')
    .option('--ratio <r>', 'treatment users per control user', '1')
    .option('--daily-users <u>', 'users entering the experiment per day (all arms): adds "days"')
    .option(
      '--simulate',
      'search the sample size by Monte Carlo simulation of the test instead of the formula',
    )
    .option('--simulations <k>', 'simulated experiments per size tried (with --simulate)', '10000')
    .option('--seed <s>', 'the seed of the simulation (with --simulate)', '1')
    .option('--json', 'print the plan as JSON')
    .action(
      action(async (flags: PowerFlags) => {
        const plan = powerPlan(flags);
        process.stdout.write(flags.json ? `${JSON.stringify(plan)}\n` : formatPlan(plan));
      }),
    );
  registerExperimentAa(experiment);
  return experiment;
}

function formatPlan(plan: PowerOutput): string {
  const lines = [
    `users per arm: ${formatCount(plan.sampleSizePerArm)}${plan.treatmentSampleSize !== plan.sampleSizePerArm ? ` (control), ${formatCount(plan.treatmentSampleSize)} (treatment)` : ''}`,
    `users in all:  ${formatCount(plan.totalSampleSize)}`,
  ];
  if (plan.days !== undefined) lines.push(`days:          ${plan.days}`);
  if (plan.simulatedPower !== undefined)
    lines.push(
      `simulated power at that size: ${plan.simulatedPower.toFixed(3)} (${formatCount(plan.simulations!)} simulations, seed ${plan.seed})`,
    );
  return `${lines.join('\n')}\n`;
}

/** The report for people: the recommendation first, then the evidence. */
export function formatReport(report: ExperimentReport): string {
  const out: string[] = [];
  const e = report.exposure;
  out.push(
    `Experiment ${report.experiment} (${report.kind === 'aa' ? 'A/A' : 'A/B'}), ${report.window.from} to ${report.window.to} (${report.window.days} days)`,
  );
  if (report.description) out.push(report.description);
  out.push(
    `Exposed: ${formatCount(e.users)} users (${e.variants.map((v) => `${v.variant} ${formatCount(v.users)}`).join(', ')}); about ${formatCount(Math.round(e.dailyUsers))} new per day lately`,
  );
  if (e.multipleArms > 0)
    out.push(`Left out: ${formatCount(e.multipleArms)} users seen in more than one variant`);
  out.push(
    `Sample ratio: ${e.variants.map((v) => `${v.variant} ${pct(v.observedShare ?? 0)} (expected ${pct(v.expectedShare)})`).join(', ')}, chi-square ${pIs(report.srm.pValue)}: ${report.srm.mismatch ? 'MISMATCH' : 'ok'}`,
  );
  out.push('');
  const r = report.recommendation;
  out.push(`Recommendation: ${r.decision.toUpperCase()}${r.variant ? ` ${r.variant}` : ''}`);
  for (const reason of r.reasons) out.push(`  - ${reason}`);
  out.push('');
  out.push(
    `Metrics (${report.correction.method === 'none' ? 'no correction' : `${report.correction.method} correction over ${report.correction.comparisons} comparisons`}, alpha ${report.alpha})`,
  );
  out.push(formatTable(report.metrics.flatMap((m) => metricRows(m, report.control))));
  out.push('');
  out.push('Tests');
  const tests = new Map<string, { why: string; metrics: string[] }>();
  for (const m of report.metrics) {
    const entry = tests.get(m.test.name) ?? { why: m.test.why, metrics: [] };
    entry.metrics.push(m.metric);
    tests.set(m.test.name, entry);
  }
  for (const [name, t] of tests) out.push(`  ${t.metrics.join(', ')}: ${name}. ${t.why}`);
  // The JSON report breaks down every metric; people read the primary one here.
  const primary = report.metrics[0]!;
  for (const b of primary.breakdowns) {
    out.push('');
    out.push(`${primary.metric} by ${b.dimension} (exploratory, not corrected)`);
    out.push(
      formatTable(
        b.groups.flatMap((g) =>
          g.variants.map((v) => ({
            [b.dimension]: g.other ? '(other)' : (g.value ?? '(none)'),
            users: g.arms.reduce((s, a) => s + a.n, 0),
            variant: v.variant,
            lift: v.relative.effect === null ? '' : pct(v.relative.effect, true),
            'CI (lift)': interval(v.relative.ci),
            p: p(v.absolute.pValue),
          })),
        ),
      ),
    );
  }
  if (report.warnings.length > 0) {
    out.push('');
    for (const w of report.warnings) out.push(`warning ${w.code}: ${w.message}`);
  }
  return `${out.join('\n')}\n`;
}

function metricRows(m: MetricReport, control: string): Record<string, unknown>[] {
  const base = m.arms.find((a) => a.variant === control);
  return m.variants.map((v) => ({
    metric: m.metric,
    role: m.role,
    variant: v.variant,
    control: value(base?.mean ?? null),
    treatment: value(m.arms.find((a) => a.variant === v.variant)?.mean ?? null),
    lift: v.relative.effect === null ? '' : pct(v.relative.effect, true),
    'CI (lift)': interval(v.relative.ci),
    p: p(v.pValue),
    'adj. p': p(v.adjustedPValue),
    result: v.significant ? (v.direction === 'better' ? 'better' : 'WORSE') : '-',
    'chance to win': v.bayesian.chanceToWin === null ? '' : pct(v.bayesian.chanceToWin),
  }));
}

function value(x: number | null): string {
  if (x === null) return '';
  return Math.abs(x) >= 1000 ? formatCount(Math.round(x)) : x.toPrecision(4);
}

function interval(ci: Interval | null): string {
  return ci ? `${pct(ci[0], true)} to ${pct(ci[1], true)}` : '';
}
