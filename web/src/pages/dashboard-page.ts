import { type Dashboard, getDashboard, listDashboards } from '../dashboards/dashboard.ts';
import { createDashboard, deleteDashboard, saveDashboard } from '../dashboards/saved.ts';
import { tileView } from '../dashboards/tile-view.ts';
import { h, mount, state } from '../dom.ts';
import { href, navigate } from '../router.ts';
import { filterBar } from './filter-bar.ts';

/**
 * A dashboard: its name, the global filter bar, and its tiles in a responsive grid (one column on a
 * phone). A user-made dashboard also offers removing a tile and deleting the dashboard.
 */
export function dashboardPage(id: string): HTMLElement {
  const page = h('main', { class: 'page dashboard-page', 'data-testid': 'dashboard-page' }, state.loading());
  void getDashboard(id)
    .then((d) => mount(page, ...dashboardContent(d)))
    .catch((error) => mount(page, state.error(error)));
  return page;
}

function dashboardContent(d: Dashboard): HTMLElement[] {
  const status = h('p', { class: 'action-status', role: 'status' });
  const fail = (error: unknown) => mount(status, state.error(error));
  const actions = d.builtin
    ? []
    : [
        h(
          'button',
          {
            class: 'danger',
            'data-testid': 'delete-dashboard',
            onclick: async () => {
              if (!confirm(`Delete the dashboard "${d.name}"?`)) return;
              try {
                await deleteDashboard(d.id);
                navigate('dashboards');
              } catch (error) {
                fail(error);
              }
            },
          },
          'Delete dashboard',
        ),
      ];
  const removeButton = (index: number) =>
    h(
      'button',
      {
        class: 'link',
        'data-testid': 'remove-tile',
        title: 'Remove this tile',
        onclick: async () => {
          try {
            await saveDashboard({ ...d, tiles: d.tiles.filter((_, i) => i !== index) });
            window.dispatchEvent(new HashChangeEvent('hashchange'));
          } catch (error) {
            fail(error);
          }
        },
      },
      'Remove',
    );
  const grid = h(
    'div',
    { class: 'grid' },
    d.tiles.length === 0
      ? state.empty('This dashboard has no tiles yet: build an insight in the explorer and save it here.')
      : d.tiles.map((t, i) => tileView(t, d.builtin ? [] : [removeButton(i)])),
  );
  return [
    h(
      'div',
      { class: 'page-head' },
      h('h2', { 'data-testid': 'dashboard-name' }, d.name),
      d.description ? h('p', { class: 'muted' }, d.description) : null,
      ...actions,
    ),
    filterBar(),
    status,
    grid,
  ];
}

/** Every dashboard: the role dashboards first, then user-made ones, and a form to create one. */
export function dashboardsPage(): HTMLElement {
  const list = h('div', { class: 'dashboard-list' }, state.loading());
  const status = h('div', { class: 'action-status', role: 'status' });
  const name = h('input', {
    name: 'name',
    placeholder: 'Dashboard name',
    required: true,
    'data-testid': 'new-dashboard-name',
  });
  const form = h(
    'form',
    {
      class: 'inline-form',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        try {
          const d = await createDashboard(name.value.trim());
          navigate('dashboards', d.id);
        } catch (error) {
          mount(status, state.error(error));
        }
      },
    },
    name,
    h('button', { type: 'submit', 'data-testid': 'create-dashboard' }, 'New dashboard'),
  );
  void listDashboards()
    .then((all) =>
      mount(
        list,
        h(
          'ul',
          {},
          all.map((d) =>
            h(
              'li',
              {},
              h('a', { href: href('dashboards', d.id), 'data-testid': `dashboard-link-${d.id}` }, d.name),
              d.builtin ? h('span', { class: 'badge' }, 'built in') : null,
              ` ${d.tiles.length} tiles`,
              d.description ? h('p', { class: 'muted' }, d.description) : null,
            ),
          ),
        ),
      ),
    )
    .catch((error) => mount(list, state.error(error)));
  return h('main', { class: 'page' }, h('h2', {}, 'Dashboards'), list, form, status);
}
