import path from 'node:path';
import { readEnvironment, resolveDatabasePath } from '../config/env.ts';
import { loadProjectFile, type ProjectFile } from '../config/project-file.ts';
import { type OpenedWarehouse, openWarehouse } from '../data/warehouse/open-warehouse.ts';

/** Options every command accepts. */
export interface GlobalOptions {
  db?: string;
  config?: string;
}

export interface CommandContext {
  databasePath: string;
  project: ProjectFile;
  /** DuckDB's memory limit for bulk loads; for other opens only when `SIGHTLINE_MEMORY_LIMIT` sets one. */
  memoryLimit: { load: string; other: string | undefined };
}

/**
 * How a command uses the warehouse: `read` takes no write lock; `load` is a bulk load (ingest, demo),
 * which runs under a small engine memory limit so its peak RSS stays in budget; `write` is any other
 * writer, whose queries (reports, alerts) get the engine's default limit like reads.
 */
export type Access = 'read' | 'write' | 'load';

export function commandContext(options: GlobalOptions): CommandContext {
  const env = readEnvironment();
  const project = loadProjectFile(options.config ?? env.configPath);
  return {
    databasePath: path.resolve(resolveDatabasePath(options.db ?? project.warehousePath, env)),
    project,
    // Bulk loads: process RSS follows the engine limit (2M demo events, bench/ingest.bench.ts: 512MB
    // ~700 MB peak, 128MB ~540 MB, 64MB 422 MB with the CLI's node flags) at no measurable cost in speed.
    memoryLimit: { load: env.memoryLimit ?? '64MB', other: env.memoryLimit },
  };
}

/** Opens the warehouse for a command. */
export function openForCommand(context: CommandContext, access: Access): Promise<OpenedWarehouse> {
  const memoryLimit = access === 'load' ? context.memoryLimit.load : context.memoryLimit.other;
  return openWarehouse({
    path: context.databasePath,
    readOnly: access === 'read',
    ...(memoryLimit ? { memoryLimit } : {}),
  });
}

/** The dead-letter file beside the database: `x.duckdb` -> `x.dead-letter.ndjson`. */
export function defaultDeadLetterPath(databasePath: string): string {
  const parsed = path.parse(databasePath);
  return path.join(parsed.dir, `${parsed.name}.dead-letter.ndjson`);
}
