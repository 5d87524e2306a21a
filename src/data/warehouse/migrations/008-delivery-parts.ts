import type { Migration } from './migration.ts';

/**
 * The parts of a delivery that took several requests (a long Telegram report: its messages, then its
 * albums), each recorded once the receiver accepted it, keyed by the delivery's idempotency key
 * (`runId/channel/key`). A run resumed after a crash sends only the parts not recorded here; the rows of a
 * delivery go when the ledger records it `sent`, in the same transaction.
 */
export const deliveryParts: Migration = {
  version: 8,
  name: 'delivery parts',
  statements: [
    `CREATE TABLE IF NOT EXISTS meta.delivery_parts (
      idempotency_key VARCHAR NOT NULL,
      part VARCHAR NOT NULL,
      ids JSON NOT NULL,
      accepted_at TIMESTAMP NOT NULL,
      PRIMARY KEY (idempotency_key, part)
    )`,
  ],
};
