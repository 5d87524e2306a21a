/**
 * The dashboard's entry: the login screen until a key is stored, then the shell (navigation, live
 * status, log out) around the screen the location hash names. A 401 from any call forgets the key and
 * returns here with the API's message.
 */
import { forgetKey, setUnauthorizedHandler, storedKey } from './api.ts';
import { h, mount } from './dom.ts';
import { connectLive, disconnectLive } from './live.ts';
import { anomaliesPage } from './pages/anomalies-page.ts';
import { dashboardPage, dashboardsPage } from './pages/dashboard-page.ts';
import { experimentPage, experimentsPage } from './pages/experiment-page.ts';
import { explorerPage } from './pages/explorer-page.ts';
import { forecastPage } from './pages/forecast-page.ts';
import { loginPage } from './pages/login-page.ts';
import { href, parseRoute } from './router.ts';

const root = document.getElementById('app')!;

const NAV = [
  { label: 'Product', hash: href('dashboards', 'builtin:product'), page: 'dashboards' },
  { label: 'Marketing', hash: href('dashboards', 'builtin:marketing'), page: 'dashboards' },
  { label: 'Executive', hash: href('dashboards', 'builtin:executive'), page: 'dashboards' },
  { label: 'All dashboards', hash: href('dashboards'), page: 'dashboards' },
  { label: 'Explore', hash: href('explore'), page: 'explore' },
  { label: 'Experiments', hash: href('experiments'), page: 'experiments' },
  { label: 'Forecast', hash: href('forecast'), page: 'forecast' },
  { label: 'Anomalies', hash: href('anomalies'), page: 'anomalies' },
];

const live = h(
  'span',
  { class: 'live', 'data-testid': 'live', 'data-state': 'offline', title: 'live updates' },
  'offline',
);

function showLogin(reason?: string): void {
  disconnectLive();
  mount(
    root,
    loginPage(() => {
      if (location.hash.startsWith('#/login')) location.hash = '';
      render();
    }, reason),
  );
}

function screen(page: string, params: string[]): HTMLElement {
  switch (page) {
    case 'dashboards':
      return params[0] ? dashboardPage(params[0]) : dashboardsPage();
    case 'explore':
      return explorerPage(params[0]);
    case 'experiments':
      return params[0] ? experimentPage(params[0]) : experimentsPage();
    case 'forecast':
      return forecastPage();
    case 'anomalies':
      return anomaliesPage();
    default:
      return h('main', { class: 'page' }, h('p', { class: 'state empty' }, `No screen "${page}".`));
  }
}

function render(): void {
  const key = storedKey();
  const route = parseRoute(location.hash);
  if (!key || route.page === 'login') {
    showLogin();
    return;
  }
  const current = location.hash || NAV[0]!.hash;
  const nav = h(
    'nav',
    { class: 'nav', 'aria-label': 'screens' },
    NAV.map((item) =>
      h(
        'a',
        {
          href: item.hash,
          class: decodeURIComponent(current) === decodeURIComponent(item.hash) ? 'active' : null,
        },
        item.label,
      ),
    ),
  );
  const logout = h(
    'button',
    {
      class: 'link',
      'data-testid': 'logout',
      onclick: () => {
        forgetKey();
        showLogin('Logged out.');
      },
    },
    'Log out',
  );
  mount(
    root,
    h(
      'header',
      { class: 'top' },
      h('a', { class: 'brand', href: NAV[0]!.hash }, 'Sightline'),
      nav,
      h('div', { class: 'top-right' }, live, logout),
    ),
    screen(route.page, route.params),
  );
  if (!live.dataset['connected']) {
    live.dataset['connected'] = 'true';
    connectLive(key, (s) => {
      live.dataset['state'] = s;
      live.textContent = s;
    });
  }
}

setUnauthorizedHandler((error) => {
  forgetKey();
  delete live.dataset['connected'];
  showLogin(`Your key was not accepted (${error.code}): ${error.message}`);
});
window.addEventListener('hashchange', render);
render();
