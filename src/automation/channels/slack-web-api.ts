/**
 * One request of a Slack bot channel, and what its answer means. Web API methods are POSTed to
 * `<apiUrl>/<method>` with the token as `Authorization: Bearer` (never in a URL or a body, so no error or
 * log can quote it from there), and answer HTTP 200 with `{"ok": false, "error": "<code>"}` for most
 * failures (docs.slack.dev/reference/methods, "Errors"); rate limits are HTTP 429 with `Retry-After`.
 *
 * Retryable: 429 and `ratelimited` (after the wait Slack names), 5xx, no answer, and the codes Slack lists
 * as passing: `internal_error`, `service_unavailable`, `request_timeout`, `team_added_to_org`. Every other
 * code is final, with a hint where the fix is known (a token Slack refuses, a missing scope, a channel the
 * bot cannot see or is not in). `fatal_error` is final too: Slack calls it "catastrophic" and says part of
 * the operation may have succeeded, so a blind repeat could post twice.
 */
import type { ChartImage } from './channel.ts';
import { DeliveryError } from './channel.ts';
import { type HttpAnswer, httpFailure, httpRequest, retryAfterHeaderMs } from './http.ts';
import { encodeMultipart } from './multipart.ts';
import { type ResolvedChannel, redact } from './resolve-channel.ts';
import { type RetryPolicy, type Sleep, withRetry } from './retry.ts';

export type SlackBotSettings = Extract<ResolvedChannel, { type: 'slack'; mode: 'bot' }>;

export interface SlackApiOptions {
  readonly fetch: typeof fetch;
  readonly sleep: Sleep;
  readonly policy: RetryPolicy;
}

/** A method's arguments: JSON (chat.postMessage's nested blocks) or a form, as each method's docs list. */
export type SlackApiBody =
  | { readonly json: Readonly<Record<string, unknown>> }
  | { readonly form: Readonly<Record<string, string>> };

/** A successful answer's fields (`ts`, `upload_url`, `file_id`, `files`, …). */
export type SlackApiResult = Readonly<Record<string, unknown>>;

/** The codes Slack documents as transient ("Errors" of every method): a later attempt may succeed. */
export const SLACK_RETRYABLE_ERRORS: ReadonlySet<string> = new Set([
  'ratelimited',
  'internal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);

/**
 * Returns the answer of one Web API method once Slack says `ok`, retried per the policy. Throws a
 * `DeliveryError` naming the API's origin, the method and `what` was being sent, with Slack's error code
 * and a hint; the token never appears in it.
 */
export function callSlackApi(
  options: SlackApiOptions,
  channel: string,
  settings: SlackBotSettings,
  method: string,
  what: string,
  body: SlackApiBody,
  signal: AbortSignal | undefined,
): Promise<SlackApiResult> {
  const target = `${new URL(settings.apiUrl).origin} ${method} (${what})`;
  const encoded =
    'json' in body
      ? { type: 'application/json; charset=utf-8', bytes: JSON.stringify(body.json) }
      : {
          type: 'application/x-www-form-urlencoded',
          bytes: new URLSearchParams(Object.entries(body.form)).toString(),
        };
  return withoutToken(settings.token, () =>
    withRetry({ policy: options.policy, sleep: options.sleep, signal }, async () => {
      const answer = await httpRequest(
        options.fetch,
        channel,
        target,
        `${settings.apiUrl}/${method}`,
        {
          headers: { authorization: `Bearer ${settings.token}`, 'content-type': encoded.type },
          body: encoded.bytes,
        },
        signal,
      );
      return readSlackAnswer(channel, target, answer, settings.channel);
    }),
  );
}

/**
 * POSTs one chart's bytes to the `upload_url` that `files.getUploadURLExternal` handed out, as a form
 * whose file part is named `filename` (Slack's example: `curl -F filename="@file"`); HTTP 200 is success.
 * The URL is signed by Slack for this one file, so the bot token is not sent to it: a host other than the
 * API's (files.slack.com) has no need of it. Errors show the URL's origin only (its path is the signature).
 */
export function uploadToSlack(
  options: SlackApiOptions,
  channel: string,
  token: string,
  uploadUrl: string,
  image: ChartImage,
  signal: AbortSignal | undefined,
): Promise<void> {
  const target = `Slack upload of ${image.filename} (${redact(uploadUrl)})`;
  const { body, contentType } = encodeMultipart([
    { name: 'filename', filename: image.filename, contentType: 'image/png', data: image.png },
  ]);
  return withoutToken(token, () =>
    withRetry({ policy: options.policy, sleep: options.sleep, signal }, async () => {
      const answer = await httpRequest(
        options.fetch,
        channel,
        target,
        uploadUrl,
        { headers: { 'content-type': contentType }, body },
        signal,
      );
      if (answer.status !== 200) throw httpFailure(channel, target, answer);
    }),
  );
}

interface SlackAnswer {
  readonly ok?: unknown;
  readonly error?: unknown;
  readonly needed?: unknown;
  readonly provided?: unknown;
  readonly response_metadata?: { readonly messages?: unknown };
}

/** The answer's fields when it is `ok`; otherwise throws the `DeliveryError` its error code stands for. */
export function readSlackAnswer(
  channel: string,
  target: string,
  answer: HttpAnswer,
  conversation: string,
): SlackApiResult {
  let parsed: SlackAnswer | undefined;
  try {
    parsed = JSON.parse(answer.text) as SlackAnswer;
  } catch {
    parsed = undefined;
  }
  if (parsed?.ok === true && answer.status < 300) return parsed as SlackApiResult;
  if (typeof parsed?.ok !== 'boolean') {
    if (answer.status === 200)
      throw new DeliveryError(
        channel,
        `${target}: HTTP 200 without a Web API answer: ${answer.text.trim().slice(0, 300)} (is apiUrl Slack's API?)`,
        false,
        200,
      );
    throw httpFailure(channel, target, answer);
  }
  const code = typeof parsed.error === 'string' ? parsed.error : `HTTP ${answer.status}`;
  const retryAfterMs = retryAfterHeaderMs(answer.headers);
  const retryable = answer.status === 429 || answer.status >= 500 || SLACK_RETRYABLE_ERRORS.has(code);
  const hint = slackErrorHint(code, parsed, conversation);
  const details = Array.isArray(parsed.response_metadata?.messages)
    ? parsed.response_metadata.messages.filter((m): m is string => typeof m === 'string')
    : [];
  const said = details.length > 0 ? `: ${details.join('; ').slice(0, 300)}` : '';
  throw new DeliveryError(
    channel,
    `${target}: ${code}${said}${hint ? ` (${hint})` : ''}`,
    retryable,
    answer.status,
    answer.status === 429 || code === 'ratelimited' ? retryAfterMs : undefined,
  );
}

/** What to do about a final error code, where Slack's docs make the fix plain; undefined otherwise. */
export function slackErrorHint(
  code: string,
  answer: { readonly needed?: unknown; readonly provided?: unknown },
  conversation: string,
): string | undefined {
  switch (code) {
    case 'not_authed':
    case 'invalid_auth':
    case 'account_inactive':
    case 'token_revoked':
    case 'token_expired':
      return 'Slack refused the token: set the Bot User OAuth Token (xoxb-…) of an app installed in this workspace';
    case 'not_allowed_token_type':
      return 'an app-level token (xapp-…) cannot post: use the Bot User OAuth Token (xoxb-…)';
    case 'missing_scope': {
      const needed = typeof answer.needed === 'string' ? answer.needed : 'chat:write and files:write';
      const has = typeof answer.provided === 'string' ? `; it has ${answer.provided}` : '';
      return `the token lacks the scope ${needed}${has}: add it under OAuth & Permissions and reinstall the app`;
    }
    case 'channel_not_found':
      return `the bot sees no channel ${conversation}: check the id, and invite the bot if the channel is private`;
    case 'not_in_channel':
      return `the bot is not a member of ${conversation}: invite it there (/invite @your-app)`;
    case 'is_archived':
      return `${conversation} is archived: unarchive it or set another channel`;
    case 'restricted_action':
    case 'restricted_action_read_only_channel':
    case 'restricted_action_thread_only_channel':
    case 'restricted_action_non_threadable_channel':
      return `the settings of the workspace or of ${conversation} do not let the bot post there`;
    case 'file_uploads_disabled':
    case 'file_uploads_except_images_disabled':
    case 'file_upload_size_restricted':
    case 'file_type_not_allowed':
      return 'the workspace restricts file uploads; its admins can allow them';
    case 'msg_too_long':
    case 'invalid_blocks':
    case 'invalid_blocks_format':
    case 'invalid_arguments':
    case 'invalid_form_data':
    case 'invalid_json':
    case 'alt_txt_too_large':
      return 'Slack refused what was sent; the request is a bug to report, and is not resent';
    default:
      return undefined;
  }
}

/**
 * Runs `send`, and if it fails with a message that holds the token (no path above builds one, but an
 * error of the HTTP client might quote a header), the token is cut out: errors end in run histories
 * and logs.
 */
async function withoutToken<T>(token: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof DeliveryError && token !== '' && error.message.includes(token))
      throw new DeliveryError(
        error.channel,
        error.message.replaceAll(token, 'xox…'),
        error.retryable,
        error.status,
        error.retryAfterMs,
      );
    throw error;
  }
}
