import { starSchema } from './001-star-schema.ts';
import { savedCohorts } from './002-saved-cohorts.ts';
import { apiKeys } from './003-api-keys.ts';
import { savedInsights } from './004-saved-insights.ts';
import { scheduler } from './005-scheduler.ts';
import { alerts } from './006-alerts.ts';
import { reportImages } from './007-report-images.ts';
import { deliveryParts } from './008-delivery-parts.ts';
import { captureLog } from './009-capture-log.ts';
import type { Migration } from './migration.ts';

/** Every migration, oldest first. Append new versions; never edit an applied one. */
export const MIGRATIONS: readonly Migration[] = [
  starSchema,
  savedCohorts,
  apiKeys,
  savedInsights,
  scheduler,
  alerts,
  reportImages,
  deliveryParts,
  captureLog,
];

export { type Migration, type MigrationReport, migrate } from './migration.ts';
