import { starSchema } from './001-star-schema.ts';
import { savedCohorts } from './002-saved-cohorts.ts';
import type { Migration } from './migration.ts';

/** Every migration, oldest first. Append new versions; never edit an applied one. */
export const MIGRATIONS: readonly Migration[] = [starSchema, savedCohorts];

export { type Migration, type MigrationReport, migrate } from './migration.ts';
