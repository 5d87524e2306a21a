import { api } from '../api.ts';
import { h, loadInto, state, submitForm } from '../dom.ts';
import { type ForecastResult, forecastView } from '../insights/forecast-view.ts';
import { insightBody } from '../insights/render-view.ts';

/**
 * A metric's forecast (`POST /forecasts` with the history it was fitted on): the chart with the 80%
 * and 95% bands, the model chosen by backtest and why, and every step's bounds.
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
  const out = h('div', { class: 'card', 'data-testid': 'forecast-result', 'data-state': 'loading' });
  const run = () =>
    loadInto(out, 'Fitting models…', async () => {
      const body = { metric: metric.value.trim(), horizon: Number(horizon.value), includeHistory: true };
      const view = forecastView(await api<ForecastResult>('POST', '/forecasts', body), body.metric);
      return {
        nodes: view.empty
          ? [state.empty('The forecast has no steps.')]
          : insightBody(view, { open: true, chartHeight: 360 }),
        empty: view.empty,
      };
    });
  const form = submitForm(
    'inline-form',
    () => void run(),
    h('label', {}, 'Metric', metric),
    h('label', {}, 'Steps ahead', horizon),
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
