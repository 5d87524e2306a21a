/**
 * The default `DeliveryProgress`: parts of unfinished deliveries kept in this process's memory. A Telegram
 * report of three messages and an album whose album failed is retried (by the scheduler, minutes later)
 * from the album, instead of posting the three messages to the chat again. Entries go when their delivery
 * completes; at most `MAX_KEYS` unfinished ones are kept (the oldest dropped first), which bounds memory
 * when a channel stays down for days. A restart forgets them, so the scheduler passes its ledger's durable
 * progress instead (`scheduler/delivery-ledger.ts`); this default serves channels used on their own.
 */
import type { DeliveryProgress } from './channel.ts';

export const MAX_KEYS = 1_000;

export class MemoryProgress implements DeliveryProgress {
  private readonly parts = new Map<string, Map<string, readonly string[]>>();

  async load(idempotencyKey: string): Promise<ReadonlyMap<string, readonly string[]>> {
    return new Map(this.parts.get(idempotencyKey) ?? []);
  }

  async save(idempotencyKey: string, part: string, ids: readonly string[]): Promise<void> {
    let entry = this.parts.get(idempotencyKey);
    if (!entry) {
      entry = new Map();
      this.parts.set(idempotencyKey, entry);
      if (this.parts.size > MAX_KEYS) this.parts.delete(this.parts.keys().next().value!);
    }
    entry.set(part, [...ids]);
  }

  async clear(idempotencyKey: string): Promise<void> {
    this.parts.delete(idempotencyKey);
  }
}

/** The process-wide default, shared by every channel built by `createChannel`. */
export const processProgress: DeliveryProgress = new MemoryProgress();
