import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseCsvTable } from '../../analytics/forecasting/csv-table.ts';
import { forecastMany } from '../../analytics/forecasting/forecast-many.ts';
import type { SeriesForecast } from '../../analytics/forecasting/forecast-output.ts';
import { metricSeries } from '../../analytics/forecasting/metric-series.ts';
import { historyTimes, prepareSeries } from '../../analytics/forecasting/prepare-series.ts';
import { type BacktestRequest, backtestRaw } from '../../analytics/forecasting/run-backtest.ts';
import { type ForecastRequest, validateRequest } from '../../analytics/forecasting/run-forecast.ts';
import { type RawSeries, readSeries } from '../../analytics/forecasting/series-input.ts';
import { InsightContext } from '../../analytics/insights/insight-context.ts';
import { forecastChart } from '../../automation/charts/index.ts';
import { renderChartFile } from '../../automation/charts/render-chart.ts';
import { SightlineError } from '../../errors/index.ts';
import { MODEL_CHOICES, type ModelChoice } from '../../math/forecast/registry.ts';
import { action } from '../cli-error.ts';
import { commandContext, type GlobalOptions, openForCommand } from '../context.ts';
import { formatTable } from '../format.ts';
import { ProgressBar } from '../progress-bar.ts';
import { readStdin } from '../read-input.ts';

interface ForecastFlags {
  input?: string;
  horizon: string;
  season?: string;
  model: string;
  level: string;
  windows?: string;
  seed: string;
  chart?: string;
  interval: string;
  from?: string;
  to?: string;
  where?: string;
  json?: boolean;
}

async function readMetric(globals: GlobalOptions, metric: string, flags: ForecastFlags): Promise<RawSeries> {
  if (flags.interval !== 'day' && flags.interval !== 'hour') {
    throw new SightlineError(
      'SL_FORECAST_OPTION_INVALID',
      `--interval must be day or hour, not ${JSON.stringify(flags.interval)}`,
    );
  }
  const context = commandContext(globals);
  const { warehouse } = await openForCommand(context, 'read');
  try {
    const ctx = new InsightContext(warehouse, context.project.layer, context.project.project);
    const { raw } = await metricSeries(ctx, {
      metric,
      interval: flags.interval,
      ...(flags.from === undefined ? {} : { from: flags.from }),
      ...(flags.to === undefined ? {} : { to: flags.to }),
      ...(flags.where === undefined ? {} : { where: flags.where }),
    });
    return raw;
  } finally {
    await warehouse.close();
  }
}

export function registerForecast(program: Command): void {
  program
    .command('forecast')
    .description(
      'forecast a series from a CSV file (or a warehouse metric) with intervals, the model chosen by backtest',
    )
    .argument('[metric]', 'a metric of the metrics layer (instead of --input)')
    .option(
      '--input <file>',
      'CSV: timestamp,value | value | series_id,timestamp,value (- for standard input)',
    )
    .option('--horizon <steps>', 'steps to forecast', '14')
    .option('--season <periods>', 'seasonal periods in steps, comma-separated (default: from the timestamps)')
    .option('--model <name>', `${MODEL_CHOICES.join('|')}`, 'auto')
    .option('--level <levels>', 'interval levels in percent, comma-separated', '80,95')
    .option('--windows <n>', 'backtest windows for auto and ensemble', '3')
    .option('--seed <n>', 'seed of simulated intervals', '1')
    .option('--chart <file>', 'also draw the forecast as .svg or .png (the first series)')
    .option('--interval <interval>', 'with a metric: day or hour', 'day')
    .option('--from <date>', 'with a metric: first day of history (default: the first with events)')
    .option('--to <date>', 'with a metric: last day of history (default: the last with events)')
    .option('--where <expr>', 'with a metric: only events matching this filter, e.g. "os = \'Android\'"')
    .option('--json', 'print the forecasts as JSON')
    .action(
      action(async (metric: string | undefined, flags: ForecastFlags, cmd: Command) => {
        let series: RawSeries[];
        let label: string;
        if (metric !== undefined) {
          if (flags.input !== undefined)
            throw new SightlineError('SL_USAGE', 'give a metric or --input, not both');
          label = metric;
          series = [await readMetric(cmd.optsWithGlobals<GlobalOptions>(), metric, flags)];
        } else {
          if (flags.input === undefined)
            throw new SightlineError('SL_USAGE', 'give --input FILE.csv or a metric name');
          if (flags.where !== undefined)
            throw new SightlineError('SL_USAGE', '--where filters the events of a metric: give a metric');
          label = flags.input === '-' ? 'standard input' : flags.input;
          series = readSeries(parseCsvTable(await readText(flags.input), label), label);
        }
        const request = requestFromFlags(flags);
        const bar = new ProgressBar();
        const forecasts = await forecastMany(series, request, label, (done, total) =>
          bar.update({ label: 'series forecast', done, total, records: done }),
        );
        bar.finish();
        if (flags.chart) await writeChart(flags.chart, series[0]!, forecasts[0]!, request, label);
        process.stdout.write(flags.json ? `${JSON.stringify({ forecasts })}\n` : formatForecasts(forecasts));
      }),
    );
}

export function requestFromFlags(flags: ForecastFlags): ForecastRequest {
  const model = flags.model as ModelChoice;
  if (!MODEL_CHOICES.includes(model)) {
    throw new SightlineError('SL_FORECAST_OPTION_INVALID', `unknown model ${JSON.stringify(flags.model)}`, {
      hint: `choose one of ${MODEL_CHOICES.join(', ')}`,
    });
  }
  return {
    model,
    horizon: integerFlag('--horizon', flags.horizon),
    levels: numberList('--level', flags.level),
    seasonPeriods: flags.season === undefined ? null : numberList('--season', flags.season),
    ...(flags.windows === undefined ? {} : { windows: integerFlag('--windows', flags.windows) }),
    seed: integerFlag('--seed', flags.seed),
  };
}

function integerFlag(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n))
    throw new SightlineError(
      'SL_FORECAST_OPTION_INVALID',
      `${name} must be a whole number, not ${JSON.stringify(text)}`,
    );
  return n;
}

function numberList(name: string, text: string): number[] {
  return text.split(',').map((part) => {
    const n = Number(part.trim());
    if (part.trim() === '' || !Number.isFinite(n)) {
      throw new SightlineError(
        'SL_FORECAST_OPTION_INVALID',
        `${name} takes numbers separated by commas, not ${JSON.stringify(text)}`,
      );
    }
    return n;
  });
}

export async function readText(file: string): Promise<string> {
  try {
    return file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    throw new SightlineError(
      'SL_FORECAST_INPUT_INVALID',
      `cannot read ${file}: ${(error as Error).message}`,
      {
        hint: 'check the path (use - for standard input)',
      },
    );
  }
}

async function writeChart(
  file: string,
  raw: RawSeries,
  forecast: SeriesForecast,
  request: ForecastRequest,
  label: string,
): Promise<void> {
  const prepared = prepareSeries(raw, request.seasonPeriods, label);
  const times = historyTimes(prepared);
  const history = Array.from(prepared.y, (value, i) => ({ t: times ? times[i]! : i + 1, value }));
  const spec = forecastChart({
    title: `${forecast.seriesId ?? label}: ${request.horizon}-step forecast`,
    subtitle: forecast.backtest ? `${forecast.model}: ${forecast.backtest.reason}` : forecast.model,
    history,
    forecast: forecast.points.map((p, i) => ({
      t: p.t ?? prepared.y.length + i + 1,
      mean: p.mean,
      lower: p.lower,
      upper: p.upper,
    })),
    historyPoints: Math.max(4 * request.horizon, 60),
  });
  await writeFile(file, renderChartFile(spec, file));
}

/** Six significant digits. */
function num(x: number | null | undefined): string {
  if (x === null || x === undefined) return '-';
  return String(Number(x.toPrecision(6)));
}

export function formatForecasts(forecasts: readonly SeriesForecast[]): string {
  const out: string[] = [];
  for (const f of forecasts) {
    out.push(
      `${f.seriesId === undefined ? '' : `series ${f.seriesId}: `}${f.model} (intervals: ${f.intervalMethod})`,
    );
    if (f.backtest) {
      out.push(`chosen because ${f.backtest.reason}`);
      out.push(
        formatTable(
          f.backtest.scores.map((s) => ({
            model: s.model,
            MASE: num(s.mase),
            sMAPE: num(s.smape),
            ...Object.fromEntries(
              Object.entries(s.coverage).map(([level, c]) => [
                `${level}% covered`,
                c === null ? '-' : `${Math.round(c * 100)}%`,
              ]),
            ),
          })),
        ),
      );
    }
    out.push(
      formatTable(
        f.points.map((p, i) => {
          const row: Record<string, string> = { step: p.t ?? String(i + 1), mean: num(p.mean) };
          for (const level of Object.keys(p.lower))
            row[`${level}% interval`] = `[${num(p.lower[level])}, ${num(p.upper[level])}]`;
          return row;
        }),
      ),
    );
    for (const w of f.warnings) out.push(`warning ${w.code}: ${w.message}`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

interface BacktestFlags {
  input: string;
  horizon: string;
  season?: string;
  models?: string;
  level: string;
  windows?: string;
  initial?: string;
  step?: string;
  json?: boolean;
}

export function registerBacktest(program: Command): void {
  program
    .command('backtest')
    .description(
      'rolling-origin backtest of forecasting models on a CSV series: MAE, RMSE, MAPE, sMAPE, MASE, coverage',
    )
    .requiredOption(
      '--input <file>',
      'CSV: timestamp,value | value | series_id,timestamp,value (- for standard input)',
    )
    .requiredOption('--horizon <steps>', 'steps ahead scored in each window')
    .option('--windows <n>', 'windows, from the end of the series (default 5, or all after --initial)')
    .option('--initial <n>', 'shortest training part (default two seasons)')
    .option('--step <n>', 'steps between origins (default the horizon)')
    .option(
      '--models <names>',
      `comma-separated, from ${MODEL_CHOICES.filter((m) => m !== 'auto' && m !== 'ensemble').join(', ')} (default: what auto compares)`,
    )
    .option('--season <periods>', 'seasonal periods in steps, comma-separated (default: from the timestamps)')
    .option('--level <levels>', 'interval levels in percent, comma-separated', '80,95')
    .option('--json', 'print the results as JSON')
    .action(
      action(async (flags: BacktestFlags) => {
        const label = flags.input === '-' ? 'standard input' : flags.input;
        const series = readSeries(parseCsvTable(await readText(flags.input), label), label);
        const request: BacktestRequest = {
          horizon: integerFlag('--horizon', flags.horizon),
          levels: numberList('--level', flags.level),
          seasonPeriods: flags.season === undefined ? null : numberList('--season', flags.season),
          models: flags.models === undefined ? [] : flags.models.split(',').map((m) => m.trim()),
          ...(flags.windows === undefined ? {} : { windows: integerFlag('--windows', flags.windows) }),
          ...(flags.initial === undefined ? {} : { initial: integerFlag('--initial', flags.initial) }),
          ...(flags.step === undefined ? {} : { step: integerFlag('--step', flags.step) }),
        };
        validateRequest({
          model: 'auto',
          horizon: request.horizon,
          levels: request.levels,
          seasonPeriods: request.seasonPeriods,
          ...(request.windows === undefined ? {} : { windows: request.windows }),
        });
        const results = series.map((raw) => backtestRaw(raw, request, label));
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ backtests: results })}\n`);
          return;
        }
        const out: string[] = [];
        for (const r of results) {
          out.push(
            `${r.seriesId === undefined ? '' : `series ${r.seriesId}: `}${r.origins.length} window(s) of ${r.horizon} steps, origins ${r.origins.join(', ')}`,
          );
          out.push(
            formatTable(
              r.models.map((m) => ({
                model: m.model,
                fitted: m.fitted,
                MAE: num(m.mae),
                RMSE: num(m.rmse),
                MAPE: num(m.mape),
                sMAPE: num(m.smape),
                MASE: num(m.mase),
                ...Object.fromEntries(
                  Object.entries(m.coverage).map(([level, c]) => [
                    `${level}% covered`,
                    `${Math.round(c * 100)}%`,
                  ]),
                ),
              })),
            ),
          );
          for (const w of r.warnings) out.push(`warning ${w.code}: ${w.message}`);
          out.push('');
        }
        process.stdout.write(`${out.join('\n')}\n`);
      }),
    );
}
