import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { causalInput } from '../../analytics/causal/causal-input.ts';
import { causalJson } from '../../analytics/causal/causal-json.ts';
import { parseCsvTable } from '../../analytics/forecasting/csv-table.ts';
import { causalImpactChart, causalImpactChartInput } from '../../automation/charts/causal-impact-chart.ts';
import { renderChartFile } from '../../automation/charts/render-chart.ts';
import { type CausalImpactResult, causalImpact } from '../../math/causal/causal-impact.ts';
import { action } from '../cli-error.ts';
import { formatTable } from '../format.ts';
import { readText } from './forecast.ts';

interface CausalFlags {
  input: string;
  pre: string;
  post: string;
  response?: string;
  controls?: string;
  alpha: string;
  chart?: string;
  json?: boolean;
}

export function registerCausal(program: Command): void {
  program
    .command('causal')
    .description(
      'estimate the causal impact of a launch: the post-period against a counterfactual from the pre-period',
    )
    .requiredOption(
      '--input <file>',
      'CSV with the response and optional control columns (and a time column)',
    )
    .requiredOption('--pre <A:B>', 'pre-period: row numbers from 1, or times of the time column')
    .requiredOption('--post <C:D>', 'post-period, after the pre-period')
    .option('--response <column>', 'the response column (default: y or value, else the first numeric column)')
    .option('--controls <columns>', 'control columns, comma-separated (default: every other numeric column)')
    .option('--alpha <a>', 'intervals are 1 - alpha', '0.05')
    .option('--chart <file>', 'also draw observed against counterfactual as .svg or .png')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (flags: CausalFlags) => {
        const table = parseCsvTable(await readText(flags.input), flags.input);
        const input = causalInput(table, flags, flags.input);
        const result = causalImpact({
          y: input.y,
          controls: input.controls,
          pre: input.pre,
          post: input.post,
          alpha: Number(flags.alpha),
        });
        if (flags.chart) {
          // A numeric time column (the vignette's t = 1, 2, ...) is a step number, not a date.
          const numeric = input.times?.every((t) => t !== '' && Number.isFinite(Number(t)));
          const times =
            input.times === null || numeric
              ? Array.from(input.y, (_, row) => (input.times ? Number(input.times[row]) : row + 1))
              : input.times;
          const chart = causalImpactChartInput(result, {
            y: input.y,
            times,
            title: `Causal impact on ${input.responseName}`,
          });
          await writeFile(flags.chart, renderChartFile(causalImpactChart(chart), flags.chart));
        }
        if (flags.json) {
          process.stdout.write(
            `${JSON.stringify({ response: input.responseName, controls: input.controlNames, ...causalJson(result, input.times) })}\n`,
          );
          return;
        }
        process.stdout.write(formatCausal(result, input.responseName, input.controlNames));
      }),
    );
}

function num(x: number): string {
  return String(Number(x.toPrecision(4)));
}

function formatCausal(result: CausalImpactResult, response: string, controls: readonly string[]): string {
  const level = `${Number(((1 - result.alpha) * 100).toPrecision(4))}%`;
  const row = (label: string, pick: (s: CausalImpactResult['average']) => string) => ({
    '': label,
    average: pick(result.average),
    cumulative: pick(result.cumulative),
  });
  const est = (e: { value: number; sd: number }) => `${num(e.value)} (sd ${num(e.sd)})`;
  const ci = (e: { interval: readonly [number, number] }) => `[${num(e.interval[0])}, ${num(e.interval[1])}]`;
  const pct = (e: { value: number; sd: number; interval: readonly [number, number] }) =>
    `${num(100 * e.value)}% (sd ${num(100 * e.sd)}%) [${num(100 * e.interval[0])}%, ${num(100 * e.interval[1])}%]`;
  const lines = [
    `causal impact on ${response}${controls.length ? ` with controls ${controls.join(', ')}` : ' (no controls)'}, ${result.rows.length} post-period points`,
    '',
    formatTable([
      row('actual', (s) => num(s.actual)),
      row('prediction', (s) => est(s.prediction)),
      row(`${level} interval`, (s) => ci(s.prediction)),
      row('absolute effect', (s) => est(s.absoluteEffect)),
      row(`${level} interval`, (s) => ci(s.absoluteEffect)),
      row('relative effect', (s) => pct(s.relativeEffect)),
    ]),
    '',
    `posterior tail-area probability p: ${num(result.p)}; probability of a causal effect: ${num(100 * result.probabilityOfEffect)}%`,
    '',
    result.report,
  ];
  for (const w of result.warnings) lines.push(`warning ${w.code}: ${w.message}`);
  return `${lines.join('\n')}\n`;
}
