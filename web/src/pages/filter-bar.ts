import { api } from '../api.ts';
import { h } from '../dom.ts';
import { FILTER_DIMENSIONS, filters } from '../filters.ts';

/**
 * The global date range and the country / OS / source selects above a dashboard. Values come from
 * `GET /dimensions/:name/values`; a change re-runs every tile (they subscribe to `filters`).
 * `range` is what the server chose when no dates are set (the first tile's result), shown as placeholders.
 */
export function filterBar(range?: { from: string; to: string }): HTMLElement {
  const current = filters.get();
  const date = (name: 'from' | 'to') =>
    h('input', {
      type: 'date',
      name,
      value: current[name],
      'data-testid': `filter-${name}`,
      'aria-label': name === 'from' ? 'first day' : 'last day',
      placeholder: range?.[name] ?? '',
      onchange: (event: Event) => filters.set({ [name]: (event.target as HTMLInputElement).value }),
    });
  const selects = FILTER_DIMENSIONS.map((f) => {
    const select = h(
      'select',
      {
        name: f.key,
        'data-testid': `filter-${f.key}`,
        'aria-label': f.label,
        onchange: (event: Event) =>
          filters.set({ values: { [f.key]: (event.target as HTMLSelectElement).value } }),
      },
      h('option', { value: '' }, `All`),
    );
    void loadValues(f.dimension).then((values) => {
      for (const v of values) select.append(h('option', { value: v }, v));
      select.value = filters.get().values[f.key] ?? '';
      select.dataset['loaded'] = 'true';
    });
    return h('label', {}, f.label, select);
  });
  return h(
    'form',
    { class: 'filter-bar', 'data-testid': 'filter-bar', onsubmit: (e: Event) => e.preventDefault() },
    h('label', {}, 'From', date('from')),
    h('label', {}, 'To', date('to')),
    ...selects,
  );
}

/** The values of a dimension (most frequent first as the server orders them); none when it fails. */
async function loadValues(dimension: string): Promise<string[]> {
  try {
    const raw = await api<unknown>('GET', `/dimensions/${encodeURIComponent(dimension)}/values`);
    const list = Array.isArray(raw) ? raw : ((raw as { values?: unknown[] })?.values ?? []);
    return list
      .map((v) => (v && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v))
      .filter((v) => v !== null && v !== undefined && v !== '')
      .map(String);
  } catch {
    return [];
  }
}
