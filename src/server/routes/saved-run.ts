/**
 * Runs every tile of a dashboard with its global filters: the date range replaces each tile's own, and
 * the filter is joined to each tile's with `and`. Tiles run side by side (the warehouse has a pool of
 * connections) through the same cached paths as `POST /insights/:type` and `POST /forecasts`, so a
 * dashboard and the explorer share cache entries. A tile that fails with a coded error carries it
 * instead of a result; the others still answer.
 */
import { isSightlineError, SightlineError } from '../../errors/index.ts';
import type { ServerContext } from '../context.ts';
import { forecastBodySchema, forecastForProject } from './forecasts.ts';
import { runProjectInsight } from './insights.ts';
import { parseBody } from './insights-request.ts';
import { type DashboardFilters, FORECAST_TILE, type Tile } from './saved-schemas.ts';
import type { Dashboard, SavedStore } from './saved-store.ts';

export interface TileAnswer {
  readonly id: string;
  readonly title: string;
  readonly width: number;
  /** The insight type (or `forecast`) the tile ran. */
  readonly type: string | null;
  /** The spec that ran, the global filters applied. */
  readonly spec: Record<string, unknown> | null;
  readonly result?: unknown;
  readonly error?: { code: string; message: string; hint?: string };
}

/** A tile's spec with the dashboard's filters applied (a forecast's history takes both, as an insight). */
export function withFilters(
  spec: Record<string, unknown>,
  filters: DashboardFilters,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...spec };
  if (filters.dateFrom !== undefined) out['from'] = filters.dateFrom;
  if (filters.dateTo !== undefined) out['to'] = filters.dateTo;
  if (filters.where !== undefined) {
    const own = typeof spec['where'] === 'string' ? spec['where'] : undefined;
    out['where'] = own ? `(${own}) and (${filters.where})` : filters.where;
  }
  return out;
}

async function runTile(
  context: ServerContext,
  store: SavedStore,
  projectId: string,
  tile: Tile,
  filters: DashboardFilters,
): Promise<TileAnswer> {
  const base = { id: tile.id, title: tile.title, width: tile.width ?? 6 };
  let type: string | null = null;
  let spec: Record<string, unknown> | null = null;
  try {
    if ('savedInsightId' in tile.insight) {
      const saved = await store.getInsight(projectId, tile.insight.savedInsightId);
      if (!saved)
        throw new SightlineError(
          'SL_NOT_FOUND',
          `the saved insight "${tile.insight.savedInsightId}" was deleted`,
        );
      type = saved.type;
      spec = withFilters(saved.spec, filters);
    } else {
      type = tile.insight.type;
      spec = withFilters(tile.insight.spec, filters);
    }
    const result =
      type === FORECAST_TILE
        ? await forecastForProject(
            context,
            projectId,
            parseBody(forecastBodySchema, spec, 'SL_FORECAST_OPTION_INVALID'),
          )
        : await runProjectInsight(context, projectId, type, spec);
    return { ...base, type, spec, result };
  } catch (error) {
    if (!isSightlineError(error)) throw error;
    return { ...base, type, spec, error: error.toJSON() };
  }
}

/** Every tile's answer, in the dashboard's order, with the filters that applied. */
export async function runDashboard(
  context: ServerContext,
  store: SavedStore,
  projectId: string,
  dashboard: Dashboard,
  override: DashboardFilters,
): Promise<{ id: string; name: string; filters: DashboardFilters; tiles: TileAnswer[] }> {
  const filters = { ...dashboard.filters, ...override };
  const tiles = await Promise.all(
    dashboard.tiles.map((tile) => runTile(context, store, projectId, tile, filters)),
  );
  return { id: dashboard.id, name: dashboard.name, filters, tiles };
}
