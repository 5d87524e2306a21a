/**
 * Telegram through the Bot API (`<apiUrl>/bot<token>/<method>`): the report's text as MarkdownV2
 * messages (`sendMessage`, several for a long report, as `renderTelegram` splits it), then its charts:
 * one with `sendPhoto`, two to ten as one album with `sendMediaGroup` (more in albums of ten), uploaded
 * as multipart/form-data so the Bot API never has to fetch an image from us.
 *
 * Failures follow the Bot API's answer (`{ok: false, error_code, description, parameters}`): 429 waits
 * `parameters.retry_after` seconds, 5xx backs off, any other error is final with Telegram's description.
 * A MarkdownV2 text Telegram cannot parse is not resent as plain text: it is a renderer bug, so it fails.
 */

import type { ReportDocument } from '../reports/document.ts';
import { renderTelegram } from '../reports/render/telegram.ts';
import type { Channel, ChartImage, DeliveryContext, DeliveryProgress, DeliveryReceipt } from './channel.ts';
import { DeliveryError } from './channel.ts';
import { type HttpAnswer, httpFailure, httpRequest } from './http.ts';
import { encodeMultipart, type FormPart } from './multipart.ts';
import type { ResolvedChannel } from './resolve-channel.ts';
import { type RetryPolicy, type Sleep, withRetry } from './retry.ts';

/** Telegram allows 2–10 photos in one album. */
export const MEDIA_GROUP_MAX = 10;

interface BotAnswer {
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error_code?: number;
  readonly description?: string;
  readonly parameters?: { readonly retry_after?: number; readonly migrate_to_chat_id?: number };
}

type TelegramSettings = Extract<ResolvedChannel, { type: 'telegram' }>;

export interface TelegramOptions {
  readonly fetch: typeof fetch;
  readonly sleep: Sleep;
  readonly policy: RetryPolicy;
  /** Used when the delivery brings none. */
  readonly progress: DeliveryProgress;
}

export class TelegramChannel implements Channel {
  readonly type = 'telegram' as const;
  readonly name: string;

  constructor(
    private readonly settings: () => TelegramSettings,
    name: string,
    private readonly options: TelegramOptions,
  ) {
    this.name = name;
  }

  /**
   * Sends the text messages in order, then the charts; returns the message ids Telegram gave. Each
   * accepted request is recorded in the delivery's progress, so a retry of the same delivery sends only
   * what was not accepted yet (a chat never sees the first messages of a report twice).
   */
  async send(document: ReportDocument, context: DeliveryContext): Promise<DeliveryReceipt> {
    const settings = this.settings();
    const plan = renderTelegram(document, context.images);
    const byFilename = new Map(context.images.map((image) => [image.filename, image]));
    const photos = plan.photos.map((photo) => {
      const image = byFilename.get(photo.filename);
      if (!image)
        throw new Error(`renderTelegram named ${photo.filename}, which is not among the document's images`);
      return { image, caption: photo.caption };
    });
    const requests: { part: string; method: string; what: string; body: () => string | FormPart[] }[] = [];
    for (const [i, text] of plan.messages.entries())
      requests.push({
        part: `message-${i + 1}`,
        method: 'sendMessage',
        what: `message ${i + 1}/${plan.messages.length}`,
        body: () =>
          JSON.stringify({
            chat_id: settings.chatId,
            ...(settings.threadId === undefined ? {} : { message_thread_id: settings.threadId }),
            text,
            parse_mode: 'MarkdownV2',
            link_preview_options: { is_disabled: true },
          }),
      });
    for (let start = 0; start < photos.length; start += MEDIA_GROUP_MAX) {
      const album = photos.slice(start, start + MEDIA_GROUP_MAX);
      requests.push({
        part: `photos-${start / MEDIA_GROUP_MAX + 1}`,
        method: album.length === 1 ? 'sendPhoto' : 'sendMediaGroup',
        what: album.map((p) => p.image.filename).join(', '),
        body: () => (album.length === 1 ? photoForm(settings, album[0]!) : albumForm(settings, album)),
      });
    }
    const progress = context.progress ?? this.options.progress;
    const key = context.idempotencyKey;
    const done = await progress.load(key);
    const ids: string[] = [];
    for (const request of requests) {
      const earlier = done.get(request.part);
      if (earlier) {
        ids.push(...earlier);
        continue;
      }
      const result = await this.call(settings, request.method, request.what, context.signal, request.body);
      const accepted = messageIds(result);
      await progress.save(key, request.part, accepted);
      ids.push(...accepted);
    }
    await progress.clear(key);
    const resumed = requests.filter((r) => done.has(r.part)).length;
    return {
      channel: this.name,
      type: 'telegram',
      requests: requests.length,
      ids,
      ...(resumed > 0
        ? {
            notes: [
              `resumed: ${resumed} of ${requests.length} requests had been accepted by an earlier attempt`,
            ],
          }
        : {}),
    };
  }

  /** One Bot API method, retried per the policy; returns its `result`. */
  private call(
    settings: TelegramSettings,
    method: string,
    what: string,
    signal: AbortSignal | undefined,
    body: () => string | FormPart[],
  ): Promise<unknown> {
    const url = `${settings.apiUrl}/bot${settings.token}/${method}`;
    // The token is in the URL: errors name the API's origin and the method only.
    const target = `${new URL(settings.apiUrl).origin} ${method} (${what})`;
    return withRetry({ policy: this.options.policy, sleep: this.options.sleep, signal }, async () => {
      const payload = body();
      const { body: bytes, contentType } =
        typeof payload === 'string'
          ? { body: payload, contentType: 'application/json' }
          : encodeMultipart(payload);
      const answer = await httpRequest(
        this.options.fetch,
        this.name,
        target,
        url,
        { headers: { 'content-type': contentType }, body: bytes },
        signal,
      );
      return readAnswer(this.name, target, answer);
    });
  }
}

function readAnswer(channel: string, target: string, answer: HttpAnswer): unknown {
  let parsed: BotAnswer | undefined;
  try {
    parsed = JSON.parse(answer.text) as BotAnswer;
  } catch {
    parsed = undefined;
  }
  if (parsed?.ok === true && answer.status < 300) return parsed.result;
  if (!parsed || typeof parsed.ok !== 'boolean') throw httpFailure(channel, target, answer);
  const status = parsed.error_code ?? answer.status;
  const description = parsed.description ?? `error ${status}`;
  const retryAfter = parsed.parameters?.retry_after;
  if (status === 429 || retryAfter !== undefined)
    return fail(
      channel,
      `${target}: ${description}`,
      true,
      status,
      retryAfter === undefined ? undefined : retryAfter * 1000,
    );
  if (status >= 500) return fail(channel, `${target}: ${description}`, true, status);
  if (/can't parse entities/i.test(description))
    return fail(
      channel,
      `${target}: Telegram refused the MarkdownV2 text (${description}); the renderer did not escape it as the Bot API requires, so it is not resent as plain text`,
      false,
      status,
    );
  const migrated = parsed.parameters?.migrate_to_chat_id;
  if (migrated !== undefined)
    return fail(
      channel,
      `${target}: ${description} (the group is now the supergroup ${migrated}: set chatId to it)`,
      false,
      status,
    );
  return fail(channel, `${target}: ${description}`, false, status);
}

function fail(
  channel: string,
  message: string,
  retryable: boolean,
  status: number,
  retryAfterMs?: number,
): never {
  throw new DeliveryError(channel, message, retryable, status, retryAfterMs);
}

function messageIds(result: unknown): string[] {
  const messages = Array.isArray(result) ? result : [result];
  return messages.flatMap((m) => {
    const id = (m as { message_id?: unknown } | null)?.message_id;
    return typeof id === 'number' || typeof id === 'string' ? [String(id)] : [];
  });
}

function png(name: string, image: ChartImage): FormPart {
  return { name, filename: image.filename, contentType: 'image/png', data: image.png };
}

/** The form fields that say where a photo goes: the chat, and its topic when one is configured. */
function destination(settings: TelegramSettings): FormPart[] {
  const parts: FormPart[] = [{ name: 'chat_id', value: settings.chatId }];
  if (settings.threadId !== undefined)
    parts.push({ name: 'message_thread_id', value: String(settings.threadId) });
  return parts;
}

function photoForm(settings: TelegramSettings, photo: { image: ChartImage; caption: string }): FormPart[] {
  const parts: FormPart[] = [...destination(settings), png('photo', photo.image)];
  if (photo.caption)
    parts.push({ name: 'caption', value: photo.caption }, { name: 'parse_mode', value: 'MarkdownV2' });
  return parts;
}

/** The album: `media` is JSON whose items point at the form's file parts by `attach://<part name>`. */
function albumForm(
  settings: TelegramSettings,
  album: readonly { image: ChartImage; caption: string }[],
): FormPart[] {
  const media = album.map((photo, i) => ({
    type: 'photo',
    media: `attach://photo${i + 1}`,
    ...(photo.caption ? { caption: photo.caption, parse_mode: 'MarkdownV2' } : {}),
  }));
  return [
    ...destination(settings),
    { name: 'media', value: JSON.stringify(media) },
    ...album.map((photo, i) => png(`photo${i + 1}`, photo.image)),
  ];
}
