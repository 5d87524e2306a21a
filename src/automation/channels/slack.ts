/**
 * Slack through an incoming webhook: one POST of `renderSlack`'s Block Kit blocks. A webhook cannot
 * upload files, so a chart appears as an image block only when it can be fetched by Slack from a URL:
 * with an `ImageHost` (the server's public URL is configured) each PNG is stored and served at an
 * unguessable address; without one the chart's alt text is sent instead, and the receipt says so.
 *
 * Slack answers `ok` (200) on success, `429` with `Retry-After`, and 4xx with a reason (`invalid_payload`,
 * `no_service`, `channel_is_archived`) that no retry changes. A definition with a bot token instead goes
 * through `slack-bot.ts`, which uploads the charts.
 */

import type { ReportDocument } from '../reports/document.ts';
import { renderSlack } from '../reports/render/slack.ts';
import type { Channel, DeliveryContext, DeliveryReceipt } from './channel.ts';
import { httpFailure, httpRequest } from './http.ts';
import type { ImageHost } from './image-host.ts';
import { type ResolvedChannel, redact } from './resolve-channel.ts';
import { type RetryPolicy, type Sleep, withRetry } from './retry.ts';

type SlackSettings = Extract<ResolvedChannel, { type: 'slack'; mode: 'webhook' }>;

export interface SlackOptions {
  readonly fetch: typeof fetch;
  readonly sleep: Sleep;
  readonly policy: RetryPolicy;
  readonly imageHost: ImageHost | undefined;
}

export class SlackChannel implements Channel {
  readonly type = 'slack' as const;
  readonly name: string;

  constructor(
    private readonly settings: () => SlackSettings,
    name: string,
    private readonly options: SlackOptions,
  ) {
    this.name = name;
  }

  /** Hosts the charts (when it can), then posts the blocks; the receipt notes charts sent as text. */
  async send(document: ReportDocument, context: DeliveryContext): Promise<DeliveryReceipt> {
    const settings = this.settings();
    const urls = new Map<string, string>();
    const host = this.options.imageHost;
    if (host)
      for (const image of context.images) urls.set(image.filename, await host.put(image.png, image.filename));
    const payload = JSON.stringify(renderSlack(document, urls));
    // The webhook URL carries its token: errors name only its origin.
    const target = `Slack webhook ${redact(settings.webhookUrl)}`;
    const answer = await withRetry(
      { policy: this.options.policy, sleep: this.options.sleep, signal: context.signal },
      async () => {
        const answer = await httpRequest(
          this.options.fetch,
          this.name,
          target,
          settings.webhookUrl,
          { headers: { 'content-type': 'application/json; charset=utf-8' }, body: payload },
          context.signal,
        );
        if (answer.status !== 200) throw httpFailure(this.name, target, answer);
        return answer;
      },
    );
    const notes =
      !host && context.images.length > 0
        ? [
            `${context.images.length} chart${context.images.length > 1 ? 's' : ''} sent as alt text: Slack fetches images by URL, and no public URL is configured for the server to host them`,
          ]
        : [];
    return {
      channel: this.name,
      type: 'slack',
      requests: 1,
      ids: [answer.text.trim() || String(answer.status)],
      ...(notes.length > 0 ? { notes } : {}),
    };
  }
}
