import type { Command } from 'commander';
import { type AaValidationReport, validateSplit } from '../../analytics/experiments/aa-validation.ts';
import { findExperiment } from '../../analytics/experiments/experiment.ts';
import { InsightContext } from '../../analytics/insights/insight-context.ts';
import { SightlineError } from '../../errors/index.ts';
import { AA_TESTS, type AaTest } from '../../math/stats/aa-simulation.ts';
import type { Interval } from '../../math/stats/result.ts';
import { action } from '../cli-error.ts';
import { commandContext, type GlobalOptions, openForCommand } from '../context.ts';
import { formatCount } from '../format.ts';
import { ProgressBar } from '../progress-bar.ts';

interface AaFlags {
  simulations: string;
  sample?: string;
  metric?: string;
  test?: string;
  alpha?: string;
  seed: string;
  json?: boolean;
}

/** `sightline experiment aa NAME`: the A/A validation of an experiment's split (aa-validation.ts). */
export function registerExperimentAa(experiment: Command): void {
  experiment
    .command('aa')
    .description(
      'A/A validation of the split: repeated subsampling of the two groups, false-positive rate, KS test of the p-values and a verdict',
    )
    .argument(
      '<name>',
      'an experiment declared under experiments: in sightline.yaml (kind: aa for its split)',
    )
    .option('--simulations <k>', 'draws', '10000')
    .option('--sample <n>', 'users per arm in each draw (default 500, at most 2% of the smaller group)')
    .option('--metric <name>', 'the metric (default: the experiment’s primary metric)')
    .option('--test <test>', `the test of each draw: ${AA_TESTS.join(', ')} (default: the one analyze uses)`)
    .option('--alpha <a>', 'the level each draw is tested at (default: the experiment’s alpha)')
    .option('--seed <s>', 'the seed of the draws', '1')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (name: string, flags: AaFlags, command: Command) => {
        const context = commandContext(command.optsWithGlobals<GlobalOptions>());
        const { project, layer, experiments } = context.project;
        findExperiment(experiments, name); // an unknown name fails before the database is opened
        const spec = specOf(flags);
        const { warehouse } = await openForCommand(context, 'read');
        const bar = new ProgressBar();
        try {
          const report = await validateSplit(
            new InsightContext(warehouse, layer, project),
            experiments,
            name,
            {
              ...spec,
              onProgress: (done, total) => bar.update({ label: 'A/A draws', done, total, records: done }),
            },
          );
          bar.finish();
          process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : formatAaReport(report));
        } finally {
          bar.finish();
          await warehouse.close();
        }
      }),
    );
}

function specOf(flags: AaFlags) {
  const integer = (flag: string, value: string, min: number): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min)
      throw new SightlineError('SL_USAGE', `--${flag} must be an integer of at least ${min}, got "${value}"`);
    return n;
  };
  let alpha: number | undefined;
  if (flags.alpha !== undefined) {
    alpha = Number(flags.alpha);
    if (flags.alpha.trim() === '' || !(alpha > 0 && alpha < 1))
      throw new SightlineError('SL_USAGE', `--alpha must lie in (0, 1), got "${flags.alpha}"`);
  }
  if (flags.test !== undefined && !AA_TESTS.includes(flags.test as AaTest))
    throw new SightlineError('SL_USAGE', `--test must be one of ${AA_TESTS.join(', ')}, got "${flags.test}"`);
  return {
    simulations: integer('simulations', flags.simulations, 1),
    ...(flags.sample !== undefined ? { samplePerArm: integer('sample', flags.sample, 2) } : {}),
    ...(flags.metric !== undefined ? { metric: flags.metric } : {}),
    ...(flags.test !== undefined ? { test: flags.test as AaTest } : {}),
    ...(alpha !== undefined ? { alpha } : {}),
    seed: integer('seed', flags.seed, 0),
  };
}

const BAR_WIDTH = 40;

const formatBand = ([lo, hi]: Interval): string =>
  lo === hi ? lo.toFixed(4) : `${lo.toFixed(4)} to ${hi.toFixed(4)}`;

/** The report as text: what was checked, the false-positive rate, the KS test, the histogram, the verdict. */
export function formatAaReport(r: AaValidationReport): string {
  const lines: string[] = [];
  const groups = r.groups.map((g) => `${g.variant} ${formatCount(g.users)}`).join(', ');
  lines.push(
    `A/A validation of ${r.experiment} (${r.window.from} to ${r.window.to}), metric ${r.metric} (${r.label})`,
  );
  lines.push(`checks ${r.scope}`);
  lines.push(`users: ${groups}`);
  lines.push(
    `${formatCount(r.simulations)} draws of ${formatCount(r.samplePerArm)} users per arm, alpha ${r.alpha}, seed ${r.seed}; test: ${r.test.why}`,
  );
  if (r.sampleNote) lines.push(`sample: ${r.sampleNote}`);
  lines.push('');
  if (r.falsePositiveRate !== null && r.fprInterval !== null) {
    const [lo, hi] = r.fprInterval;
    lines.push(
      `false-positive rate  ${r.falsePositiveRate.toFixed(4)}  (95% CI ${lo.toFixed(4)} to ${hi.toFixed(4)}; a sound split gives ${formatBand(r.expected.fprBand)}; ${formatCount(r.falsePositives)} of ${formatCount(r.tested)} draws)`,
    );
  } else lines.push('false-positive rate  none (no draw gave a p-value)');
  if (r.fullSplitPValue !== null)
    lines.push(`the test on all users of both groups  p = ${formatP(r.fullSplitPValue)}`);
  if (r.ks)
    lines.push(
      `KS test, p-values against ${r.fullSplitPValue === null ? 'uniform' : 'what a sound split with this difference gives'}  D = ${r.ks.statistic.toFixed(4)}, p = ${formatP(r.ks.pValue)}`,
    );
  lines.push('');
  lines.push('p-value histogram (a sound split gives a flat one)');
  const most = Math.max(1, ...r.histogram.map((b) => b.count));
  const expected = r.tested / r.histogram.length;
  for (const bin of r.histogram) {
    const bar = '#'.repeat(Math.round((bin.count / most) * BAR_WIDTH));
    lines.push(
      `  ${bin.from.toFixed(2)}-${bin.to.toFixed(2)} ${bar.padEnd(BAR_WIDTH)} ${formatCount(bin.count)}`,
    );
  }
  lines.push(`  (${formatCount(Math.round(expected))} per bin expected)`);
  lines.push('');
  lines.push(
    r.verdict.ok
      ? 'verdict: OK — the groups are alike, and the false-positive rate and the p-values are what a sound split gives'
      : `verdict: FAILED — ${r.verdict.reasons.join('; ')}`,
  );
  for (const warning of r.warnings) lines.push(`warning ${warning.code}: ${warning.message}`);
  return `${lines.join('\n')}\n`;
}

function formatP(p: number): string {
  return p < 0.001 ? p.toExponential(2) : p.toFixed(3);
}
