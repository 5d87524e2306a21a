/**
 * E-mail through SMTP (nodemailer): `renderEmail`'s HTML with the charts as inline images
 * (`cid:chart-1.png`, attachments with that content id) and its plain-text alternative, to every address
 * of `to` in one message.
 *
 * The Message-ID is derived from the delivery's idempotency key, so a retry, or a re-run after a crash
 * between the server's acceptance and the ledger's record, sends a message mail clients and servers
 * recognise as the same one. SMTP replies decide retries as RFC 5321 does: 4xx is transient, 5xx
 * permanent (nodemailer's `permanent` flag, which also treats 503 as transient); a dropped connection
 * is transient. A recipient the server refused is a failure naming it, even when others were accepted.
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { ReportDocument } from '../reports/document.ts';
import { renderEmail } from '../reports/render/email.ts';
import type { Channel, DeliveryContext, DeliveryReceipt } from './channel.ts';
import { DeliveryError } from './channel.ts';
import type { ResolvedChannel } from './resolve-channel.ts';
import { type RetryPolicy, type Sleep, withRetry } from './retry.ts';

type EmailSettings = Extract<ResolvedChannel, { type: 'email' }>;

export interface EmailOptions {
  readonly sleep: Sleep;
  readonly policy: RetryPolicy;
}

/** Errors without an SMTP reply that a later connection may not meet. */
const TRANSIENT_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNREFUSED',
  'ECONNRESET',
]);

/** How long nodemailer waits for a connection, the greeting and any reply. */
const SMTP_TIMEOUT_MS = 30_000;

interface SmtpError {
  readonly code?: string;
  readonly responseCode?: number;
  readonly response?: string;
  readonly permanent?: boolean;
  readonly message: string;
  readonly rejected?: readonly string[];
}

export class EmailChannel implements Channel {
  readonly type = 'email' as const;
  readonly name: string;

  constructor(
    private readonly settings: () => EmailSettings,
    name: string,
    private readonly options: EmailOptions,
  ) {
    this.name = name;
  }

  /** Sends one message to every recipient; the receipt holds the server's reply (its queue id). */
  async send(document: ReportDocument, context: DeliveryContext): Promise<DeliveryReceipt> {
    const settings = this.settings();
    const rendered = renderEmail(document, context.images);
    const messageId = emailMessageId(context.idempotencyKey, settings.from);
    const target = `SMTP ${settings.host}:${settings.port}`;
    const info = await withRetry(
      { policy: this.options.policy, sleep: this.options.sleep, signal: context.signal },
      async () => {
        const transport = nodemailer.createTransport({
          host: settings.host,
          port: settings.port,
          secure: settings.secure,
          ...(settings.auth ? { auth: settings.auth } : {}),
          connectionTimeout: SMTP_TIMEOUT_MS,
          greetingTimeout: SMTP_TIMEOUT_MS,
          socketTimeout: SMTP_TIMEOUT_MS,
        });
        const abort = () => transport.close();
        context.signal?.addEventListener('abort', abort, { once: true });
        try {
          return await transport.sendMail({
            from: settings.from,
            to: [...settings.to],
            subject: rendered.subject,
            html: rendered.html,
            text: rendered.text,
            messageId,
            headers: { 'X-Sightline-Delivery': context.idempotencyKey },
            attachments: rendered.attachments.map((a) => ({
              filename: a.filename,
              content: a.content,
              cid: a.cid,
              contentType: a.contentType,
              contentDisposition: 'inline' as const,
            })),
          });
        } catch (error) {
          if (context.signal?.aborted) throw context.signal.reason;
          throw smtpFailure(this.name, target, error as SmtpError);
        } finally {
          context.signal?.removeEventListener('abort', abort);
          transport.close();
        }
      },
    );
    const rejected = info.rejected.map(addressOf);
    if (rejected.length > 0) {
      const accepted = info.accepted.map(addressOf);
      throw new DeliveryError(
        this.name,
        `${target}: refused the recipient${rejected.length > 1 ? 's' : ''} ${rejected.join(', ')} (accepted for ${accepted.join(', ') || 'nobody'})`,
        false,
      );
    }
    return { channel: this.name, type: 'email', requests: 1, ids: [info.messageId, info.response] };
  }
}

/**
 * The Message-ID of a delivery: `<sl-` + the first 32 hex digits of SHA-256(key) + `@` + the sender's
 * domain>, the same on every attempt of one delivery (RFC 5322 asks for a unique id on the right of
 * which the sender has authority).
 */
export function emailMessageId(idempotencyKey: string, from: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const domain = address.split('@')[1]?.trim() || 'sightline.invalid';
  return `<sl-${digest}@${domain}>`;
}

function addressOf(recipient: unknown): string {
  return typeof recipient === 'string' ? recipient : String((recipient as { address?: unknown }).address);
}

function smtpFailure(channel: string, target: string, error: SmtpError): DeliveryError {
  const said = (error.response ?? error.message).trim();
  if (error.responseCode !== undefined) {
    const transient = error.permanent === undefined ? error.responseCode < 500 : !error.permanent;
    return new DeliveryError(channel, `${target}: ${said}`, transient, error.responseCode);
  }
  return new DeliveryError(
    channel,
    `${target}: ${error.code ? `${error.code}: ` : ''}${said}`,
    error.code !== undefined && TRANSIENT_CODES.has(error.code),
  );
}
