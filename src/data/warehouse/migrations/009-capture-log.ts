import type { Migration } from './migration.ts';

/**
 * How far each segment file of the server's capture log is loaded into `events`: written in the same
 * transaction as the events it covers, so a restart replays exactly the entries that did not commit.
 */
export const captureLog: Migration = {
  version: 9,
  name: 'capture log',
  statements: [
    `CREATE TABLE IF NOT EXISTS meta.capture_log (
      segment VARCHAR PRIMARY KEY,
      loaded_bytes BIGINT NOT NULL
    )`,
  ],
};
