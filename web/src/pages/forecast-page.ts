import { api } from '../api.ts';
import { h, mount, state } from '../dom.ts';
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
  const run = async () => {
    out.dataset['state'] = 'loading';
    mount(out, state.loading('Fitting models…'));
    try {
      const body = { metric: metric.value.trim(), horizon: Number(horizon.value), includeHistory: true };
      const view = forecastView(await api<ForecastResult>('POST', '/forecasts', body), body.metric);
      if (view.empty) mount(out, state.empty('The forecast has no steps.'));
      else mount(out, ...insightBody(view, { open: true, chartHeight: 360 }));
      out.dataset['state'] = view.empty ? 'empty' : 'ready';
    } catch (error) {
      mount(out, state.error(error));
      out.dataset['state'] = 'error';
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
