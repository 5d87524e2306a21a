import type { Migration } from './migration.ts';

/**
 * Chart images of delivered reports, for channels that show an image only by URL (Slack's webhooks
 * cannot upload files). `id` is 128 random bits: the public `GET /images/<id>.png` serves an image to
 * whoever holds its URL (the message it was sent in), so the id itself is the capability, and one
 * project's images cannot be listed or guessed from another's. Rows older than 30 days are pruned.
 */
export const reportImages: Migration = {
  version: 7,
  name: 'hosted report images',
  statements: [
    `CREATE TABLE IF NOT EXISTS meta.report_images (
      id VARCHAR NOT NULL PRIMARY KEY,
      project_id VARCHAR NOT NULL,
      filename VARCHAR NOT NULL,
      png BLOB NOT NULL,
      created_at TIMESTAMP NOT NULL
    )`,
  ],
};
