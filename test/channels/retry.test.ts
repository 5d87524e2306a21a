import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/automation/channels/channel.ts';
import { createChannel } from '../../src/automation/channels/create-channel.ts';
import { MAX_KEYS, MemoryProgress } from '../../src/automation/channels/progress.ts';
import {
  abortableSleep,
  DEFAULT_RETRY_POLICY,
  retryDelayMs,
  withRetry,
} from '../../src/automation/channels/retry.ts';
import { botError, startBotApi } from './bot-api-server.ts';
import { fixtureDocument } from './fixture.ts';

const policy = DEFAULT_RETRY_POLICY;

describe('the retry policy', () => {
  it('doubles from 1 s, capped at 30 s, unless the receiver names its wait', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(policy, n, undefined))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
    expect(retryDelayMs(policy, 3, 7000)).toBe(7000);
  });

  it('passes a non-retryable error through at the first attempt, and other errors untouched', async () => {
    let calls = 0;
    const final = new DeliveryError('c', 'HTTP 400', false, 400);
    await expect(
      withRetry({ policy, sleep: async () => {} }, async () => {
        calls++;
        throw final;
      }),
    ).rejects.toBe(final);
    expect(calls).toBe(1);
    const bug = new TypeError('not a DeliveryError');
    await expect(
      withRetry({ policy, sleep: async () => {} }, async () => {
        throw bug;
      }),
    ).rejects.toBe(bug);
  });

  it('stops waiting when the delivery is aborted (a timeout or shutdown of the run)', async () => {
    const controller = new AbortController();
    let calls = 0;
    const error = await withRetry(
      {
        policy,
        signal: controller.signal,
        sleep: async () => controller.abort(new Error('run timed out')),
      },
      async () => {
        calls++;
        throw new DeliveryError('c', 'HTTP 503', true, 503);
      },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe('run timed out');
    expect(calls).toBe(1);
  });

  it('the default wait ends when the delivery is aborted, with the abort’s reason', async () => {
    const controller = new AbortController();
    const waiting = abortableSleep(60_000, controller.signal);
    controller.abort(new Error('the scheduler is stopping'));
    await expect(waiting).rejects.toThrow('the scheduler is stopping');
  });

  it('a 429 asking for longer than a delivery waits ends at once, retryable, for the next run', async () => {
    const server = await startBotApi(() =>
      botError(429, 'Too Many Requests: retry after 300', { retry_after: 300 }),
    );
    const waits: number[] = [];
    try {
      const error = (await createChannel(
        { name: 'team', type: 'telegram', token: 't', chatId: '1', apiUrl: server.url },
        {},
        { sleep: async (ms) => void waits.push(ms) },
      )
        .send(fixtureDocument(0), { idempotencyKey: 'k', images: [] })
        .catch((e: unknown) => e)) as DeliveryError;
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error.retryable).toBe(true);
      expect(error.retryAfterMs).toBe(300_000);
      expect(error.message).toContain('the receiver asked to wait 300 s, longer than a delivery waits');
      expect(waits).toEqual([]);
      expect(server.calls).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});

describe('memory progress', () => {
  it('keeps at most MAX_KEYS unfinished deliveries, dropping the oldest', async () => {
    const progress = new MemoryProgress();
    for (let i = 0; i <= MAX_KEYS; i++) await progress.save(`key-${i}`, 'message-1', [String(i)]);
    expect(await progress.load('key-0')).toEqual(new Map());
    expect(await progress.load('key-1')).toEqual(new Map([['message-1', ['1']]]));
    expect(await progress.load(`key-${MAX_KEYS}`)).toEqual(new Map([['message-1', [String(MAX_KEYS)]]]));
  });
});
