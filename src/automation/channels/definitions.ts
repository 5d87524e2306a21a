/**
 * The `channels:` key of sightline.yaml: where reports and alerts can go. Secrets are never written in the
 * file: any string may name environment variables as `${NAME}` or `${NAME:-default}`, which are read when
 * a delivery is made (so a missing token fails the delivery that needs it, not every command).
 *
 * ```yaml
 * channels:
 *   team:
 *     type: telegram
 *     token: ${SIGHTLINE_TELEGRAM_TOKEN}
 *     chatId: ${SIGHTLINE_TELEGRAM_CHAT_ID}
 *     apiUrl: ${SIGHTLINE_TELEGRAM_API_URL:-https://api.telegram.org}
 * ```
 */
import { z } from 'zod';

const text = z.string().min(1);

export const channelDefinitionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('telegram'),
    token: text,
    chatId: text,
    apiUrl: text.default('https://api.telegram.org'),
  }),
  z.strictObject({
    type: z.literal('slack'),
    webhookUrl: text,
  }),
  z.strictObject({
    type: z.literal('email'),
    host: text,
    port: z.union([z.number().int().min(1).max(65_535), text]).default(587),
    secure: z.boolean().default(false),
    user: text.optional(),
    password: text.optional(),
    from: text,
    to: z.array(text).min(1),
  }),
  z.strictObject({
    type: z.literal('webhook'),
    url: text,
    secret: text.optional(),
  }),
]);

export type ChannelDefinitionSource = z.infer<typeof channelDefinitionSchema>;

/** A declared channel: its name and its definition with `${VAR}` references not yet substituted. */
export type ChannelDefinition = ChannelDefinitionSource & { readonly name: string };

export const channelsSchema = {
  channels: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/), channelDefinitionSchema).optional(),
};

/** The declared channels by name. */
export function buildChannels(
  source: Readonly<Record<string, ChannelDefinitionSource>> | undefined,
): ReadonlyMap<string, ChannelDefinition> {
  return new Map(Object.entries(source ?? {}).map(([name, definition]) => [name, { ...definition, name }]));
}
