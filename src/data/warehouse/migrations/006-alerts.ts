import type { Migration } from './migration.ts';

/**
 * Alert rules evaluated on a schedule. `alert_state` holds, per rule and group (`os=Android`), the rule
 * state machine's `GroupState` and what each channel has been told (`notice`), both JSON, saved together
 * after a run's deliveries so a re-run of the same scheduled run derives the same notifications.
 * `alert_notifications` is the history of what was sent, held, silenced or folded, per channel.
 * `silences` mute alerts whose rule and group labels match, between two times.
 */
export const alerts: Migration = {
  version: 6,
  name: 'alert state, notifications and silences',
  statements: [
    `CREATE TABLE IF NOT EXISTS meta.alert_state (
      project_id VARCHAR NOT NULL,
      rule VARCHAR NOT NULL,
      group_key VARCHAR NOT NULL,
      state JSON NOT NULL,
      notice JSON NOT NULL,
      last_evaluated_at TIMESTAMP,
      updated_at TIMESTAMP NOT NULL,
      PRIMARY KEY (project_id, rule, group_key)
    )`,
    `CREATE TABLE IF NOT EXISTS meta.alert_notifications (
      project_id VARCHAR NOT NULL,
      rule VARCHAR NOT NULL,
      group_key VARCHAR NOT NULL,
      fingerprint VARCHAR NOT NULL,
      status VARCHAR NOT NULL,
      channel VARCHAR NOT NULL,
      run_id VARCHAR NOT NULL,
      notified_at TIMESTAMP NOT NULL,
      detail VARCHAR
    )`,
    `CREATE TABLE IF NOT EXISTS meta.silences (
      id VARCHAR NOT NULL,
      project_id VARCHAR NOT NULL,
      matchers JSON NOT NULL,
      starts_at TIMESTAMP NOT NULL,
      ends_at TIMESTAMP NOT NULL,
      created_by VARCHAR,
      comment VARCHAR,
      created_at TIMESTAMP NOT NULL,
      PRIMARY KEY (project_id, id)
    )`,
  ],
};
