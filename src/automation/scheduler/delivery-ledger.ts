/**
 * `meta.deliveries`: what each run sent to each channel. A delivery is marked `sending` before the send
 * and `sent` with the receiver's receipt after it; a delivery found `sent` is answered from here and not
 * sent again, so a run resumed after a crash (or re-attempted after another channel failed) repeats
 * nothing the receivers already accepted.
 *
 * A delivery of several requests (a long Telegram report: messages, then albums) records each part the
 * receiver accepted in `meta.delivery_parts` (`progress`), so a resumed run sends only the parts not
 * recorded; they are deleted when the delivery is recorded `sent`, in the same transaction.
 *
 * The one window left: the receiver accepted a request and the process died before it was recorded (as
 * `sent`, or as a part). The resumed run sends that request again (at least once, there), with the same
 * idempotency key (`runId/channel/key`): webhooks carry it as `Idempotency-Key` and e-mails build their
 * Message-ID from it, so receivers that honour those drop the repeat; Telegram and Slack have no such key.
 */
import type { Warehouse } from '../../data/warehouse/warehouse.ts';
import type { DeliveryProgress, DeliveryReceipt } from '../channels/channel.ts';
import { toMs } from './run-store.ts';

export type DeliveryStatus = 'sending' | 'sent' | 'failed';

export interface DeliveryRecord {
  readonly runId: string;
  readonly channel: string;
  readonly key: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly receipt: DeliveryReceipt | null;
  readonly error: string | null;
  readonly updatedAt: number;
}

export class DeliveryLedger {
  /** The accepted parts of multi-request deliveries, kept in the database so they survive a restart. */
  readonly progress: DeliveryProgress;

  constructor(readonly warehouse: Warehouse) {
    this.progress = new LedgerProgress(warehouse);
  }

  async get(runId: string, channel: string, key: string): Promise<DeliveryRecord | null> {
    const rows = await this.warehouse.query<Record<string, unknown>>(
      'SELECT * FROM meta.deliveries WHERE run_id = ? AND channel = ? AND key = ?',
      [runId, channel, key],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Every delivery of a run, in the order they were last touched. */
  async ofRun(runId: string): Promise<DeliveryRecord[]> {
    const rows = await this.warehouse.query<Record<string, unknown>>(
      'SELECT * FROM meta.deliveries WHERE run_id = ? ORDER BY updated_at, channel, key',
      [runId],
    );
    return rows.map(toRecord);
  }

  /** Records that a send is about to start (its attempt counted), before anything leaves the process. */
  async sending(runId: string, channel: string, key: string, at: number): Promise<void> {
    await this.warehouse.execute(
      `INSERT INTO meta.deliveries (run_id, channel, key, status, attempts, updated_at)
       VALUES (?, ?, ?, 'sending', 1, ?)
       ON CONFLICT (run_id, channel, key) DO UPDATE SET status = 'sending',
         attempts = meta.deliveries.attempts + 1, error = NULL, updated_at = excluded.updated_at`,
      [runId, channel, key, new Date(at)],
    );
  }

  async sent(
    runId: string,
    channel: string,
    key: string,
    receipt: DeliveryReceipt,
    at: number,
  ): Promise<void> {
    await this.warehouse.transaction(async () => {
      await this.warehouse.execute(
        `UPDATE meta.deliveries SET status = 'sent', receipt = ?, error = NULL, updated_at = ?
         WHERE run_id = ? AND channel = ? AND key = ?`,
        [JSON.stringify(receipt), new Date(at), runId, channel, key],
      );
      // The receipt lists every part's ids; the parts were only needed until now.
      await this.warehouse.execute('DELETE FROM meta.delivery_parts WHERE idempotency_key = ?', [
        idempotencyKey(runId, channel, key),
      ]);
    });
  }

  async failed(runId: string, channel: string, key: string, error: string, at: number): Promise<void> {
    await this.warehouse.execute(
      `UPDATE meta.deliveries SET status = 'failed', error = ?, updated_at = ?
       WHERE run_id = ? AND channel = ? AND key = ?`,
      [error, new Date(at), runId, channel, key],
    );
  }
}

/** The key a delivery is sent with: the same on every retry and re-run of the run. */
export function idempotencyKey(runId: string, channel: string, key: string): string {
  return `${runId}/${channel}/${key}`;
}

/**
 * `DeliveryProgress` in `meta.delivery_parts`. `clear` keeps the rows: the channel calls it when its last
 * request was accepted, before the ledger records the delivery `sent`, and a crash between the two must
 * still find every part (the ledger's `sent` deletes them).
 */
class LedgerProgress implements DeliveryProgress {
  constructor(private readonly warehouse: Warehouse) {}

  async load(key: string): Promise<ReadonlyMap<string, readonly string[]>> {
    const rows = await this.warehouse.query<{ part: string; ids: string }>(
      'SELECT part, ids FROM meta.delivery_parts WHERE idempotency_key = ?',
      [key],
    );
    return new Map(rows.map((row) => [row.part, JSON.parse(row.ids) as string[]]));
  }

  async save(key: string, part: string, ids: readonly string[]): Promise<void> {
    await this.warehouse.execute(
      `INSERT INTO meta.delivery_parts (idempotency_key, part, ids, accepted_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (idempotency_key, part) DO UPDATE SET ids = excluded.ids, accepted_at = excluded.accepted_at`,
      [key, part, JSON.stringify(ids), new Date()],
    );
  }

  async clear(): Promise<void> {}
}

function toRecord(row: Record<string, unknown>): DeliveryRecord {
  return {
    runId: String(row['run_id']),
    channel: String(row['channel']),
    key: String(row['key']),
    status: row['status'] as DeliveryStatus,
    attempts: Number(row['attempts']),
    receipt: row['receipt'] ? (JSON.parse(row['receipt'] as string) as DeliveryReceipt) : null,
    error: (row['error'] as string | null) ?? null,
    updatedAt: toMs(row['updated_at'] as string)!,
  };
}
