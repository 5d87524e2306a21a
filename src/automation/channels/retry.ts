/**
 * The one retry policy of the channels: a request the receiver refused for a passing reason (5xx, 429,
 * a dropped connection, a transient SMTP 4xx) is tried again inside the same delivery, a few times, after
 * the wait the receiver asked for (`retry_after`, `Retry-After`) or else an exponential backoff. The
 * waits stay short (a minute at most) because the scheduler retries the whole run later with its own,
 * longer backoff, and its ledger keeps what was already delivered from being sent again.
 */
import { DeliveryError } from './channel.ts';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** The wait after the first failure; doubled after each further one. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /**
   * The longest receiver-requested wait honoured inside a delivery. A longer one (Telegram asks for
   * minutes after a burst) ends the delivery with a retryable error, for the scheduler's next attempt.
   */
  readonly maxRetryAfterMs: number;
}

/** 4 attempts after waits of 1 s, 2 s, 4 s (or what the receiver asks, up to a minute). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

/** Waits `ms`; a real one ends early, rejecting, when the delivery's signal aborts (a run's timeout or shutdown). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** A timer that resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The wait before attempt `failed + 1`: what the receiver asked, else base × 2^(failed − 1), capped. */
export function retryDelayMs(policy: RetryPolicy, failed: number, retryAfterMs: number | undefined): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failed - 1));
}

/**
 * Returns what `attempt` returns, calling it again after a retryable `DeliveryError` until it succeeds or
 * the policy's attempts are spent; then the last error is thrown with the attempts counted in its message.
 * Other errors (bugs, aborts) pass through at once.
 */
export async function withRetry<T>(
  options: { policy: RetryPolicy; sleep: Sleep; signal?: AbortSignal | undefined },
  attempt: (attemptNumber: number) => Promise<T>,
): Promise<T> {
  const { policy, sleep, signal } = options;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof DeliveryError) || !error.retryable || signal?.aborted) throw error;
      if (n >= policy.attempts)
        throw new DeliveryError(
          error.channel,
          `${error.message} (after ${n} attempts)`,
          true,
          error.status,
          error.retryAfterMs,
        );
      const wait = retryDelayMs(policy, n, error.retryAfterMs);
      if (wait > policy.maxRetryAfterMs)
        throw new DeliveryError(
          error.channel,
          `${error.message} (the receiver asked to wait ${Math.ceil(wait / 1000)} s, longer than a delivery waits; a later run retries)`,
          true,
          error.status,
          error.retryAfterMs,
        );
      await sleep(wait, signal);
      if (signal?.aborted) throw signal.reason;
    }
  }
}
