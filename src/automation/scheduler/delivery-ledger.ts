/**
 * `meta.deliveries`: what each run sent to each channel. A delivery is marked `sending` before the send
 * and `sent` with the receiver's receipt after it; a delivery found `sent` is answered from here and not
 * sent again, so a run resumed after a crash (or re-attempted after another channel failed) repeats
 * nothing the receivers already accepted.
 *
 * The one window left: the receiver accepted the send and the process died before `sent` was recorded.
 * The resumed run sends again (at least once, there), with the same idempotency key
 * (`runId/channel/key`): webhooks carry it as `Idempotency-Key` and e-mails build their Message-ID from
 * it, so receivers that honour those drop the repeat; Telegram and Slack webhooks have no such key.
 */
import type { Warehouse } from '../../data/warehouse/warehouse.ts';
import type { DeliveryReceipt } from '../channels/channel.ts';
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
  constructor(readonly warehouse: Warehouse) {}

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
    await this.warehouse.execute(
      `UPDATE meta.deliveries SET status = 'sent', receipt = ?, error = NULL, updated_at = ?
       WHERE run_id = ? AND channel = ? AND key = ?`,
      [JSON.stringify(receipt), new Date(at), runId, channel, key],
    );
  }

  async failed(runId: string, channel: string, key: string, error: string, at: number): Promise<void> {
    await this.warehouse.execute(
      `UPDATE meta.deliveries SET status = 'failed', error = ?, updated_at = ?
       WHERE run_id = ? AND channel = ? AND key = ?`,
      [error, new Date(at), runId, channel, key],
    );
  }
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
