import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { type CompareOutput, compareArms } from '../../analytics/stats-compare/compare-arms.ts';
import { COMPARE_TESTS, parseCompareInput } from '../../analytics/stats-compare/compare-input.ts';
import { SightlineError } from '../../errors/index.ts';
import { action } from '../cli-error.ts';
import { formatTable } from '../format.ts';
import { readStdin } from '../read-input.ts';

interface CompareFlags {
  input: string;
  json?: boolean;
}

const INPUT_HELP = `
Input (JSON; the first arm is control, effects are the second arm minus the first):
  {"type": "mean" | "proportion" | "ratio", "alpha"?: 0.05, "difference"?: "absolute" | "relative",
   "arms": [ARM, ARM], "tests"?: [TEST, ...], "bootstrap"?: {"seed"?: 1, "replicates"?: 10000, "method"?: "percentile" | "bca"}}
  ARM: {"name", "values": [...]}  |  {"name", "n", "sum", "sumSquares"}  |  {"name", "numerator": [...], "denominator": [...]}
       each with an optional "weight" (planned traffic share, for the sample-ratio check)
  TEST: ${COMPARE_TESTS.join(', ')}
Defaults: mean -> welch, student, mannwhitney, bootstrap (the last two need values), bayesian, sequential;
          proportion -> ztest, chisquare, bayesian, sequential; ratio -> delta, linearization, bootstrap, bayesian, sequential.`;

async function readInput(file: string): Promise<unknown> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    throw new SightlineError('SL_STATS_INPUT_INVALID', `cannot read ${file}: ${(error as Error).message}`, {
      hint: 'check the path given to --input (use - for standard input)',
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SightlineError('SL_STATS_INPUT_INVALID', `${file} is not JSON: ${(error as Error).message}`, {
      hint: 'the input is one JSON object; see `sightline stats compare --help`',
    });
  }
}

/** Six significant digits, without trailing zeros; p-values below 1e-4 in exponent form. */
function formatNumber(x: number | null | undefined, pValue = false): string {
  if (x === null || x === undefined) return '-';
  if (pValue && x !== 0 && x < 1e-4) return x.toExponential(3);
  if (x !== 0 && (Math.abs(x) >= 1e9 || Math.abs(x) < 1e-4)) return x.toExponential(4);
  return String(Number(x.toPrecision(6)));
}

/** The name of each test's statistic. */
const STATISTIC: Record<string, string> = { ztest: 'z', chisquare: 'X2' };

function notes(test: string, result: Record<string, unknown>): string {
  const parts: string[] = [];
  const add = (label: string, key: string, pValue = false) => {
    if (typeof result[key] === 'number')
      parts.push(`${label} ${formatNumber(result[key] as number, pValue)}`);
  };
  add(STATISTIC[test] ?? 't', 'statistic');
  add('df', 'df');
  add('U', 'u');
  add('P(T>C)', 'probabilityOfSuperiority');
  add('P(win)', 'chanceToWin');
  add('kappa', 'kappa');
  if (typeof result['kind'] === 'string')
    parts.push(`${result['kind']} ${result['method']}, seed ${result['seed']}`);
  if (result['correction'] === true) parts.push('Yates');
  if (typeof result['units'] === 'string') parts.push(`effect in ${result['units']}`);
  const warnings = result['warnings'] as readonly { code: string }[];
  for (const w of warnings) parts.push(w.code);
  return parts.join(', ');
}

/** The compact human form: the arms, one row per test, the sample-ratio check. */
export function formatComparison(output: CompareOutput): string {
  const [control, treatment] = output.arms;
  const measure = output.type === 'mean' ? 'mean' : output.type === 'proportion' ? 'rate' : 'ratio';
  const arm = (a: (typeof output.arms)[number]) => `${a.name} (n ${a.n}, ${measure} ${formatNumber(a.mean)})`;
  const level = `${Number(((1 - output.alpha) * 100).toPrecision(6))}%`;
  const rows = Object.entries(output.results).map(([test, result]) => ({
    test,
    effect: formatNumber(result.effect),
    [`${level} interval`]: result.ci ? `[${formatNumber(result.ci[0])}, ${formatNumber(result.ci[1])}]` : '-',
    'p-value': formatNumber(result.pValue, true),
    notes: notes(test, result as Record<string, unknown>),
  }));
  const lines = [
    `${output.type}, ${output.difference} effect = ${treatment.name} - ${control.name}, two-sided, alpha ${output.alpha}`,
    `arms: ${arm(control)} vs ${arm(treatment)}`,
    '',
    formatTable(rows),
    '',
    `sample-ratio check: p = ${formatNumber(output.srm.pValue, true)}${output.srm.mismatch ? ` - MISMATCH (below ${output.srm.threshold}): the split differs from the planned weights` : ''}`,
  ];
  for (const [test, reason] of Object.entries(output.skipped)) lines.push(`not run: ${test} (${reason})`);
  return `${lines.join('\n')}\n`;
}

export function registerStats(program: Command): void {
  const stats = program.command('stats').description('statistics on data from anywhere');
  stats
    .command('compare')
    .description(
      'compare two arms with every test that applies (t-tests, Mann-Whitney, z, chi-square, bootstrap, delta, Bayesian, sequential)',
    )
    .requiredOption('--input <file>', 'a JSON file with the arms (- for standard input)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', INPUT_HELP)
    .action(
      action(async (flags: CompareFlags) => {
        const output = compareArms(parseCompareInput(await readInput(flags.input)));
        process.stdout.write(flags.json ? `${JSON.stringify(output)}\n` : formatComparison(output));
      }),
    );
}
