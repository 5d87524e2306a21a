import { forecastChart } from '../../../src/automation/charts/forecast-chart.ts';
import { api } from '../api.ts';
import { chartView } from '../charts/chart-view.ts';
import { h, mount, state } from '../dom.ts';
import { formatNumber } from '../format.ts';
import { tableView } from '../insights/render-view.ts';
import { cell } from '../insights/view.ts';

interface ForecastPoint {
  t: string;
  mean: number;
  lower: { '80'?: number; '95'?: number };
  upper: { '80'?: number; '95'?: number };
}
interface ForecastResult {
  forecasts: {
    model: string;
    points: ForecastPoint[];
    backtest?: { reason?: string };
    warnings?: { code: string; message: string }[];
  }[];
  /** The series the forecast was fitted on (`includeHistory`). */
  history?: { t: string; value: number | null }[];
}

/**
 * A metric's forecast: the history it was fitted on, the forecast mean, and the 80% and 95%
 * bands drawn by `forecastChart`, the same spec the report images use; the model chosen and why under
 * it, and every step's bounds in a table.
 */
export function forecastPage(): HTMLElement {
  const metric = h('input', {
    name: 'metric',
    value: 'dau',
    'data-testid': 'forecast-metric',
    'aria-label': 'metric',
  });
  const horizon = h('input', {
    name: 'horizon',
    type: 'number',
    min: '1',
    max: '365',
    value: '14',
    'data-testid': 'forecast-horizon',
    'aria-label': 'horizon',
  });
  const out = h('div', { 'data-testid': 'forecast-result' });
  const run = async () => {
    mount(out, state.loading('Fitting models…'));
    try {
      const body = { metric: metric.value.trim(), horizon: Number(horizon.value), includeHistory: true };
      const result = await api<ForecastResult>('POST', '/forecasts', body);
      const f = result.forecasts[0];
      if (!f || f.points.length === 0) return mount(out, state.empty('The forecast has no steps.'));
      const history = (result.history ?? []).filter(
        (p): p is { t: string; value: number } => p.value !== null,
      );
      const spec = forecastChart({
        title: `${body.metric}: ${f.points.length}-step forecast`,
        subtitle: f.model,
        history: history.map((p) => ({ t: day(p.t), value: p.value })),
        forecast: f.points.map((p) => ({ ...p, t: day(p.t) })),
        includeZero: true,
      });
      mount(
        out,
        chartView({ spec }, 360),
        h(
          'p',
          { class: 'muted', 'data-testid': 'forecast-model' },
          f.model,
          f.backtest?.reason ? `: ${f.backtest.reason}` : '',
        ),
        ...(f.warnings ?? []).map((w) =>
          h('p', { class: 'warnings' }, h('strong', {}, w.code), ' ', w.message),
        ),
        tableView(
          {
            columns: ['day', 'forecast', '80% low', '80% high', '95% low', '95% high'],
            rows: f.points.map((p) => [
              cell(p.t),
              cell(p.mean, formatNumber(Math.round(p.mean))),
              ...[p.lower['80'], p.upper['80'], p.lower['95'], p.upper['95']].map((v) =>
                cell(v ?? null, formatNumber(v === undefined ? null : Math.round(v))),
              ),
            ]),
          },
          0,
        ),
      );
    } catch (error) {
      mount(out, state.error(error));
    }
  };
  const form = h(
    'form',
    {
      class: 'inline-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        void run();
      },
    },
    h('label', {}, 'Metric', metric),
    h('label', {}, 'Days ahead', horizon),
    h('button', { type: 'submit', 'data-testid': 'forecast-run' }, 'Forecast'),
  );
  void run();
  return h(
    'main',
    { class: 'page forecast-page', 'data-testid': 'forecast-page' },
    h('h2', {}, 'Forecast'),
    form,
    out,
  );
}

/** Daily steps are dates; the chart's time axis reads `YYYY-MM-DDT00:00` as midnight UTC. */
function day(t: string): string {
  return t.length === 10 ? `${t}T00:00` : t;
}
