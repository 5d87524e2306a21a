import { api } from '../api.ts';
import { type Dashboard, dashboardBody, readDashboard, type Tile } from './dashboard-json.ts';

/**
 * Writes of user-made dashboards through the saved-objects routes (editors and admins; a viewer gets
 * the API's 403 shown as is). A tile is stored as its title, insight type and spec.
 */

function unwrap(raw: unknown): Dashboard {
  const r = raw as Record<string, unknown>;
  return readDashboard(r['dashboard'] ?? r);
}

export async function createDashboard(name: string, tiles: readonly Tile[] = []): Promise<Dashboard> {
  return unwrap(await api('POST', '/dashboards', dashboardBody({ name, tiles })));
}

export async function saveDashboard(d: Dashboard): Promise<Dashboard> {
  return unwrap(await api('PUT', `/dashboards/${encodeURIComponent(d.id)}`, dashboardBody(d)));
}

export async function deleteDashboard(id: string): Promise<void> {
  await api('DELETE', `/dashboards/${encodeURIComponent(id)}`);
}

/** Adds a tile to a dashboard and stores it; returns the stored dashboard. */
export async function addTile(d: Dashboard, tile: Omit<Tile, 'id'>): Promise<Dashboard> {
  return saveDashboard({ ...d, tiles: [...d.tiles, { ...tile, id: freeTileId(d.tiles) }] });
}

/** A tile id not yet used on the dashboard (the API requires them unique). */
function freeTileId(tiles: readonly Tile[]): string {
  const used = new Set(tiles.map((t) => t.id));
  let i = tiles.length + 1;
  while (used.has(`tile-${i}`)) i++;
  return `tile-${i}`;
}
