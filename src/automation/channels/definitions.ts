/**
 * The `channels:` key of sightline.yaml: where reports and alerts can go. Any string may name environment
 * variables as `${NAME}` or `${NAME:-default}` (the default when the variable is unset or empty), read when
 * a delivery is made (`resolve-channel.ts`), so a missing token fails the delivery that needs it, not
 * every command.
 *
 * Secrets (a Telegram token, a Slack webhook URL, which carries its token, a Slack bot token, an SMTP
 * password, a webhook's signing secret) must be written as exactly one `${NAME}` reference: a literal, or a literal default,
 * would put the secret in a file that lives in version control, so loading refuses it (SL_CHANNEL_INVALID,
 * with the line to write instead). A webhook's own `url` is not a secret (its signature is).
 *
 * ```yaml
 * channels:
 *   team:
 *     type: telegram
 *     token: ${SIGHTLINE_TELEGRAM_TOKEN}
 *     chatId: ${SIGHTLINE_TELEGRAM_CHAT_ID}
 *     apiUrl: ${SIGHTLINE_TELEGRAM_API_URL:-https://api.telegram.org}
 *   eng:
 *     type: slack
 *     token: ${SLACK_BOT_TOKEN}       # or webhookUrl: ${SLACK_WEBHOOK_URL}, without the two keys below
 *     channel: C0123456789
 *     apiUrl: ${SLACK_API_URL:-https://slack.com/api}
 * ```
 */
import { z } from 'zod';
import { quietHoursSchema } from '../../analytics/anomalies/alert-rules.ts';
import { SightlineError } from '../../errors/index.ts';
import { parseTemplate, type TemplatePart } from './template.ts';

const text = z.string().min(1);

/** Slack's Web API, where a bot's `apiUrl` points unless set (tests point it at 127.0.0.1). */
export const SLACK_API_URL = 'https://slack.com/api';

/**
 * Keys every channel type accepts. `quietHours` holds alert notifications to this channel inside the
 * hours (sent when they end, if still relevant: `alerts/`), with the alert rules' own schema so both
 * mean the same; reports go out at their scheduled time regardless.
 */
const common = { quietHours: quietHoursSchema.optional() };

export const channelDefinitionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('telegram'),
    ...common,
    token: text,
    /** A numeric chat id (`-1001234567890` for a group) or `@channelname`. */
    chatId: text,
    /** A topic of a forum supergroup (`message_thread_id`); without it messages go to the general topic. */
    threadId: text.optional(),
    apiUrl: text.default('https://api.telegram.org'),
  }),
  /**
   * Either an incoming webhook (`webhookUrl`) or a bot (`token` + `channel`, through the Web API at
   * `apiUrl`, default `SLACK_API_URL`): only a bot can upload the charts (`slack-bot.ts`). Which one is
   * checked by `channelProblems`, so each mistake gets its own sentence rather than zod's union error.
   * `apiUrl` has no schema default: a webhook definition parses to exactly what was written.
   */
  z.strictObject({
    type: z.literal('slack'),
    ...common,
    webhookUrl: text.optional(),
    /** A bot token (`xoxb-…`) with the `chat:write` and `files:write` scopes. */
    token: text.optional(),
    /** The conversation's id (`C0123456789`): file uploads take an id, not a `#name`. */
    channel: text.optional(),
    apiUrl: text.optional(),
  }),
  z.strictObject({
    type: z.literal('email'),
    ...common,
    host: text,
    port: z.union([z.number().int().min(1).max(65_535), text]).default(587),
    /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
    secure: z.union([z.boolean(), text]).default(false),
    user: text.optional(),
    password: text.optional(),
    from: text,
    /** Addresses; a reference may expand to several separated by commas. */
    to: z.array(text).min(1),
  }),
  z.strictObject({
    type: z.literal('webhook'),
    ...common,
    url: text,
    /** Signs each body with HMAC-SHA256 (`X-Sightline-Signature`); without it requests are unsigned. */
    secret: text.optional(),
  }),
]);

export type ChannelDefinitionSource = z.infer<typeof channelDefinitionSchema>;

/** A declared channel: its name and its definition with `${VAR}` references not yet substituted. */
export type ChannelDefinition = ChannelDefinitionSource & { readonly name: string };

export const channelsSchema = {
  channels: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/), channelDefinitionSchema).optional(),
};

/** The keys of each channel type that hold a secret, which must be a bare `${NAME}` reference. */
export const SECRET_KEYS: Readonly<Record<ChannelDefinitionSource['type'], readonly string[]>> = {
  telegram: ['token'],
  slack: ['webhookUrl', 'token'],
  email: ['password'],
  webhook: ['secret'],
};

/** The keys holding a URL, checked when written literally (or as a reference's default). */
const URL_KEYS: Readonly<Record<ChannelDefinitionSource['type'], readonly string[]>> = {
  telegram: ['apiUrl'],
  slack: ['apiUrl'],
  email: [],
  webhook: ['url'],
};

/**
 * The declared channels by name, checked: every `${…}` reference well formed, every secret a bare
 * reference, literal URLs, ports, chat ids and addresses valid, and an SMTP user with its password.
 * Every problem is collected before failing with SL_CHANNEL_INVALID.
 */
export function buildChannels(
  source: Readonly<Record<string, ChannelDefinitionSource>> | undefined,
): ReadonlyMap<string, ChannelDefinition> {
  const problems: string[] = [];
  const channels = new Map<string, ChannelDefinition>();
  for (const [name, definition] of Object.entries(source ?? {})) {
    problems.push(...channelProblems(name, definition));
    channels.set(name, { ...definition, name });
  }
  if (problems.length > 0)
    throw new SightlineError('SL_CHANNEL_INVALID', problems.join('; '), { details: { problems } });
  return channels;
}

/** What is wrong with one channel's definition, each problem prefixed with `channels.<name>.<key>`. */
export function channelProblems(name: string, definition: ChannelDefinitionSource): string[] {
  const problems: string[] = [];
  const at = (key: string) => `channels.${name}.${key}`;
  const fields = Object.entries(definition).flatMap(([key, value]): [string, string][] => {
    if (typeof value === 'string') return key === 'type' ? [] : [[key, value]];
    if (Array.isArray(value)) return value.map((v, i): [string, string] => [`${key}.${i}`, String(v)]);
    return [];
  });
  const parsed = new Map<string, TemplatePart[]>();
  for (const [key, value] of fields) {
    const result = parseTemplate(value);
    if ('error' in result) problems.push(`${at(key)}: ${result.error}`);
    else parsed.set(key, result.parts);
  }
  for (const key of SECRET_KEYS[definition.type]) {
    const parts = parsed.get(key);
    if (!parts) continue;
    const only = parts.length === 1 ? parts[0] : undefined;
    if (only?.kind === 'variable' && only.fallback === undefined) continue;
    const suggested = `${definition.type === 'telegram' ? 'SIGHTLINE_TELEGRAM' : `SIGHTLINE_${name.toUpperCase().replaceAll('-', '_')}`}_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
    problems.push(
      `${at(key)}: a secret must not be written in the file; write ${key}: \${${suggested}} and set that environment variable`,
    );
  }
  // What each literal (or default) value would be, for the checks below; undefined when it comes from a variable.
  const literal = (key: string): string | undefined => {
    const parts = parsed.get(key);
    if (!parts || parts.some((p) => p.kind === 'variable' && p.fallback === undefined)) return undefined;
    return parts.map((p) => (p.kind === 'text' ? p.text : p.fallback)).join('');
  };
  for (const key of URL_KEYS[definition.type]) {
    const value = literal(key);
    if (value !== undefined && !isHttpUrl(value))
      problems.push(`${at(key)}: "${value}" is not an http(s) URL`);
  }
  if (definition.type === 'telegram') {
    const chat = literal('chatId');
    if (chat !== undefined && !/^(-?\d+|@[A-Za-z][A-Za-z0-9_]{4,})$/.test(chat))
      problems.push(`${at('chatId')}: "${chat}" is neither a numeric chat id nor @channelname`);
    const thread = literal('threadId');
    if (thread !== undefined && !/^\d+$/.test(thread))
      problems.push(`${at('threadId')}: "${thread}" is not a topic id (a whole number)`);
  }
  if (definition.type === 'slack') problems.push(...slackProblems(definition, at, literal));
  if (definition.type === 'email') {
    const port = typeof definition.port === 'number' ? String(definition.port) : literal('port');
    if (port !== undefined && !isPort(port))
      problems.push(`${at('port')}: "${port}" is not a port (1–65535)`);
    const secure = typeof definition.secure === 'boolean' ? undefined : literal('secure');
    if (secure !== undefined && secure !== 'true' && secure !== 'false')
      problems.push(`${at('secure')}: "${secure}" is neither true nor false`);
    const from = literal('from');
    if (from !== undefined && !isAddress(from))
      problems.push(`${at('from')}: "${from}" is not an e-mail address`);
    for (const [i] of definition.to.entries()) {
      const to = literal(`to.${i}`);
      for (const address of to === undefined ? [] : splitAddresses(to))
        if (!isAddress(address)) problems.push(`${at(`to.${i}`)}: "${address}" is not an e-mail address`);
    }
    if ((definition.user === undefined) !== (definition.password === undefined))
      problems.push(
        `${at(definition.user === undefined ? 'password' : 'user')}: give both user and password, or neither`,
      );
  }
  return problems;
}

/** A Slack conversation id: a public (C) or private (G) channel, or a direct message (D). */
export const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;

/**
 * A Slack channel is a webhook or a bot, never both: with both, which one a report went through would
 * depend on code order. A bot needs its channel; a webhook posts where it was created, so `channel` and
 * `apiUrl` without a token would be ignored, and are refused instead.
 */
function slackProblems(
  definition: Extract<ChannelDefinitionSource, { type: 'slack' }>,
  at: (key: string) => string,
  literal: (key: string) => string | undefined,
): string[] {
  const problems: string[] = [];
  const bot = definition.token !== undefined;
  if (definition.webhookUrl !== undefined && bot)
    problems.push(
      `${at('token')}: give webhookUrl (an incoming webhook) or token and channel (a bot that uploads the charts), not both`,
    );
  else if (definition.webhookUrl === undefined && !bot)
    problems.push(
      `${at('webhookUrl')}: missing; give webhookUrl (an incoming webhook) or token and channel (a bot that uploads the charts)`,
    );
  if (bot && definition.channel === undefined)
    problems.push(
      `${at('channel')}: missing; a bot token needs the id of the channel to post to (channel: C0123456789)`,
    );
  if (!bot)
    for (const key of ['channel', 'apiUrl'] as const)
      if (definition[key] !== undefined)
        problems.push(
          `${at(key)}: only with a bot token (did you mean token: \${SLACK_BOT_TOKEN} with channel?); a webhook posts to the channel it was created for`,
        );
  const channel = literal('channel');
  if (channel !== undefined && !SLACK_CHANNEL_ID.test(channel))
    problems.push(`${at('channel')}: ${slackChannelMistake(channel)}`);
  return problems;
}

/** Why `value` is not a channel id, and where to find the id. */
export function slackChannelMistake(value: string): string {
  const where = "the id is at the bottom of the channel's details in Slack (C0123456789)";
  return value.startsWith('#')
    ? `"${value}" is a channel name; write the channel's id: ${where}`
    : `"${value}" is not a channel id; ${where}`;
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export function isPort(value: string): boolean {
  return /^\d{1,5}$/.test(value) && Number(value) >= 1 && Number(value) <= 65_535;
}

/** `a@b.c` or `Name <a@b.c>`: the forms nodemailer reads; a full RFC 5322 parse is the server's job. */
export function isAddress(value: string): boolean {
  const bare = /^[^\s@<>,]+@[^\s@<>,]+$/;
  const named = /^[^<>]*<([^\s@<>,]+@[^\s@<>,]+)>$/;
  const trimmed = value.trim();
  return bare.test(trimmed) || named.test(trimmed);
}

/** The addresses of one `to` entry: a variable may hold several separated by commas. */
export function splitAddresses(value: string): string[] {
  return value
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a.length > 0);
}
