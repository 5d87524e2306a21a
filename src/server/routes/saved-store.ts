/**
 * Saved insights and dashboards in the metadata schema (migration 004), always read and written with the
 * project of the key: an id of another project is simply not found. Ids are random (72 bits, base64url),
 * so they tell nothing about other objects and cannot be guessed.
 */
import { randomBytes } from 'node:crypto';
import type { Warehouse } from '../../data/warehouse/warehouse.ts';
import type { DashboardBody, DashboardFilters, SavedInsightBody, Tile } from './saved-schemas.ts';

export interface SavedInsight extends SavedInsightBody {
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface Dashboard {
  readonly id: string;
  readonly name: string;
  readonly role: 'product' | 'marketing' | 'executive' | null;
  readonly filters: DashboardFilters;
  readonly tiles: readonly Tile[];
  /** True for the built-in role dashboards, which are defined in code and cannot be changed. */
  readonly builtin: boolean;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

interface InsightRow extends Record<string, unknown> {
  id: string;
  name: string;
  type: string;
  spec: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

interface DashboardRow extends Record<string, unknown> {
  id: string;
  name: string;
  role: Dashboard['role'];
  filters: string;
  tiles: string;
  created_at: string;
  updated_at: string;
}

const insightOf = (r: InsightRow): SavedInsight => ({
  id: r.id,
  name: r.name,
  type: r.type,
  spec: JSON.parse(r.spec) as Record<string, unknown>,
  ...(r.description === null ? {} : { description: r.description }),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const dashboardOf = (r: DashboardRow): Dashboard => ({
  id: r.id,
  name: r.name,
  role: r.role,
  filters: JSON.parse(r.filters) as DashboardFilters,
  tiles: JSON.parse(r.tiles) as Tile[],
  builtin: false,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const INSIGHT_COLUMNS = 'id, name, type, CAST(spec AS VARCHAR) AS spec, description, created_at, updated_at';
const DASHBOARD_COLUMNS =
  'id, name, role, CAST(filters AS VARCHAR) AS filters, CAST(tiles AS VARCHAR) AS tiles, created_at, updated_at';

export class SavedStore {
  constructor(private readonly warehouse: Warehouse) {}

  async listInsights(projectId: string): Promise<SavedInsight[]> {
    const rows = await this.warehouse.query<InsightRow>(
      `SELECT ${INSIGHT_COLUMNS} FROM meta.saved_insights WHERE project_id = ? ORDER BY created_at, id`,
      [projectId],
    );
    return rows.map(insightOf);
  }

  async getInsight(projectId: string, id: string): Promise<SavedInsight | null> {
    const [row] = await this.warehouse.query<InsightRow>(
      `SELECT ${INSIGHT_COLUMNS} FROM meta.saved_insights WHERE project_id = ? AND id = ?`,
      [projectId, id],
    );
    return row ? insightOf(row) : null;
  }

  async createInsight(projectId: string, body: SavedInsightBody): Promise<SavedInsight> {
    const id = newId('ins');
    await this.warehouse.execute(
      `INSERT INTO meta.saved_insights VALUES (?, ?, ?, ?, ?, ?, now()::TIMESTAMP, now()::TIMESTAMP)`,
      [projectId, id, body.name, body.type, JSON.stringify(body.spec), body.description ?? null],
    );
    return (await this.getInsight(projectId, id))!;
  }

  /** The updated insight, or null when the project has none of this id. */
  async updateInsight(projectId: string, id: string, body: SavedInsightBody): Promise<SavedInsight | null> {
    const changed = await this.warehouse.execute(
      `UPDATE meta.saved_insights SET name = ?, type = ?, spec = ?, description = ?, updated_at = now()::TIMESTAMP
       WHERE project_id = ? AND id = ?`,
      [body.name, body.type, JSON.stringify(body.spec), body.description ?? null, projectId, id],
    );
    return changed === 0 ? null : this.getInsight(projectId, id);
  }

  async deleteInsight(projectId: string, id: string): Promise<boolean> {
    return (
      (await this.warehouse.execute('DELETE FROM meta.saved_insights WHERE project_id = ? AND id = ?', [
        projectId,
        id,
      ])) > 0
    );
  }

  async listDashboards(projectId: string): Promise<Dashboard[]> {
    const rows = await this.warehouse.query<DashboardRow>(
      `SELECT ${DASHBOARD_COLUMNS} FROM meta.dashboards WHERE project_id = ? ORDER BY created_at, id`,
      [projectId],
    );
    return rows.map(dashboardOf);
  }

  async getDashboard(projectId: string, id: string): Promise<Dashboard | null> {
    const [row] = await this.warehouse.query<DashboardRow>(
      `SELECT ${DASHBOARD_COLUMNS} FROM meta.dashboards WHERE project_id = ? AND id = ?`,
      [projectId, id],
    );
    return row ? dashboardOf(row) : null;
  }

  async createDashboard(projectId: string, body: DashboardBody): Promise<Dashboard> {
    const id = newId('dash');
    await this.warehouse.execute(
      `INSERT INTO meta.dashboards VALUES (?, ?, ?, ?, ?, ?, now()::TIMESTAMP, now()::TIMESTAMP)`,
      [
        projectId,
        id,
        body.name,
        body.role ?? null,
        JSON.stringify(body.filters ?? {}),
        JSON.stringify(body.tiles),
      ],
    );
    return (await this.getDashboard(projectId, id))!;
  }

  async updateDashboard(projectId: string, id: string, body: DashboardBody): Promise<Dashboard | null> {
    const changed = await this.warehouse.execute(
      `UPDATE meta.dashboards SET name = ?, role = ?, filters = ?, tiles = ?, updated_at = now()::TIMESTAMP
       WHERE project_id = ? AND id = ?`,
      [
        body.name,
        body.role ?? null,
        JSON.stringify(body.filters ?? {}),
        JSON.stringify(body.tiles),
        projectId,
        id,
      ],
    );
    return changed === 0 ? null : this.getDashboard(projectId, id);
  }

  async deleteDashboard(projectId: string, id: string): Promise<boolean> {
    return (
      (await this.warehouse.execute('DELETE FROM meta.dashboards WHERE project_id = ? AND id = ?', [
        projectId,
        id,
      ])) > 0
    );
  }
}
