/**
 * Slack through a bot token and the Web API, for charts that arrive as images without a public server:
 * the report's Block Kit message with `chat.postMessage` (`renderSlack`'s blocks, each chart as its alt
 * text), then the chart PNGs uploaded into that message's thread with Slack's external upload flow —
 * per chart `files.getUploadURLExternal` and a POST of its bytes to the URL it hands out, then per ten
 * charts one `files.completeUploadExternal` with `channel_id` and `thread_ts`, which shares them as one
 * reply. (`files.upload`, the one-request upload, is deprecated and being retired by Slack: not used.)
 *
 * Why the thread: it ties the charts to their report, even in a busy channel where another message
 * could land between the report and a separate post of its charts, and an alert's charts do not double
 * the channel's noise; the report itself shows each chart's alt text and the thread its image. Image
 * blocks that point at the uploaded files (`slack_file`) would put the charts in the message itself, but
 * Slack refuses them with `invalid_blocks` until a file is processed and shared where the reader can see
 * it (slackapi/java-slack-sdk#1335, #1349), which would make every report race Slack's file processing.
 *
 * Parts already accepted are recorded in the delivery's progress (`message` with the message's `ts`,
 * `charts-N` with the file ids), exactly as `telegram.ts` does, so a retry of the same delivery neither
 * posts the message again nor shares a chart twice, and its charts still go to the first message's thread.
 * An upload fetched but never completed is discarded by Slack ("If this method is not called, the
 * uploaded file … will be discarded"), so a group is one part: it is redone whole, never seen twice.
 */
import type { ReportDocument } from '../reports/document.ts';
import { clip, renderSlack } from '../reports/render/slack.ts';
import type { Channel, ChartImage, DeliveryContext, DeliveryProgress, DeliveryReceipt } from './channel.ts';
import { DeliveryError } from './channel.ts';
import { isHttpUrl } from './definitions.ts';
import type { RetryPolicy, Sleep } from './retry.ts';
import {
  callSlackApi,
  type SlackApiBody,
  type SlackApiResult,
  type SlackBotSettings,
  uploadToSlack,
} from './slack-web-api.ts';

/** Files shared by one `files.completeUploadExternal`: Slack shows at most ten files in one message. */
export const SLACK_FILES_PER_MESSAGE = 10;

/** `files.getUploadURLExternal` refuses a longer `alt_txt` (`alt_txt_too_large`: "limit of 1000"). */
export const SLACK_ALT_TXT_MAX = 1000;

export interface SlackBotOptions {
  readonly fetch: typeof fetch;
  readonly sleep: Sleep;
  readonly policy: RetryPolicy;
  /** Used when the delivery brings none. */
  readonly progress: DeliveryProgress;
}

export class SlackBotChannel implements Channel {
  readonly type = 'slack' as const;
  readonly name: string;

  constructor(
    private readonly settings: () => SlackBotSettings,
    name: string,
    private readonly options: SlackBotOptions,
  ) {
    this.name = name;
  }

  /**
   * Posts the message, then shares the charts in its thread; returns the message's `ts` and the file ids.
   * Parts accepted by an earlier attempt of the same delivery (same key) are not sent again, and the
   * receipt notes how many were resumed.
   */
  async send(document: ReportDocument, context: DeliveryContext): Promise<DeliveryReceipt> {
    const settings = this.settings();
    const call = (method: string, what: string, body: SlackApiBody): Promise<SlackApiResult> =>
      callSlackApi(this.options, this.name, settings, method, what, body, context.signal);
    const progress = context.progress ?? this.options.progress;
    const key = context.idempotencyKey;
    const done = await progress.load(key);
    const notes: string[] = [];

    let ts = done.get('message')?.[0];
    if (!done.has('message')) {
      const message = renderSlack(document, new Map());
      const answer = await call('chat.postMessage', 'message', {
        json: {
          channel: settings.channel,
          text: message.text,
          blocks: message.blocks,
          // As Telegram's link previews are disabled: the report's own link needs no preview card.
          unfurl_links: false,
          unfurl_media: false,
        },
      });
      ts = typeof answer['ts'] === 'string' ? answer['ts'] : undefined;
      await progress.save(key, 'message', ts === undefined ? [] : [ts]);
    }
    const groups: ChartImage[][] = [];
    for (let start = 0; start < context.images.length; start += SLACK_FILES_PER_MESSAGE)
      groups.push(context.images.slice(start, start + SLACK_FILES_PER_MESSAGE));
    if (ts === undefined && groups.length > 0)
      notes.push(
        "charts shared in the channel, not in the report's thread: Slack's answer had no message ts",
      );

    const ids: string[] = ts === undefined ? [] : [ts];
    for (const [i, group] of groups.entries()) {
      const part = `charts-${i + 1}`;
      const earlier = done.get(part);
      if (earlier) {
        ids.push(...earlier);
        continue;
      }
      const files: { id: string; title: string }[] = [];
      for (const image of group)
        files.push({ id: await this.upload(settings, image, call, context), title: image.title });
      await call('files.completeUploadExternal', group.map((image) => image.filename).join(', '), {
        form: {
          files: JSON.stringify(files),
          channel_id: settings.channel,
          ...(ts === undefined ? {} : { thread_ts: ts }),
        },
      });
      const accepted = files.map((file) => file.id);
      await progress.save(key, part, accepted);
      ids.push(...accepted);
    }
    await progress.clear(key);

    const parts = ['message', ...groups.map((_, i) => `charts-${i + 1}`)];
    const resumed = parts.filter((part) => done.has(part)).length;
    if (resumed > 0)
      notes.push(`resumed: ${resumed} of ${parts.length} parts had been accepted by an earlier attempt`);
    return {
      channel: this.name,
      type: 'slack',
      // The message, two requests per chart (its upload URL, its bytes) and one completion per group.
      requests: 1 + 2 * context.images.length + groups.length,
      ids,
      ...(notes.length > 0 ? { notes } : {}),
    };
  }

  /** Gets an upload URL for one chart and POSTs its bytes there; returns the file id to complete. */
  private async upload(
    settings: SlackBotSettings,
    image: ChartImage,
    call: (method: string, what: string, body: SlackApiBody) => Promise<SlackApiResult>,
    context: DeliveryContext,
  ): Promise<string> {
    const answer = await call('files.getUploadURLExternal', image.filename, {
      form: {
        filename: image.filename,
        length: String(image.png.byteLength),
        ...(image.alt ? { alt_txt: clip(image.alt, SLACK_ALT_TXT_MAX) } : {}),
      },
    });
    const uploadUrl = answer['upload_url'];
    const fileId = answer['file_id'];
    if (typeof uploadUrl !== 'string' || !isHttpUrl(uploadUrl) || typeof fileId !== 'string')
      throw new DeliveryError(
        this.name,
        `${new URL(settings.apiUrl).origin} files.getUploadURLExternal (${image.filename}): the answer has no http(s) upload_url and file_id`,
        false,
      );
    await uploadToSlack(this.options, this.name, settings.token, uploadUrl, image, context.signal);
    return fileId;
  }
}
