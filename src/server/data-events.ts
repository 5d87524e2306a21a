/**
 * Data versions and change notifications per project. A version starts at the number of ingestion runs
 * the project has had (so it only grows across restarts) and is bumped by every API ingestion that
 * accepted records; the result cache keys on it and open dashboards are told of each bump.
 */

import type { Warehouse } from '../data/warehouse/warehouse.ts';
import type { DataChange } from './context.ts';

export class DataEvents {
  private readonly versions = new Map<string, number>();
  private readonly listeners = new Map<string, Set<(change: DataChange) => void>>();
  /** Records accepted through the API since start, for /metrics. */
  acceptedTotal = 0;

  /** Reads the starting versions: one per project that has had an ingestion run. */
  static async load(warehouse: Warehouse): Promise<DataEvents> {
    const events = new DataEvents();
    const rows = await warehouse.query<{ project_id: string; runs: number }>(
      'SELECT project_id, count(*) AS runs FROM meta.ingest_runs GROUP BY project_id',
    );
    for (const row of rows) events.versions.set(row.project_id, row.runs);
    return events;
  }

  version(projectId: string): number {
    return this.versions.get(projectId) ?? 0;
  }

  changed(projectId: string, accepted: number): DataChange {
    const version = this.version(projectId) + 1;
    this.versions.set(projectId, version);
    this.acceptedTotal += accepted;
    const change: DataChange = { projectId, version, accepted };
    for (const listener of this.listeners.get(projectId) ?? []) {
      // A failing listener (a closed socket) must not keep the others or the ingestion from finishing.
      try {
        listener(change);
      } catch {}
    }
    return change;
  }

  subscribe(projectId: string, listener: (change: DataChange) => void): () => void {
    let set = this.listeners.get(projectId);
    if (!set) {
      set = new Set();
      this.listeners.set(projectId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(projectId);
    };
  }

  /** Open subscriptions, over all projects (for /metrics and the disconnect test). */
  get subscribers(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }
}
