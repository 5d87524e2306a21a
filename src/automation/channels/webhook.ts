/**
 * A signed generic webhook: one POST of the document as JSON with its chart images in base64, for a
 * receiver that renders it its own way.
 *
 * ```
 * POST <url>
 * Content-Type: application/json
 * Idempotency-Key: <run id>/<channel>/<key>         the same on every retry and re-run of one delivery
 * X-Sightline-Timestamp: 1790000000                 seconds; also `sentAt` in the body
 * X-Sightline-Signature: sha256=<hex>               HMAC-SHA256 of the exact body bytes with the secret
 *
 * {"sentAt": "...", "idempotencyKey": "...", "document": {...},
 *  "images": [{"filename": "chart-1.png", "contentType": "image/png", "base64": "..."}]}
 * ```
 *
 * A receiver checks the signature over the raw body before parsing it (`verifyWebhookSignature`), then
 * rejects a `sentAt` older than a few minutes (the signature covers it, so a captured request cannot be
 * replayed later) and drops an `idempotencyKey` it has seen (a retry after a lost answer).
 * Any 2xx is acceptance; 5xx, 408 and 429 (with `Retry-After`) are retried; other statuses are final.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ReportDocument } from '../reports/document.ts';
import type { Channel, DeliveryContext, DeliveryReceipt } from './channel.ts';
import { httpFailure, httpRequest } from './http.ts';
import { type ResolvedChannel, redact } from './resolve-channel.ts';
import { type RetryPolicy, type Sleep, withRetry } from './retry.ts';

type WebhookSettings = Extract<ResolvedChannel, { type: 'webhook' }>;

export interface WebhookOptions {
  readonly fetch: typeof fetch;
  readonly sleep: Sleep;
  readonly policy: RetryPolicy;
  readonly now: () => number;
}

/** The JSON a webhook receives. */
export interface WebhookBody {
  readonly sentAt: string;
  readonly idempotencyKey: string;
  readonly document: ReportDocument;
  readonly images: readonly {
    readonly filename: string;
    readonly contentType: 'image/png';
    readonly base64: string;
  }[];
}

export const SIGNATURE_HEADER = 'X-Sightline-Signature';

export class WebhookChannel implements Channel {
  readonly type = 'webhook' as const;
  readonly name: string;

  constructor(
    private readonly settings: () => WebhookSettings,
    name: string,
    private readonly options: WebhookOptions,
  ) {
    this.name = name;
  }

  /** Posts the signed body (re-signed with a fresh timestamp on each retry); the receipt holds the status. */
  async send(document: ReportDocument, context: DeliveryContext): Promise<DeliveryReceipt> {
    const settings = this.settings();
    const images = context.images.map((image) => ({
      filename: image.filename,
      contentType: 'image/png' as const,
      base64: Buffer.from(image.png).toString('base64'),
    }));
    const target = `webhook ${redact(settings.url)}`;
    const answer = await withRetry(
      { policy: this.options.policy, sleep: this.options.sleep, signal: context.signal },
      async () => {
        const now = this.options.now();
        const body: WebhookBody = {
          sentAt: new Date(now).toISOString(),
          idempotencyKey: context.idempotencyKey,
          document,
          images,
        };
        const text = JSON.stringify(body);
        const headers: Record<string, string> = {
          'content-type': 'application/json; charset=utf-8',
          'idempotency-key': context.idempotencyKey,
          'x-sightline-timestamp': String(Math.floor(now / 1000)),
        };
        if (settings.secret !== undefined)
          headers['x-sightline-signature'] = signWebhookBody(text, settings.secret);
        const answer = await httpRequest(
          this.options.fetch,
          this.name,
          target,
          settings.url,
          { headers, body: text },
          context.signal,
        );
        if (answer.status < 200 || answer.status >= 300) throw httpFailure(this.name, target, answer);
        return answer;
      },
    );
    return { channel: this.name, type: 'webhook', requests: 1, ids: [String(answer.status)] };
  }
}

/** `sha256=<hex>`: HMAC-SHA256 of the body's UTF-8 bytes with the secret. */
export function signWebhookBody(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * For receivers: true when `header` (the `X-Sightline-Signature` value) is the signature of exactly
 * these body bytes under `secret`. Pass the raw body as received, before any JSON parsing (a re-encoded
 * body differs in bytes). Compared in constant time.
 *
 * ```ts
 * if (!verifyWebhookSignature(rawBody, req.headers['x-sightline-signature'], secret)) return reply.code(401);
 * const { sentAt, idempotencyKey, document } = JSON.parse(rawBody);
 * if (Date.now() - Date.parse(sentAt) > 5 * 60_000) return reply.code(400);   // a replay
 * ```
 */
export function verifyWebhookSignature(
  body: string | Uint8Array,
  header: string | readonly string[] | undefined,
  secret: string,
): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(signWebhookBody(body, secret));
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
