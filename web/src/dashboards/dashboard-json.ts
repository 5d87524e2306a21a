/**
 * Dashboards as JSON: what the saved-objects routes answer, read into the app's model, and the body the
 * app writes back. Nothing here touches the page, so the server's tests check the round trip.
 */

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
  /** The role a dashboard is made for, and its own filters: kept as they are when the app saves it. */
  role?: string;
  filters?: DashboardFilters;
  tiles: Tile[];
}

/** A dashboard's stored filters (`dashboardFiltersSchema` of the saved-objects routes). */
export interface DashboardFilters {
  dateFrom?: string;
  dateTo?: string;
  where?: string;
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
    ...(typeof d['role'] === 'string' ? { role: d['role'] } : {}),
    ...(d['filters'] && typeof d['filters'] === 'object'
      ? { filters: d['filters'] as DashboardFilters }
      : {}),
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

/**
 * The body of `POST/PUT /dashboards` (the server's `dashboardSchema`): tiles hold their insight inline
 * or a saved insight's id. A PUT replaces the dashboard, so everything read is written back.
 */
export function dashboardBody(d: Pick<Dashboard, 'name' | 'role' | 'filters'> & { tiles: readonly Tile[] }) {
  return {
    name: d.name,
    ...(d.role !== undefined ? { role: d.role } : {}),
    ...(d.filters !== undefined ? { filters: d.filters } : {}),
    tiles: d.tiles.map((t) => ({
      id: t.id,
      title: t.title,
      insight: t.savedInsightId ? { savedInsightId: t.savedInsightId } : { type: t.type, spec: t.spec },
      ...(t.width !== undefined ? { width: t.width } : {}),
    })),
  };
}
