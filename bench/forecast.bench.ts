// npm run bench:forecast — accuracy and speed of the forecasting models.
//
// 1. NAB: every series of ../shared/data/nab averaged to hours (the last 1,048 hours at most), the last
//    48 held out: sMAPE, MASE (m = 24), 80/95% coverage and time per model, OWA against Naive2 (M4's
//    measure), beside statsmodels' ETS fitted to the same series in the same run (when Debian's
//    python3-statsmodels is installed).
// 2. The demo's daily metrics (a demo warehouse built in a temporary folder, or --db PATH): the last
//    14 days held out.
// 3. Speed targets: 400 hourly series of 1,000 points, horizon 48, auto model on both cores (target
//    < 60 s); one two-year daily series, auto model (target < 300 ms, median of 5), beside the same
//    forecast with a backtest that repeats each candidate's whole search in every window.
// In the accuracy tables, `auto, search per window` is that stricter backtest too.
// 4. With --m4 DIR holding M4's Hourly-train.csv/Hourly-test.csv and Weekly-train.csv/Weekly-test.csv
//    (github.com/Mcompetitions/M4-methods, Dataset/): the auto model's OWA on those sets beside the
//    published Theta, seasonal naive and winner (targets: <= 0.60 hourly, <= 0.95 weekly).
//
// Flags: --only nab|demo|speed|m4 (comma-separated), --db PATH, --m4 DIR, --series N (NAB subset).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseCsvTable } from '../src/analytics/forecasting/csv-table.ts';
import { forecastMany } from '../src/analytics/forecasting/forecast-many.ts';
import { metricSeries } from '../src/analytics/forecasting/metric-series.ts';
import { prepareSeries } from '../src/analytics/forecasting/prepare-series.ts';
import { forecastRaw } from '../src/analytics/forecasting/run-forecast.ts';
import { type RawSeries, readSeries } from '../src/analytics/forecasting/series-input.ts';
import { InsightContext } from '../src/analytics/insights/insight-context.ts';
import { loadProjectFile } from '../src/config/project-file.ts';
import { openWarehouse } from '../src/data/warehouse/open-warehouse.ts';
import { type Accuracy, accuracy, owa } from '../src/math/forecast/metrics.ts';
import { candidatesFor, modelFor } from '../src/math/forecast/registry.ts';
import { selectAndForecast } from '../src/math/forecast/select.ts';
import type { ForecastModel, ModelForecast } from '../src/math/forecast/types.ts';
import { createRng } from '../src/math/random.ts';
import { median, printTable } from './table.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = flag('--only')?.split(',');
const runs = (part: string) => only === undefined || only.includes(part);
const ROOT = path.resolve(import.meta.dirname, '..');
const NAB = path.resolve(ROOT, '../shared/data/nab/data');
const LEVELS = [80, 95];

const auto: ForecastModel = (y, options) =>
  selectAndForecast(y, options, candidatesFor(options.seasonPeriods), { windows: 3 }).forecast;
// The stricter, slower backtest `auto` ran before its windows reused the whole history's structure:
// every window repeats each candidate's whole search. Printed beside `auto` so that a speed-up that
// costs accuracy shows.
const autoSearch: ForecastModel = (y, options) =>
  selectAndForecast(y, options, candidatesFor(options.seasonPeriods), {
    windows: 3,
    windowRefit: 'search',
  }).forecast;
const MODELS: Record<string, ForecastModel> = {
  naive2: modelFor('naive2'),
  snaive: modelFor('snaive'),
  theta: modelFor('theta'),
  dotm: modelFor('dotm'),
  ets: modelFor('ets'),
  mstl: modelFor('mstl'),
  prophet: modelFor('prophet'),
  auto,
  'auto, search per window': autoSearch,
};

interface Row {
  model: string;
  smape: number;
  mase: number;
  owa: string;
  cover80: string;
  cover95: string;
  msPerSeries: number;
}

function fmt(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits);
}

/** Scores every model on every (train, test) pair; OWA against the naive2 row. */
function evaluate(
  cases: { id: string; train: Float64Array; test: Float64Array; periods: number[] }[],
  models: Record<string, ForecastModel>,
  external: Record<string, (ModelForecast | null)[]> = {},
  externalMs: Record<string, number> = {},
): void {
  const scores: Record<string, (Accuracy | null)[]> = {};
  const times: Record<string, number> = {};
  const all = { ...Object.fromEntries(Object.keys(models).map((k) => [k, null])), ...external };
  for (const name of Object.keys(all)) {
    scores[name] = [];
    times[name] = 0;
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      const options = { horizon: c.test.length, levels: LEVELS, seasonPeriods: c.periods, seed: 1 };
      let forecast: ModelForecast | null;
      if (models[name]) {
        const t0 = performance.now();
        forecast = models[name]!(c.train, options);
        times[name]! += performance.now() - t0;
      } else forecast = external[name]![i] ?? null;
      if (!forecast) {
        scores[name]!.push(null);
        continue;
      }
      scores[name]!.push(
        accuracy({
          actual: c.test,
          mean: forecast.mean,
          intervals: forecast.intervals,
          insample: c.train,
          seasonPeriod: c.periods[0] ?? 1,
        }),
      );
    }
    if (externalMs[name] !== undefined) times[name] = externalMs[name]!;
  }
  // Score every model on the same series: those where each model's sMAPE and MASE are defined (a
  // series of zeros has neither) and each model gave a forecast.
  const names = Object.keys(all);
  const scoredCases = cases
    .map((_, i) => i)
    .filter((i) =>
      names.every(
        (n) => scores[n]![i] != null && scores[n]![i]!.smape !== null && scores[n]![i]!.mase !== null,
      ),
    );
  console.log(
    `${scoredCases.length} of ${cases.length} series scored by every model (the others have zero actuals or a flat history, or a model gave no forecast)`,
  );
  const pick = (name: string) => scoredCases.map((i) => scores[name]![i]!);
  const base = pick('naive2');
  const rows: Row[] = names.map((name) => {
    const s = pick(name);
    const mean = (get: (a: Accuracy) => number | null | undefined) => {
      const v = s.map(get).filter((x): x is number => x !== null && x !== undefined && Number.isFinite(x));
      return v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN;
    };
    return {
      model: name,
      smape: mean((a) => a.smape),
      mase: mean((a) => a.mase),
      owa: fmt(owa(s, base).owa),
      cover80: `${fmt(100 * mean((a) => a.coverage['80']), 1)}%`,
      cover95: `${fmt(100 * mean((a) => a.coverage['95']), 1)}%`,
      msPerSeries: times[name]! / Math.max(1, cases.length),
    };
  });
  printTable(
    rows.map((r) => ({
      ...r,
      smape: fmt(r.smape, 2),
      mase: fmt(r.mase),
      msPerSeries: fmt(r.msPerSeries, 1),
    })),
  );
}

/** A NAB file averaged to hours (gaps filled as the forecast input does). */
function nabHourly(file: string): Float64Array {
  const [raw] = readSeries(parseCsvTable(readFileSync(file, 'utf8'), file), file);
  const hour = 3_600_000_000;
  const times = Float64Array.from(raw!.times!, (t) => Math.floor(t / hour) * hour);
  return prepareSeries({ id: null, times, values: raw!.values }, [], file).y;
}

function statsmodelsEts(cases: { id: string; train: Float64Array; test: Float64Array; periods: number[] }[]) {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import statsmodels'], { encoding: 'utf8' });
  if (probe.status !== 0) return null;
  const input = JSON.stringify({
    series: cases.map((c) => ({
      id: c.id,
      train: Array.from(c.train),
      h: c.test.length,
      m: c.periods[0] ?? 1,
    })),
  });
  const out = execFileSync(
    '/usr/bin/python3',
    [path.join(import.meta.dirname, 'forecast/statsmodels_ets.py')],
    {
      input,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    },
  );
  const results = JSON.parse(out).results as {
    ok: boolean;
    seconds: number;
    mean: number[];
    lower80: number[];
    upper80: number[];
    lower95: number[];
    upper95: number[];
  }[];
  const forecasts = results.map((r): ModelForecast | null =>
    r.ok
      ? {
          model: 'statsmodels ETS',
          mean: Float64Array.from(r.mean),
          intervals: [
            { level: 80, lower: Float64Array.from(r.lower80), upper: Float64Array.from(r.upper80) },
            { level: 95, lower: Float64Array.from(r.lower95), upper: Float64Array.from(r.upper95) },
          ],
          intervalMethod: 'analytic',
          fitted: null,
          params: {},
          logLik: null,
          aicc: null,
          warnings: [],
        }
      : null,
  );
  const ms =
    (results.reduce((s, r) => s + r.seconds, 0) * 1000) / Math.max(1, results.filter((r) => r.ok).length);
  return { forecasts, ms };
}

if (runs('nab')) {
  const files = readdirSync(NAB, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .flatMap((group) => readdirSync(path.join(NAB, group)).map((f) => path.join(NAB, group, f)))
    .sort();
  const limit = Number(flag('--series') ?? files.length);
  const h = 48;
  const cases = files.slice(0, limit).flatMap((file) => {
    const y = nabHourly(file);
    const tail = y.subarray(Math.max(0, y.length - 1000 - h));
    if (tail.length < 3 * h) return [];
    const train = tail.subarray(0, tail.length - h);
    return [
      {
        id: path.basename(file),
        train,
        test: tail.subarray(tail.length - h),
        periods: train.length >= 2 * 168 ? [24, 168] : [24],
      },
    ];
  });
  console.log(
    `\nNAB, ${cases.length} series averaged to hours (up to 1,000 for training), last ${h} hours held out`,
  );
  const reference = statsmodelsEts(cases);
  if (reference)
    evaluate(
      cases,
      MODELS,
      { 'statsmodels ETS (reference)': reference.forecasts },
      { 'statsmodels ETS (reference)': reference.ms },
    );
  else {
    console.log(
      '(statsmodels is not installed: apt-get install python3-statsmodels to print its ETS beside ours)',
    );
    evaluate(cases, MODELS);
  }
}

if (runs('demo')) {
  let db = flag('--db');
  let temp: string | null = null;
  if (db === undefined) {
    temp = mkdtempSync(path.join(tmpdir(), 'sightline-forecast-bench-'));
    db = path.join(temp, 'demo.duckdb');
    console.log('\nbuilding the demo warehouse ...');
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'bin/sightline.mjs'), '--db', db, 'demo', '--out', path.join(temp, 'raw'), '--json'],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  const project = loadProjectFile(path.join(ROOT, 'sightline.yaml'));
  const { warehouse } = await openWarehouse({ path: db, readOnly: true });
  const h = 14;
  const cases: { id: string; train: Float64Array; test: Float64Array; periods: number[] }[] = [];
  try {
    const ctx = new InsightContext(warehouse, project.layer, project.project);
    for (const metric of ['dau', 'views', 'likes', 'ctr', 'messages_sent']) {
      const { raw } = await metricSeries(ctx, { metric, interval: 'day' });
      const y = prepareSeries(raw, [7], metric).y;
      cases.push({
        id: metric,
        train: y.subarray(0, y.length - h),
        test: y.subarray(y.length - h),
        periods: [7],
      });
    }
  } finally {
    await warehouse.close();
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
  console.log(
    `\ndemo metrics (${cases.map((c) => c.id).join(', ')}), daily, ${cases[0]?.train.length} days of training, last ${h} held out`,
  );
  const reference = statsmodelsEts(cases);
  evaluate(
    cases,
    MODELS,
    reference ? { 'statsmodels ETS (reference)': reference.forecasts } : {},
    reference ? { 'statsmodels ETS (reference)': reference.ms } : {},
  );
}

if (runs('speed')) {
  const rng = createRng(42);
  const series: RawSeries[] = Array.from({ length: 400 }, (_, k) => {
    const level = 100 + 900 * rng.next();
    const daily = 0.1 + 0.5 * rng.next();
    const weekly = 0.3 * rng.next();
    const trend = (rng.next() - 0.5) * 0.2;
    let ar = 0;
    const values = Float64Array.from({ length: 1000 }, (_, t) => {
      ar = 0.6 * ar + rng.normal() * 0.05 * level;
      return (
        level * (1 + daily * Math.sin((2 * Math.PI * t) / 24) + weekly * Math.sin((2 * Math.PI * t) / 168)) +
        trend * t +
        ar
      );
    });
    const times = Float64Array.from(
      { length: 1000 },
      (_, t) => Date.UTC(2024, 0, 1) * 1000 + t * 3_600_000_000,
    );
    return { id: `s${k}`, times, values };
  });
  const t0 = performance.now();
  const results = await forecastMany(
    series,
    { model: 'auto', horizon: 48, levels: LEVELS, seasonPeriods: null, windows: 3 },
    'speed',
  );
  const seconds = (performance.now() - t0) / 1000;
  const chosen = new Map<string, number>();
  for (const r of results) chosen.set(r.model.split('(')[0]!, (chosen.get(r.model.split('(')[0]!) ?? 0) + 1);
  console.log(`\nspeed: 400 hourly series x 1,000 points, horizon 48, auto on both cores`);
  printTable([
    {
      measure: 'wall time',
      ours: `${seconds.toFixed(1)} s`,
      target: '< 60 s',
      chosen: [...chosen].map(([m, n]) => `${m} ${n}`).join(', '),
    },
  ]);

  const daily = (() => {
    const r = createRng(7);
    let level = 1000;
    const values = Float64Array.from({ length: 730 }, (_, t) => {
      level += 0.5 + r.normal() * 5;
      return (
        level * (1 + 0.15 * Math.sin((2 * Math.PI * t) / 7) + 0.1 * Math.sin((2 * Math.PI * t) / 365.25)) +
        r.normal() * 20
      );
    });
    const times = Float64Array.from(
      { length: 730 },
      (_, t) => Date.UTC(2024, 0, 1) * 1000 + t * 86_400_000_000,
    );
    return { id: null, times, values } satisfies RawSeries;
  })();
  // Both backtests of `auto`, alternating so that both see the same load on this shared machine.
  const ms = { parameters: [] as number[], search: [] as number[] };
  const dailyChoice = { parameters: '', search: '' };
  for (let i = 0; i < 6; i++) {
    for (const windowRefit of ['parameters', 'search'] as const) {
      const start = performance.now();
      const out = forecastRaw(
        daily,
        { model: 'auto', horizon: 30, levels: LEVELS, seasonPeriods: null, windowRefit },
        'daily',
      );
      if (i > 0) ms[windowRefit].push(performance.now() - start); // the first run warms the JIT
      dailyChoice[windowRefit] = `${out.model}: ${out.backtest?.reason ?? ''}`;
    }
  }
  const ours = median(ms.parameters);
  const search = median(ms.search);
  printTable([
    {
      measure: 'one two-year daily series, auto, horizon 30 (median of 5)',
      ours: `${ours.toFixed(0)} ms`,
      target: '< 300 ms',
      'search per window': `${search.toFixed(0)} ms (${(search / ours).toFixed(1)}x)`,
    },
  ]);
  console.log(`chosen: ${dailyChoice.parameters}`);
  if (dailyChoice.search !== dailyChoice.parameters)
    console.log(`chosen, search per window: ${dailyChoice.search}`);
}

if (runs('m4') && flag('--m4')) {
  const dir = flag('--m4')!;
  const sets = [
    {
      name: 'Hourly',
      h: 48,
      periods: [24, 168],
      m: 24,
      published: 'Theta 1.006, seasonal naive 0.627, winner 0.440; target <= 0.60',
    },
    { name: 'Weekly', h: 13, periods: [52], m: 1, published: 'Theta 0.971, winner 0.851; target <= 0.95' },
  ];
  for (const set of sets) {
    const train = path.join(dir, `${set.name}-train.csv`);
    if (!existsSync(train)) continue;
    const rows = (file: string) =>
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) =>
          line
            .split(',')
            .slice(1)
            .map((c) => c.replaceAll('"', ''))
            .filter((c) => c !== '')
            .map(Number),
        );
    const trains = rows(train);
    const tests = rows(path.join(dir, `${set.name}-test.csv`));
    const cases = trains.map((t, i) => ({
      id: String(i),
      train: Float64Array.from(t),
      test: Float64Array.from(tests[i]!),
      periods: set.periods.filter((p) => t.length >= 2 * p),
    }));
    console.log(
      `\nM4 ${set.name}: ${cases.length} series, horizon ${set.h}; published OWA: ${set.published}`,
    );
    evaluate(cases, { naive2: MODELS.naive2!, snaive: MODELS.snaive!, theta: MODELS.theta!, auto });
  }
}
