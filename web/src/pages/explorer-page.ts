import { api } from '../api.ts';
import { listDashboards } from '../dashboards/dashboard.ts';
import { addTile, createDashboard } from '../dashboards/saved.ts';
import { h, loadInto, mount, state, submitForm } from '../dom.ts';
import { insightView } from '../insights/insight-view.ts';
import { insightBody } from '../insights/render-view.ts';
import { href, navigate } from '../router.ts';

/** One field of `GET /insights/types` (the type's CLI flag: the key is the long flag in camelCase). */
interface Field {
  key: string;
  flag: string;
  description: string;
  takesValue: boolean;
  list: boolean;
}

interface InsightTypeInfo {
  name: string;
  summary: string;
  fields: Field[];
}

/** The types the explorer offers first; the rest follow in the server's order. */
const FIRST = ['trends', 'funnel', 'retention', 'paths'];

/** Starting values that give a useful first answer on the demo (any project can overwrite them). */
const STARTERS: Record<string, Record<string, string>> = {
  trends: { event: '$any', math: 'dau' },
  funnel: { steps: 'sign_up,view,like' },
  retention: { period: 'week', periods: '4' },
  paths: { startEvent: 'sign_up', steps: '4' },
};

/**
 * The insight explorer: pick a type, fill the form built from its fields, run it, and read the chart,
 * the table and the SQL; then save it as a tile of a user-made dashboard. Dashboard-only fields
 * (`--json`-style output switches) do not exist in the API's fields, so every field is a spec key.
 */
export function explorerPage(typeName?: string): HTMLElement {
  const page = h('main', { class: 'page explorer-page', 'data-testid': 'explorer-page' }, state.loading());
  void api<{ types: InsightTypeInfo[] }>('GET', '/insights/types')
    .then(({ types }) => {
      const ordered = [
        ...FIRST.map((n) => types.find((t) => t.name === n)).filter((t): t is InsightTypeInfo => !!t),
        ...types.filter((t) => !FIRST.includes(t.name)),
      ];
      const type = ordered.find((t) => t.name === typeName) ?? ordered[0];
      if (!type) return mount(page, state.empty('The server offers no insight types.'));
      mount(page, ...explorer(ordered, type));
    })
    .catch((error) => mount(page, state.error(error)));
  return page;
}

function explorer(types: InsightTypeInfo[], type: InsightTypeInfo): HTMLElement[] {
  const picker = h(
    'select',
    {
      'data-testid': 'explorer-type',
      'aria-label': 'insight type',
      onchange: (e: Event) => navigate('explore', (e.target as HTMLSelectElement).value),
    },
    types.map((t) => h('option', { value: t.name, selected: t.name === type.name }, t.name)),
  );
  const starter = STARTERS[type.name] ?? {};
  const inputs = type.fields.map((f) => {
    const input = f.takesValue
      ? h('input', {
          name: f.key,
          value: starter[f.key] ?? '',
          placeholder: placeholderOf(f.flag),
          'data-testid': `field-${f.key}`,
        })
      : h('input', { type: 'checkbox', name: f.key, 'data-testid': `field-${f.key}` });
    return { field: f, input };
  });
  const result = h('div', {
    class: 'explorer-result',
    'data-testid': 'explorer-result',
    'data-state': 'idle',
  });
  const specOf = (): Record<string, unknown> => {
    const spec: Record<string, unknown> = {};
    for (const { field, input } of inputs) {
      if (!field.takesValue) {
        if (input.checked) spec[field.key] = true;
      } else if (input.value.trim() !== '') {
        const v = input.value.trim();
        // Strings, as the CLI passes its flags: the spec schemas coerce them the same way.
        spec[field.key] = v;
      }
    }
    return spec;
  };
  let lastSpec: Record<string, unknown> | null = null;
  const save = saveForm(type.name, () => lastSpec);
  const run = () =>
    loadInto(result, 'Running…', async () => {
      const spec = specOf();
      const view = insightView(
        type.name,
        await api('POST', `/insights/${encodeURIComponent(type.name)}`, spec),
      );
      lastSpec = spec;
      return {
        nodes: [
          ...(view.empty ? [state.empty('No data matches this query.')] : []),
          ...insightBody(view, { open: true, chartHeight: 320 }),
          save,
        ],
        empty: view.empty,
      };
    });
  const form = submitForm(
    'explorer-form',
    () => void run(),
    h('label', {}, 'Insight', picker),
    h('p', { class: 'muted' }, type.summary),
    h(
      'div',
      { class: 'fields' },
      inputs.map(({ field, input }) =>
        h(
          'label',
          { class: field.takesValue ? 'field' : 'field switch', title: field.description },
          field.key,
          input,
          h('small', {}, field.description),
        ),
      ),
    ),
    h('button', { type: 'submit', 'data-testid': 'explorer-run' }, 'Run'),
  );
  return [h('h2', {}, 'Explore'), form, result];
}

/** `--steps <events>` → `events`: what the flag's value is, as a hint in the empty field. */
function placeholderOf(flag: string): string {
  return /<([^>]+)>/.exec(flag)?.[1] ?? '';
}

/** "Save to dashboard": a user-made dashboard or a new one, and the tile's title. */
function saveForm(type: string, spec: () => Record<string, unknown> | null): HTMLElement {
  const status = h('div', { class: 'action-status', role: 'status', 'data-testid': 'save-status' });
  const title = h('input', {
    name: 'title',
    placeholder: 'Tile title',
    value: `My ${type}`,
    'data-testid': 'save-title',
  });
  const target = h(
    'select',
    { 'data-testid': 'save-target', 'aria-label': 'dashboard' },
    h('option', { value: '' }, 'New dashboard…'),
  );
  const newName = h('input', {
    name: 'dashboard',
    placeholder: 'New dashboard name',
    'data-testid': 'save-new-name',
  });
  const writable = listDashboards().then((all) => all.filter((d) => !d.builtin));
  void writable
    .then((list) => {
      for (const d of list) target.append(h('option', { value: d.id }, d.name));
    })
    .catch(() => {});
  return h(
    'form',
    {
      class: 'save-form inline-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const s = spec();
        if (!s) return;
        const tile = { title: title.value.trim() || type, type, spec: s };
        try {
          const list = await writable;
          const existing = list.find((d) => d.id === target.value);
          const saved = existing
            ? await addTile(existing, tile)
            : await createDashboard(newName.value.trim() || tile.title, [{ ...tile, id: 'tile-0' }]);
          mount(
            status,
            'Saved to ',
            h('a', { href: href('dashboards', saved.id), 'data-testid': 'saved-link' }, saved.name),
            '.',
          );
        } catch (error) {
          mount(status, state.error(error));
        }
      },
    },
    h('strong', {}, 'Save to dashboard'),
    title,
    target,
    newName,
    h('button', { type: 'submit', 'data-testid': 'save-submit' }, 'Save'),
    status,
  );
}
