import type { Migration } from './migration.ts';

/**
 * Keys of the HTTP API. Only a SHA-256 hash of each key is stored (the key is shown once, when it is
 * created); `prefix` is the key's first characters, enough to tell keys apart in a listing and to find
 * the candidate rows of a presented key without comparing against every hash. A revoked key keeps its
 * row, so a listing shows when it was revoked.
 */
export const apiKeys: Migration = {
  version: 3,
  name: 'api keys',
  statements: [
    `CREATE TABLE meta.api_keys (
      id VARCHAR PRIMARY KEY,
      project_id VARCHAR NOT NULL,
      role VARCHAR NOT NULL,
      name VARCHAR,
      hash VARCHAR NOT NULL,
      prefix VARCHAR NOT NULL,
      created_at TIMESTAMP NOT NULL,
      last_used_at TIMESTAMP,
      revoked_at TIMESTAMP
    )`,
  ],
};
