import { api } from '../api.ts';
import { type Dashboard, readDashboard } from './dashboard-json.ts';

export { type Dashboard, type DashboardFilters, readDashboard, type Tile } from './dashboard-json.ts';

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
