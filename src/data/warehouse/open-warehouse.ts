import { DuckDBEventStore } from './duckdb/duckdb-event-store.ts';
import { DuckDBWarehouse } from './duckdb/duckdb-warehouse.ts';
import type { EventStore } from './event-store.ts';
import { MIGRATIONS, migrate } from './migrations/index.ts';
import type { Warehouse } from './warehouse.ts';

export interface OpenOptions {
  path: string;
  readOnly?: boolean;
  memoryLimit?: string;
}

export interface OpenedWarehouse {
  warehouse: Warehouse;
  events: EventStore;
}

/**
 * Opens the embedded warehouse and brings its schema up to date (a read-only open cannot migrate, so it
 * requires a database that some writing command created).
 */
export async function openWarehouse(options: OpenOptions): Promise<OpenedWarehouse> {
  const warehouse = await DuckDBWarehouse.open(options.path, {
    readOnly: options.readOnly ?? false,
    ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
  });
  try {
    if (!options.readOnly) await migrate(warehouse, MIGRATIONS);
  } catch (error) {
    await warehouse.close();
    throw error;
  }
  return { warehouse, events: new DuckDBEventStore(warehouse) };
}
