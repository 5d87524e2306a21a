/**
 * The channel of a definition. Its `${VAR}` references are read from `variables` on each send, not here,
 * so building every declared channel costs nothing and a missing variable fails only the delivery that
 * needs it (SL_CHANNEL_CONFIG, before any request).
 */
import type { Channel, DeliveryProgress } from './channel.ts';
import type { ChannelDefinition } from './definitions.ts';
import { EmailChannel } from './email.ts';
import type { ImageHost } from './image-host.ts';
import { processProgress } from './progress.ts';
import { type ResolvedChannel, resolveChannel } from './resolve-channel.ts';
import { abortableSleep, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.ts';
import { SlackChannel } from './slack.ts';
import { SlackBotChannel } from './slack-bot.ts';
import type { SlackBotSettings } from './slack-web-api.ts';
import { TelegramChannel } from './telegram.ts';
import { WebhookChannel } from './webhook.ts';

export interface CreateChannelOptions {
  /** The HTTP client (default: the global fetch). */
  fetch?: typeof fetch;
  /**
   * Waits between retries (default: a timer that the delivery's signal cuts short); tests pass one that
   * records the wait and returns at once.
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * Where a Slack webhook's chart images are hosted (`imageHostFor(deps)`); without one it gets the alt
   * text. A Slack bot uploads its charts and needs none.
   */
  imageHost?: ImageHost | undefined;
  /** Attempts and waits inside one delivery (default `DEFAULT_RETRY_POLICY`). */
  retry?: RetryPolicy;
  /** Where multi-request deliveries record accepted parts when the delivery brings no store (default: this process's memory). */
  progress?: DeliveryProgress;
  /** The clock of webhook timestamps (default Date.now). */
  now?: () => number;
}

/** Returns the transport for one declared channel. */
export function createChannel(
  definition: ChannelDefinition,
  variables: Readonly<Record<string, string | undefined>>,
  options: CreateChannelOptions = {},
): Channel {
  const common = {
    fetch: options.fetch ?? globalThis.fetch,
    sleep: options.sleep ?? abortableSleep,
    policy: options.retry ?? DEFAULT_RETRY_POLICY,
  };
  const settings =
    <T extends ResolvedChannel['type']>(_type: T) =>
    () =>
      resolveChannel(definition, variables) as Extract<ResolvedChannel, { type: T }>;
  switch (definition.type) {
    case 'telegram':
      return new TelegramChannel(settings('telegram'), definition.name, {
        ...common,
        progress: options.progress ?? processProgress,
      });
    case 'slack':
      // A token makes it a bot, which uploads the charts itself (no image host needed); `buildChannels`
      // allows a token or a webhook URL, not both.
      if (definition.token !== undefined)
        return new SlackBotChannel(
          () => resolveChannel(definition, variables) as SlackBotSettings,
          definition.name,
          { ...common, progress: options.progress ?? processProgress },
        );
      return new SlackChannel(
        () => resolveChannel(definition, variables) as Extract<ResolvedChannel, { mode: 'webhook' }>,
        definition.name,
        { ...common, imageHost: options.imageHost },
      );
    case 'email':
      return new EmailChannel(settings('email'), definition.name, common);
    case 'webhook':
      return new WebhookChannel(settings('webhook'), definition.name, {
        ...common,
        now: options.now ?? Date.now,
      });
  }
}
