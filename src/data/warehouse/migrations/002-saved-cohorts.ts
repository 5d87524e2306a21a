import type { Migration } from './migration.ts';

/**
 * Cohorts saved from the CLI or the API, beside the ones declared in sightline.yaml. `definition` is the
 * cohort as sightline.yaml would write it (description, where, behavior), validated by the same schema
 * before it is stored; a project has one cohort of a name.
 */
export const savedCohorts: Migration = {
  version: 2,
  name: 'saved cohorts',
  statements: [
    `CREATE TABLE meta.cohorts (
      project_id VARCHAR NOT NULL,
      name VARCHAR NOT NULL,
      definition JSON NOT NULL,
      created_at TIMESTAMP NOT NULL,
      updated_at TIMESTAMP NOT NULL,
      PRIMARY KEY (project_id, name)
    )`,
  ],
};
