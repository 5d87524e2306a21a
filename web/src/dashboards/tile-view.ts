import { api } from '../api.ts';
import { h, mount, state } from '../dom.ts';
import { applyFilters, filters } from '../filters.ts';
import { type ForecastResult, forecastView } from '../insights/forecast-view.ts';
import { insightView } from '../insights/insight-view.ts';
import { insightBody } from '../insights/render-view.ts';
import type { InsightView } from '../insights/view.ts';
import { onNewData } from '../live.ts';
import type { Tile } from './dashboard.ts';

/** The insight a tile shows: its own, or the saved insight it refers to. */
async function resolve(tile: Tile): Promise<{ type: string; spec: Record<string, unknown> }> {
  if (!tile.savedInsightId) return tile;
  return api('GET', `/saved-insights/${encodeURIComponent(tile.savedInsightId)}`);
}

/**
 * Runs a tile under the global filters and returns what it asked and how to show the answer: an
 * insight goes to `POST /insights/:type` with the filters in its spec; a forecast tile to
 * `POST /forecasts` with the date range and the filter applied to the history it forecasts from.
 */
async function runTile(tile: Tile): Promise<{ asked: Record<string, unknown>; view: InsightView }> {
  const { type, spec } = await resolve(tile);
  const current = filters.get();
  if (type === 'forecast') {
    const asked = { ...applyFilters(spec, current), includeHistory: true };
    const result = await api<ForecastResult>('POST', '/forecasts', asked);
    return { asked, view: forecastView(result, String(spec['metric'] ?? 'forecast')) };
  }
  const asked = applyFilters(spec, current);
  const result = await api('POST', `/insights/${encodeURIComponent(type)}`, asked);
  return { asked, view: insightView(type, result) };
}

/**
 * Returns a tile's element: its title, then the loading state, the error the API gave, an empty state,
 * or the result's numbers and chart. It re-runs when the global filters change and when new data
 * lands, for as long as it is on the page. `actions` go in its header (remove from a dashboard).
 * `data-spec` holds what the shown numbers answer, so a test or a curious user can ask the CLI the same.
 */
export function tileView(tile: Tile, actions: HTMLElement[] = []): HTMLElement {
  const body = h('div', { class: 'tile-body' });
  const el = h(
    'section',
    {
      class: `tile tile-${tile.type}${(tile.width ?? 6) >= 12 ? ' wide' : ''}`,
      'data-testid': `tile-${tile.id}`,
      'data-state': 'loading',
    },
    h('header', {}, h('h3', {}, tile.title), ...actions),
    body,
  );
  let generation = 0;
  const run = async () => {
    const mine = ++generation;
    el.dataset['state'] = 'loading';
    el.setAttribute('aria-busy', 'true');
    if (!body.firstChild) mount(body, state.loading());
    try {
      const { asked, view } = await runTile(tile);
      if (mine !== generation) return; // a newer run (a filter change) owns the tile now
      el.dataset['spec'] = JSON.stringify(asked);
      if (view.empty)
        mount(body, state.empty('No data for this range and these filters.'), ...insightBody(view).slice(-1));
      else mount(body, ...insightBody(view));
      el.dataset['state'] = view.empty ? 'empty' : 'ready';
    } catch (error) {
      if (mine !== generation) return;
      mount(body, state.error(error));
      el.dataset['state'] = 'error';
    } finally {
      if (mine === generation) el.removeAttribute('aria-busy');
    }
  };
  const unsubscribe = [filters.subscribe(() => void run()), onNewData(() => void run())];
  // Stops listening once the tile has left the page (a route change replaced it).
  const watch = new MutationObserver(() => {
    if (el.isConnected) return;
    for (const u of unsubscribe) u();
    watch.disconnect();
  });
  queueMicrotask(() => watch.observe(document.body, { childList: true, subtree: true }));
  void run();
  return el;
}
