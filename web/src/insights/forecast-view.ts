import { forecastChart } from '../../../src/automation/charts/forecast-chart.ts';
import { formatNumber } from '../format.ts';
import { cell, type InsightView } from './view.ts';

interface ForecastPoint {
  t: string;
  mean: number;
  lower: { '80'?: number; '95'?: number };
  upper: { '80'?: number; '95'?: number };
}

/** The part of `POST /forecasts` (with `includeHistory`) the dashboard reads: `sightline forecast --json` and the series. */
export interface ForecastResult {
  forecasts: {
    model: string;
    points: ForecastPoint[];
    backtest?: { reason?: string };
    warnings?: { code: string; message: string }[];
  }[];
  history?: { t: string; value: number | null }[];
}

/**
 * Returns the view of a forecast: the chart of `forecastChart` (history, dashed mean, the 95% band
 * under the 80% band: the spec the report images use), the first step's mean with its 80% interval
 * as the headline, and every step's bounds in the table. `title` names the metric.
 */
export function forecastView(result: ForecastResult, title: string): InsightView {
  const f = result.forecasts[0];
  if (!f || f.points.length === 0)
    return { stats: [], chart: null, tables: [], warnings: [], sql: '', empty: true };
  const history = (result.history ?? []).filter((p): p is { t: string; value: number } => p.value !== null);
  const spec = forecastChart({
    title: '',
    subtitle: f.model,
    history: history.map((p) => ({ t: day(p.t), value: p.value })),
    forecast: f.points.map((p) => ({ ...p, t: day(p.t) })),
    includeZero: true,
  });
  const first = f.points[0]!;
  const last = f.points.at(-1)!;
  const round = (v: number | undefined) => formatNumber(v === undefined ? null : Math.round(v));
  return {
    stats: [
      {
        key: 'forecast-last',
        label: `${title} on ${last.t}`,
        value: last.mean,
        display: round(last.mean),
        sub: `80%: ${round(last.lower['80'])}–${round(last.upper['80'])} · 95%: ${round(last.lower['95'])}–${round(last.upper['95'])}`,
      },
      {
        key: 'forecast-first',
        label: `next step (${first.t})`,
        value: first.mean,
        display: round(first.mean),
        sub: `80%: ${round(first.lower['80'])}–${round(first.upper['80'])}`,
      },
    ],
    chart: { spec },
    tables: [
      {
        title: f.backtest?.reason ? `${f.model}: ${f.backtest.reason}` : f.model,
        columns: ['step', 'forecast', '80% low', '80% high', '95% low', '95% high'],
        rows: f.points.map((p) => [
          cell(p.t),
          cell(p.mean, round(p.mean)),
          ...[p.lower['80'], p.upper['80'], p.lower['95'], p.upper['95']].map((v) =>
            cell(v ?? null, round(v)),
          ),
        ]),
      },
    ],
    warnings: f.warnings ?? [],
    sql: '',
    empty: false,
  };
}

/** Daily steps are dates; the chart's time axis reads `YYYY-MM-DDT00:00` as midnight UTC. */
function day(t: string): string {
  return t.length === 10 ? `${t}T00:00` : t;
}
