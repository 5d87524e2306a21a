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
  memoryLimit: string;
}

export function commandContext(options: GlobalOptions): CommandContext {
  const env = readEnvironment();
  const project = loadProjectFile(options.config ?? env.configPath);
  return {
    databasePath: path.resolve(resolveDatabasePath(options.db ?? project.warehousePath, env)),
    project,
    // Measured on 2M demo events (bench/ingest.bench.ts): DuckDB's own accounting stays far below this
    // during ingestion, but process RSS follows the limit (512MB: ~700 MB peak, 128MB: ~540 MB,
    // 64MB: ~480 MB; with the CLI's heap cap, ~370 MB) at no measurable cost in speed.
    memoryLimit: env.memoryLimit ?? '64MB',
  };
}

/** Opens the warehouse for a command; `readOnly` commands do not take the write lock. */
export function openForCommand(context: CommandContext, readOnly: boolean): Promise<OpenedWarehouse> {
  return openWarehouse({ path: context.databasePath, readOnly, memoryLimit: context.memoryLimit });
}

/** The dead-letter file beside the database: `x.duckdb` -> `x.dead-letter.ndjson`. */
export function defaultDeadLetterPath(databasePath: string): string {
  const parsed = path.parse(databasePath);
  return path.join(parsed.dir, `${parsed.name}.dead-letter.ndjson`);
}
