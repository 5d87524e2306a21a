import { createHash } from 'node:crypto';
import { SightlineError } from '../../../errors/index.ts';
import type { Warehouse } from '../warehouse.ts';

/** One versioned schema change. Versions are applied in order, each in its own transaction, once. */
export interface Migration {
  version: number;
  name: string;
  /** Statements run in order inside one transaction. */
  statements: readonly string[];
}

export interface MigrationReport {
  applied: number[];
  current: number;
}

function checksum(migration: Migration): string {
  return createHash('sha256').update(migration.statements.join(';\n')).digest('hex').slice(0, 16);
}

/**
 * Brings the schema up to the newest migration. Running it again is a no-op; a database written by a
 * newer version (a version we do not know) is refused rather than guessed at, and an applied migration
 * whose text changed since is reported, because the schema it describes is no longer what the code expects.
 */
export async function migrate(
  warehouse: Warehouse,
  migrations: readonly Migration[],
): Promise<MigrationReport> {
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  await warehouse.execute('CREATE SCHEMA IF NOT EXISTS meta');
  await warehouse.execute(
    `CREATE TABLE IF NOT EXISTS meta.schema_migrations (
       version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, checksum VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)`,
  );
  const applied = await warehouse.query<{ version: number; checksum: string }>(
    'SELECT version, checksum FROM meta.schema_migrations ORDER BY version',
  );
  const known = new Map(ordered.map((m) => [m.version, m]));
  for (const row of applied) {
    const migration = known.get(row.version);
    if (!migration) {
      throw new SightlineError(
        'SL_DB_NEWER_SCHEMA',
        `the database has schema version ${row.version}, unknown to this build`,
      );
    }
    if (checksum(migration) !== row.checksum) {
      throw new SightlineError(
        'SL_DB_MIGRATION_FAILED',
        `migration ${row.version} (${migration.name}) changed after it was applied`,
        { hint: 'migrations are append-only: add a new version instead of editing an applied one' },
      );
    }
  }
  const done = new Set(applied.map((r) => r.version));
  const newlyApplied: number[] = [];
  for (const migration of ordered) {
    if (done.has(migration.version)) continue;
    try {
      await warehouse.transaction(async () => {
        for (const statement of migration.statements) await warehouse.execute(statement);
        await warehouse.execute(
          'INSERT INTO meta.schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, now()::TIMESTAMP)',
          [migration.version, migration.name, checksum(migration)],
        );
      });
    } catch (error) {
      if (error instanceof SightlineError) throw error;
      throw new SightlineError(
        'SL_DB_MIGRATION_FAILED',
        `migration ${migration.version} (${migration.name}) failed: ${error instanceof Error ? error.message : error}`,
        { cause: error },
      );
    }
    newlyApplied.push(migration.version);
  }
  return { applied: newlyApplied, current: ordered.at(-1)?.version ?? 0 };
}
