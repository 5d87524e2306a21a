/**
 * One HTTP request of an HTTP channel (Telegram, Slack, webhooks), and what its failure means: a request
 * that never got an answer (refused, reset, timed out) or a 5xx, 408 or 429 may succeed later; any other
 * status will not. Redirects are not followed: a POST redirected elsewhere would lose its body or go to a
 * host nobody configured, so a 3xx is an error that names where it pointed.
 */
import { DeliveryError } from './channel.ts';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** How long one request may take before it counts as a dropped connection (retryable). */
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Returns the receiver's answer, whatever its status. Throws a retryable `DeliveryError` when there was
 * no answer, naming `target` (a description without secrets: Telegram's URLs hold the bot token), and the
 * signal's reason when the caller aborted.
 */
export async function httpRequest(
  fetchFn: typeof fetch,
  channel: string,
  target: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body: string | Uint8Array },
  signal?: AbortSignal,
): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    const response = await fetchFn(url, {
      method: init.method ?? 'POST',
      headers: init.headers,
      body: init.body,
      redirect: 'manual',
      signal: combined,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const reason = timeout.aborted
      ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`
      : describeNetworkError(error);
    throw new DeliveryError(channel, `${target}: ${reason}`, true);
  }
}

/** The failure an HTTP status stands for, with the receiver's own words (the first 300 characters). */
export function httpFailure(
  channel: string,
  target: string,
  answer: HttpAnswer,
  said?: string,
): DeliveryError {
  const { status } = answer;
  const words = (said ?? answer.text).trim().slice(0, 300);
  const text = `${target}: HTTP ${status}${words ? `: ${words}` : ''}`;
  if (status >= 300 && status < 400) {
    const location = answer.headers.get('location');
    return new DeliveryError(
      channel,
      `${text} (redirected${location ? ` to ${location}` : ''}; configure the final URL)`,
      false,
      status,
    );
  }
  const retryable = status === 408 || status === 429 || status >= 500;
  return new DeliveryError(
    channel,
    text,
    retryable,
    status,
    status === 429 ? retryAfterHeaderMs(answer.headers) : undefined,
  );
}

/** `Retry-After` as milliseconds: seconds, or an HTTP date from now; undefined when absent or unreadable. */
export function retryAfterHeaderMs(headers: Headers, now: number = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** undici's `fetch failed` hides the reason in `cause` (ECONNREFUSED 127.0.0.1:9); bring it out. */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.message)
    return cause.code && !cause.message.includes(cause.code)
      ? `${cause.code}: ${cause.message}`
      : cause.message;
  return error instanceof Error ? error.message : String(error);
}
