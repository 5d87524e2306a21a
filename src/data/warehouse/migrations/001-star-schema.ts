import type { Migration } from './migration.ts';

/**
 * The star schema of DESIGN.md. The fact and dimension tables have no indexes: duplicates are found by an
 * anti-join of each batch against `event_id`, and `users` and `exposures` are kept one row per key by
 * MERGE, all hash joins built on the (small) batch. An ART index must stay pinned in memory: over tens of
 * millions of event ids it would cost more than the 500 MB ingestion budget (and slowed bulk inserts
 * sevenfold when measured), and over 500,000 users it alone overflowed the engine's 64 MB write budget.
 * Tests check the one-row-per-key invariants instead.
 */
export const starSchema: Migration = {
  version: 1,
  name: 'star schema',
  statements: [
    `CREATE TABLE events (
      project_id VARCHAR NOT NULL DEFAULT 'default',
      event_id VARCHAR NOT NULL,
      ts TIMESTAMP NOT NULL,
      received_at TIMESTAMP NOT NULL,
      user_id VARCHAR NOT NULL,
      event VARCHAR NOT NULL,
      session_id VARCHAR,
      source VARCHAR,
      campaign VARCHAR,
      os VARCHAR,
      device VARCHAR,
      country VARCHAR,
      city VARCHAR,
      app_version VARCHAR,
      platform VARCHAR,
      exp_group VARCHAR,
      gender VARCHAR,
      post_id VARCHAR,
      receiver_id VARCHAR,
      age INTEGER,
      latency_ms DOUBLE,
      properties JSON
    )`,
    // One row per user, kept current by ingestion: first-touch acquisition, latest device and geography.
    `CREATE TABLE users (
      project_id VARCHAR NOT NULL DEFAULT 'default',
      user_id VARCHAR NOT NULL,
      first_seen TIMESTAMP NOT NULL,
      last_seen TIMESTAMP NOT NULL,
      first_event VARCHAR,
      source VARCHAR,
      campaign VARCHAR,
      gender VARCHAR,
      age INTEGER,
      country VARCHAR,
      city VARCHAR,
      os VARCHAR,
      device VARCHAR,
      app_version VARCHAR,
      platform VARCHAR,
      exp_group VARCHAR,
      events BIGINT NOT NULL
    )`,
    `CREATE TABLE exposures (
      project_id VARCHAR NOT NULL DEFAULT 'default',
      experiment VARCHAR NOT NULL,
      variant VARCHAR NOT NULL,
      user_id VARCHAR NOT NULL,
      first_exposure TIMESTAMP NOT NULL
    )`,
    // The rollup: one row per user per UTC day per event name, so DAU, retention and stickiness read
    // thousands of rows instead of millions of events.
    `CREATE TABLE user_daily (
      project_id VARCHAR NOT NULL DEFAULT 'default',
      day DATE NOT NULL,
      user_id VARCHAR NOT NULL,
      event VARCHAR NOT NULL,
      events BIGINT NOT NULL,
      first_ts TIMESTAMP NOT NULL,
      last_ts TIMESTAMP NOT NULL
    )`,
    `CREATE TABLE meta.projects (
      project_id VARCHAR PRIMARY KEY,
      created_at TIMESTAMP NOT NULL
    )`,
    `INSERT INTO meta.projects VALUES ('default', now()::TIMESTAMP)`,
    `CREATE SEQUENCE meta.ingest_run_ids START 1`,
    `CREATE TABLE meta.ingest_runs (
      run_id BIGINT PRIMARY KEY,
      project_id VARCHAR NOT NULL,
      started_at TIMESTAMP NOT NULL,
      finished_at TIMESTAMP,
      status VARCHAR NOT NULL,
      inputs VARCHAR NOT NULL,
      files INTEGER NOT NULL DEFAULT 0,
      read BIGINT NOT NULL DEFAULT 0,
      accepted BIGINT NOT NULL DEFAULT 0,
      rejected BIGINT NOT NULL DEFAULT 0,
      duplicates BIGINT NOT NULL DEFAULT 0,
      dead_letter VARCHAR
    )`,
    // The manifest: how far each input file has been committed. A file is identified by its path, size,
    // modification time and a hash of its first 64 KiB, so an edited or replaced file is read again.
    `CREATE TABLE meta.ingest_files (
      project_id VARCHAR NOT NULL,
      path VARCHAR NOT NULL,
      size BIGINT NOT NULL,
      mtime_ms BIGINT NOT NULL,
      head_sha256 VARCHAR NOT NULL,
      format VARCHAR NOT NULL,
      complete BOOLEAN NOT NULL,
      records_committed BIGINT NOT NULL,
      accepted BIGINT NOT NULL,
      rejected BIGINT NOT NULL,
      duplicates BIGINT NOT NULL,
      last_run_id BIGINT NOT NULL,
      updated_at TIMESTAMP NOT NULL,
      PRIMARY KEY (project_id, path, size, mtime_ms, head_sha256)
    )`,
    // Bytes of each dead-letter file that belong to committed batches; anything past this after a crash
    // is cut off before the next run appends, so a rejected record is written exactly once.
    `CREATE TABLE meta.dead_letter_files (
      path VARCHAR PRIMARY KEY,
      committed_bytes BIGINT NOT NULL,
      rejected BIGINT NOT NULL
    )`,
  ],
};
