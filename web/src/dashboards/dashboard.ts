import { api } from '../api.ts';

/** One tile: an insight type and its spec (the CLI's `--spec` JSON); the global filters are added when it runs. */
export interface Tile {
  id: string;
  title: string;
  type: string;
  spec: Record<string, unknown>;
}

export interface Dashboard {
  id: string;
  name: string;
  description: string;
  /** Built-in dashboards (product, marketing, executive) cannot be changed or deleted. */
  builtin: boolean;
  tiles: Tile[];
}

/**
 * Returns a dashboard from the API's JSON. Tolerant of the spelling of a few fields (`name`/`title`,
 * `type`/`insight`, `spec`/`query`) so the screen does not depend on which of them the saved-objects
 * routes settle on; ids are strings either way.
 */
export function readDashboard(raw: unknown): Dashboard {
  const d = (raw ?? {}) as Record<string, unknown>;
  const tiles = (
    Array.isArray(d['tiles']) ? d['tiles'] : Array.isArray(d['items']) ? d['items'] : []
  ) as unknown[];
  const id = String(d['id'] ?? '');
  return {
    id,
    name: String(d['name'] ?? d['title'] ?? id),
    description: String(d['description'] ?? ''),
    builtin: d['builtin'] === true || id.startsWith('builtin:'),
    tiles: tiles.map((t, i) => readTile(t, i)),
  };
}

function readTile(raw: unknown, index: number): Tile {
  const t = (raw ?? {}) as Record<string, unknown>;
  const insight = (t['insight'] ?? {}) as Record<string, unknown>;
  const type = String(t['type'] ?? insight['type'] ?? t['insightType'] ?? 'trends');
  const spec = (t['spec'] ?? insight['spec'] ?? t['query'] ?? {}) as Record<string, unknown>;
  const title = String(t['title'] ?? t['name'] ?? insight['name'] ?? type);
  return { id: String(t['id'] ?? `tile-${index}`), title, type, spec };
}

/** The role dashboards built into the app, used while the server offers none (the API's win when present). */
export const BUILTIN_DASHBOARDS: readonly Dashboard[] = [
  {
    id: 'builtin:product',
    name: 'Product',
    description: 'Active users, acquisition, retention, the main funnel, engagement and stickiness.',
    builtin: true,
    tiles: [
      {
        id: 'active_users',
        title: 'Active users (DAU, WAU, MAU)',
        type: 'trends',
        spec: { metric: 'dau,wau,mau' },
      },
      {
        id: 'new_users_by_source',
        title: 'New users by source',
        type: 'trends',
        spec: { metric: 'new_users', breakdown: 'user.source' },
      },
      {
        id: 'retention_by_source',
        title: 'Weekly retention: campaign (ads) against organic cohorts',
        type: 'retention',
        spec: { period: 'week', periods: 4, breakdown: 'user.source' },
      },
      {
        id: 'main_funnel',
        title: 'Main funnel',
        type: 'funnel',
        spec: { steps: 'sign_up,view,like,message' },
      },
      {
        id: 'engagement',
        title: 'Engagement: CTR and messages per active user',
        type: 'trends',
        spec: { metric: 'ctr,messages_per_user' },
      },
      { id: 'stickiness', title: 'Stickiness: days active in the range', type: 'stickiness', spec: {} },
    ],
  },
  {
    id: 'builtin:marketing',
    name: 'Marketing',
    description: 'Acquisition by source and campaign, and how the cohorts they bring retain and convert.',
    builtin: true,
    tiles: [
      {
        id: 'new_users_by_campaign',
        title: 'New users by campaign',
        type: 'trends',
        spec: { metric: 'new_users', breakdown: 'user.campaign' },
      },
      {
        id: 'retention_by_source',
        title: 'Weekly retention by source',
        type: 'retention',
        spec: { period: 'week', periods: 4, breakdown: 'user.source' },
      },
      {
        id: 'funnel_by_source',
        title: 'Sign-up to first like by source',
        type: 'funnel',
        spec: { steps: 'sign_up,view,like', breakdown: 'user.source' },
      },
    ],
  },
  {
    id: 'builtin:executive',
    name: 'Executive',
    description: 'The few numbers that say how the business is doing.',
    builtin: true,
    tiles: [
      { id: 'dau_mau', title: 'DAU and MAU', type: 'trends', spec: { metric: 'dau,mau' } },
      {
        id: 'stickiness_ratio',
        title: 'Stickiness (DAU / MAU)',
        type: 'trends',
        spec: { metric: 'stickiness' },
      },
      {
        id: 'new_users',
        title: 'New users',
        type: 'trends',
        spec: { metric: 'new_users', interval: 'week' },
      },
      {
        id: 'messages_per_user',
        title: 'Messages per active user',
        type: 'trends',
        spec: { metric: 'messages_per_user' },
      },
    ],
  },
];

/**
 * Returns every dashboard the key can see: the server's (`GET /dashboards`), with the built-in role
 * dashboards above added for any id the server does not list (all of them while the route is missing).
 */
export async function listDashboards(): Promise<Dashboard[]> {
  let fromApi: Dashboard[] = [];
  try {
    const raw = await api<unknown>('GET', '/dashboards');
    const list = Array.isArray(raw) ? raw : ((raw as { dashboards?: unknown[] })?.dashboards ?? []);
    fromApi = list.map(readDashboard);
  } catch (error) {
    // A server without the saved-objects routes answers 404; anything else is the user's to see.
    if ((error as { status?: number }).status !== 404) throw error;
  }
  const ids = new Set(fromApi.map((d) => d.id));
  return [...BUILTIN_DASHBOARDS.filter((d) => !ids.has(d.id)), ...fromApi].sort(
    (a, b) => Number(b.builtin) - Number(a.builtin),
  );
}

/** Returns one dashboard by id: the server's when it has it, else a built-in one. */
export async function getDashboard(id: string): Promise<Dashboard> {
  try {
    const raw = await api<Record<string, unknown>>('GET', `/dashboards/${encodeURIComponent(id)}`);
    return readDashboard(raw['dashboard'] ?? raw);
  } catch (error) {
    const builtin = BUILTIN_DASHBOARDS.find((d) => d.id === id);
    if (builtin && (error as { status?: number }).status === 404) return builtin;
    throw error;
  }
}
