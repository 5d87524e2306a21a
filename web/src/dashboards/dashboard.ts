import { api } from '../api.ts';

/**
 * One tile: an insight type and its spec (the CLI's `--spec` JSON), `forecast` with the body of
 * `POST /forecasts`, or a saved insight by id (its type and spec are fetched when it runs). The global
 * filters are added when it runs.
 */
export interface Tile {
  id: string;
  title: string;
  type: string;
  spec: Record<string, unknown>;
  savedInsightId?: string;
  /** Columns of 12 the tile spans on a wide screen (12: the whole row). */
  width?: number;
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
  const saved = insight['savedInsightId'];
  return {
    id: String(t['id'] ?? `tile-${index}`),
    title,
    type,
    spec,
    ...(typeof saved === 'string' ? { savedInsightId: saved } : {}),
    ...(typeof t['width'] === 'number' ? { width: t['width'] } : {}),
  };
}

/** Every dashboard the key can see: the built-in role dashboards first, then user-made ones. */
export async function listDashboards(): Promise<Dashboard[]> {
  const raw = await api<{ dashboards: unknown[] }>('GET', '/dashboards');
  return raw.dashboards.map(readDashboard).sort((a, b) => Number(b.builtin) - Number(a.builtin));
}

/** One dashboard by id (`builtin:product`, or a user-made one's id). */
export async function getDashboard(id: string): Promise<Dashboard> {
  const raw = await api<Record<string, unknown>>('GET', `/dashboards/${encodeURIComponent(id)}`);
  return readDashboard(raw['dashboard'] ?? raw);
}
