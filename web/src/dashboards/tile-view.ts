import { api } from '../api.ts';
import { h, mount, state } from '../dom.ts';
import { applyFilters, filters } from '../filters.ts';
import { insightView } from '../insights/insight-view.ts';
import { insightBody } from '../insights/render-view.ts';
import { onNewData } from '../live.ts';
import type { Tile } from './dashboard.ts';

/**
 * Returns a tile's element: its title, then the loading state, the error the API gave, an empty state,
 * or the result's numbers and chart. It re-runs when the global filters change and when new data
 * lands, for as long as it is on the page. `actions` go in its header (remove from a dashboard).
 */
export function tileView(tile: Tile, actions: HTMLElement[] = []): HTMLElement {
  const body = h('div', { class: 'tile-body' });
  const el = h(
    'section',
    { class: `tile tile-${tile.type}`, 'data-testid': `tile-${tile.id}`, 'data-state': 'loading' },
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
      const spec = applyFilters(tile.spec, filters.get());
      // What the shown numbers answer, so a test (or a curious user) can ask the CLI the same question.
      el.dataset['spec'] = JSON.stringify(spec);
      const result = await api('POST', `/insights/${encodeURIComponent(tile.type)}`, spec);
      if (mine !== generation) return; // a newer run (a filter change) owns the tile now
      const view = insightView(tile.type, result);
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
