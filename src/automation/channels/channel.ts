/**
 * Where reports and alerts go. A channel is a transport with its own text dialect: it renders the
 * document for its medium (through `reports/render/*`) and sends it, retrying what the receiver says is
 * worth retrying (5xx, 429 with its retry-after) inside one delivery. It never drops silently: a send that
 * does not end in the receiver's acceptance throws `DeliveryError`, and the scheduler records it.
 */
import type { ReportDocument } from '../reports/document.ts';

export type ChannelType = 'telegram' | 'slack' | 'email' | 'webhook';

/** A chart of the document drawn once, shared by every channel it goes to. */
export interface ChartImage {
  /** The index of its `chart` block in `document.blocks`. */
  readonly blockIndex: number;
  /** `chart-1.png`, … in block order; also the e-mail's content id (`cid:chart-1.png`). */
  readonly filename: string;
  readonly png: Uint8Array;
  readonly svg: string;
  readonly width: number;
  readonly height: number;
  readonly title: string;
  readonly alt: string;
}

export interface DeliveryContext {
  /**
   * Stable for one delivery of one document to one channel, the same on every retry and re-run
   * (run id + channel + notification key): webhooks send it as `Idempotency-Key`, e-mails use it in
   * their Message-ID, so a receiver can drop a repeat.
   */
  readonly idempotencyKey: string;
  readonly images: readonly ChartImage[];
  readonly signal?: AbortSignal;
  /**
   * Where a delivery of several requests (a long Telegram report) records each accepted part, so that a
   * retry of the same delivery (same key) sends only the parts not yet accepted. Default: this process's
   * memory (`progress.ts`); the scheduler passes its ledger's (`meta.delivery_parts`), which survives a
   * restart.
   */
  readonly progress?: DeliveryProgress;
}

/** The parts of one delivery the receiver has accepted, by part (`message-1`, `photos-1`): their ids. */
export interface DeliveryProgress {
  load(idempotencyKey: string): Promise<ReadonlyMap<string, readonly string[]>>;
  save(idempotencyKey: string, part: string, ids: readonly string[]): Promise<void>;
  /** The delivery is complete: what was kept for it may go. */
  clear(idempotencyKey: string): Promise<void>;
}

/** What the receiver accepted. */
export interface DeliveryReceipt {
  readonly channel: string;
  readonly type: ChannelType;
  /** Requests the receiver accepted (a long Telegram report is several messages). */
  readonly requests: number;
  /** Receiver-side ids (Telegram message ids, the SMTP server's queue id, the webhook's status). */
  readonly ids: readonly string[];
  /** What was sent differently from the document (charts as alt text where images cannot be hosted). */
  readonly notes?: readonly string[];
}

export interface Channel {
  readonly name: string;
  readonly type: ChannelType;
  send(document: ReportDocument, context: DeliveryContext): Promise<DeliveryReceipt>;
}

/**
 * A send that did not end in the receiver's acceptance. `retryable` says whether a later attempt may
 * succeed (the receiver was down or rate-limited) or not (a wrong token, a chat that does not exist).
 */
export class DeliveryError extends Error {
  constructor(
    readonly channel: string,
    message: string,
    readonly retryable: boolean,
    /** The HTTP status or SMTP response code, when there was one. */
    readonly status?: number,
    /** How long the receiver asked to wait before a retry (429 `retry_after`, `Retry-After`). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
