import { starSchema } from './001-star-schema.ts';
import type { Migration } from './migration.ts';

/** Every migration, oldest first. Append new versions; never edit an applied one. */
export const MIGRATIONS: readonly Migration[] = [starSchema];

export { type Migration, type MigrationReport, migrate } from './migration.ts';
