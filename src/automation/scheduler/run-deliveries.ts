/**
 * A run's deliveries through the ledger (`RunContext.deliver`): a delivery recorded as sent returns its
 * receipt and is not sent again; otherwise it is marked `sending`, sent with an idempotency key that is
 * the same on every retry and re-run (a delivery of several requests records its accepted parts in the
 * ledger too), and marked `sent` or `failed`. Charts are drawn once per document
 * object, however many channels it goes to.
 */
import type { Channel, ChartImage, DeliveryReceipt } from '../channels/channel.ts';
import type { ReportDocument } from '../reports/document.ts';
import type { Clock } from './clock.ts';
import { type DeliveryLedger, type DeliveryRecord, idempotencyKey } from './delivery-ledger.ts';

/** A delivery as a run's `details.deliveries` lists it. */
export interface DeliverySummary {
  readonly channel: string;
  readonly key: string;
  readonly status: DeliveryRecord['status'];
  readonly attempts: number;
  readonly requests: number;
  readonly ids: readonly string[];
  readonly error?: string;
}

export class RunDeliveries {
  private readonly images = new WeakMap<ReportDocument, Promise<ChartImage[]>>();

  constructor(
    private readonly ledger: DeliveryLedger,
    private readonly channel: (name: string) => Channel,
    private readonly draw: (document: ReportDocument) => Promise<ChartImage[]>,
    private readonly clock: Clock,
  ) {}

  async deliver(
    runId: string,
    channelName: string,
    document: ReportDocument,
    key: string,
    signal: AbortSignal,
    log: (line: string) => void,
  ): Promise<DeliveryReceipt> {
    const what = `${channelName}${key ? ` (${key})` : ''}`;
    const recorded = await this.ledger.get(runId, channelName, key);
    if (recorded?.status === 'sent' && recorded.receipt) {
      log(`${what}: already delivered, not sent again`);
      return recorded.receipt;
    }
    const channel = this.channel(channelName);
    await this.ledger.sending(runId, channelName, key, this.clock.now());
    try {
      const images = await this.imagesOf(document);
      const receipt = await channel.send(document, {
        idempotencyKey: idempotencyKey(runId, channelName, key),
        images,
        signal,
        progress: this.ledger.progress,
      });
      await this.ledger.sent(runId, channelName, key, receipt, this.clock.now());
      log(`${what}: delivered (${receipt.requests} request${receipt.requests === 1 ? '' : 's'})`);
      return receipt;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.ledger.failed(runId, channelName, key, message, this.clock.now());
      log(`${what}: not delivered: ${message}`);
      throw error;
    }
  }

  /** What the ledger holds for a run, as its `details.deliveries`. */
  async summaries(runId: string): Promise<DeliverySummary[]> {
    return (await this.ledger.ofRun(runId)).map((record) => ({
      channel: record.channel,
      key: record.key,
      status: record.status,
      attempts: record.attempts,
      requests: record.receipt?.requests ?? 0,
      ids: record.receipt?.ids ?? [],
      ...(record.error ? { error: record.error } : {}),
    }));
  }

  private imagesOf(document: ReportDocument): Promise<ChartImage[]> {
    if (!document.blocks.some((b) => b.kind === 'chart')) return Promise.resolve([]);
    let images = this.images.get(document);
    if (!images) {
      images = this.draw(document);
      this.images.set(document, images);
    }
    return images;
  }
}
