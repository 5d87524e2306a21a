import type { Migration } from './migration.ts';

/**
 * The scheduler's state, per project:
 * - `jobs`: jobs created through the API (the project file's are read from the file), as validated JSON.
 * - `job_cursors`: per job, the latest scheduled time already considered, so a restart catches up from
 *   there (and a job seen for the first time starts from that moment, not from the epoch).
 * - `job_runs`: one row per run. A scheduled run is claimed by inserting its row: the UNIQUE key makes a
 *   second claim of the same scheduled time fail, so two ticks (or a restart) never run it twice.
 *   `next_attempt_at` is when a failed attempt may be retried, stored so a restart honours the backoff.
 * - `deliveries`: the ledger of what a run sent where; a row `sent` is never sent again, which is what
 *   makes a re-run after a crash deliver each report once.
 */
export const scheduler: Migration = {
  version: 5,
  name: 'scheduler: api jobs, runs, delivery ledger',
  statements: [
    `CREATE TABLE IF NOT EXISTS meta.jobs (
      project_id VARCHAR NOT NULL,
      name VARCHAR NOT NULL,
      definition JSON NOT NULL,
      created_at TIMESTAMP NOT NULL,
      PRIMARY KEY (project_id, name)
    )`,
    `CREATE TABLE IF NOT EXISTS meta.job_cursors (
      project_id VARCHAR NOT NULL,
      job VARCHAR NOT NULL,
      considered_through TIMESTAMP NOT NULL,
      PRIMARY KEY (project_id, job)
    )`,
    `CREATE TABLE IF NOT EXISTS meta.job_runs (
      run_id VARCHAR PRIMARY KEY,
      project_id VARCHAR NOT NULL,
      job VARCHAR NOT NULL,
      trigger VARCHAR NOT NULL,
      scheduled_at TIMESTAMP NOT NULL,
      status VARCHAR NOT NULL,
      attempts INTEGER NOT NULL,
      started_at TIMESTAMP,
      finished_at TIMESTAMP,
      next_attempt_at TIMESTAMP,
      error VARCHAR,
      summary VARCHAR,
      details JSON,
      log JSON,
      UNIQUE (project_id, job, trigger, scheduled_at)
    )`,
    `CREATE TABLE IF NOT EXISTS meta.deliveries (
      run_id VARCHAR NOT NULL,
      channel VARCHAR NOT NULL,
      key VARCHAR NOT NULL,
      status VARCHAR NOT NULL,
      attempts INTEGER NOT NULL,
      receipt JSON,
      error VARCHAR,
      updated_at TIMESTAMP NOT NULL,
      PRIMARY KEY (run_id, channel, key)
    )`,
  ],
};
