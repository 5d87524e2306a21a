import type { Migration } from './migration.ts';

/**
 * Insights and dashboards saved through the API, per project. Ids are random and opaque; the spec and the
 * tiles are stored as the API received them after validation (JSON), so a dashboard reads back as saved.
 */
export const savedInsights: Migration = {
  version: 4,
  name: 'saved insights and dashboards',
  statements: [
    `CREATE TABLE IF NOT EXISTS meta.saved_insights (
      project_id VARCHAR NOT NULL,
      id VARCHAR NOT NULL,
      name VARCHAR NOT NULL,
      type VARCHAR NOT NULL,
      spec JSON NOT NULL,
      description VARCHAR,
      created_at TIMESTAMP NOT NULL,
      updated_at TIMESTAMP NOT NULL,
      PRIMARY KEY (project_id, id)
    )`,
    `CREATE TABLE IF NOT EXISTS meta.dashboards (
      project_id VARCHAR NOT NULL,
      id VARCHAR NOT NULL,
      name VARCHAR NOT NULL,
      role VARCHAR,
      filters JSON NOT NULL,
      tiles JSON NOT NULL,
      created_at TIMESTAMP NOT NULL,
      updated_at TIMESTAMP NOT NULL,
      PRIMARY KEY (project_id, id)
    )`,
  ],
};
