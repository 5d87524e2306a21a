import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/automation/channels/channel.ts';
import { createChannel } from '../../src/automation/channels/create-channel.ts';
import type { ChannelDefinition } from '../../src/automation/channels/definitions.ts';
import { MemoryProgress } from '../../src/automation/channels/progress.ts';
import { renderTelegram } from '../../src/automation/reports/render/telegram.ts';
import { SightlineError } from '../../src/errors/index.ts';
import { type BotApiServer, botError, startBotApi } from './bot-api-server.ts';
import { fixtureDocument, fixtureImages } from './fixture.ts';

const TOKEN = '123456:ABC-secret_token';
const CHAT = '-1001234567890';

const definition: ChannelDefinition = {
  name: 'team',
  type: 'telegram',
  token: '${TG_TOKEN}',
  chatId: '${TG_CHAT}',
  apiUrl: '${TG_API:-https://api.telegram.org}',
};

function channel(server: BotApiServer, waits: number[] = [], progress = new MemoryProgress()) {
  return createChannel(
    definition,
    { TG_TOKEN: TOKEN, TG_CHAT: CHAT, TG_API: server.url },
    { sleep: async (ms) => void waits.push(ms), progress },
  );
}

const oneChart = fixtureDocument(1);
const oneChartImages = await fixtureImages(oneChart);
const threeCharts = fixtureDocument(3);
const threeChartImages = await fixtureImages(threeCharts);

describe('Telegram channel against a local Bot API', () => {
  let server: BotApiServer;
  beforeAll(async () => {
    server = await startBotApi();
  });
  afterAll(() => server.close());

  it('sends the MarkdownV2 messages with the token in the path, then one chart with sendPhoto', async () => {
    server.calls.length = 0;
    const plan = renderTelegram(oneChart, oneChartImages);
    const receipt = await channel(server).send(oneChart, {
      idempotencyKey: 'run-1/team/',
      images: oneChartImages,
    });
    expect(server.calls.map((c) => c.method)).toEqual([
      ...plan.messages.map(() => 'sendMessage'),
      'sendPhoto',
    ]);
    for (const [i, text] of plan.messages.entries()) {
      const call = server.calls[i]!;
      expect(call.token).toBe(TOKEN);
      expect(call.contentType).toBe('application/json');
      expect(call.fields).toEqual({
        chat_id: CHAT,
        text,
        parse_mode: 'MarkdownV2',
        link_preview_options: { is_disabled: true },
      });
    }
    const photo = server.calls.at(-1)!;
    expect(photo.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(photo.fields).toEqual({
      chat_id: CHAT,
      caption: plan.photos[0]!.caption,
      parse_mode: 'MarkdownV2',
    });
    expect(photo.files).toHaveLength(1);
    expect(photo.files[0]!.field).toBe('photo');
    expect(photo.files[0]!.filename).toBe('chart-1.png');
    expect(photo.files[0]!.contentType).toBe('image/png');
    expect(Buffer.from(photo.files[0]!.bytes).equals(Buffer.from(oneChartImages[0]!.png))).toBe(true);
    expect(receipt).toEqual({
      channel: 'team',
      type: 'telegram',
      requests: plan.messages.length + 1,
      ids: server.calls.flatMap((c) => c.messageIds.map(String)),
    });
  });

  it('sends two to ten charts as one album with sendMediaGroup, each photo attached by attach://', async () => {
    server.calls.length = 0;
    const plan = renderTelegram(threeCharts, threeChartImages);
    expect(plan.photos).toHaveLength(3);
    const receipt = await channel(server).send(threeCharts, {
      idempotencyKey: 'run-2/team/',
      images: threeChartImages,
    });
    const album = server.calls.at(-1)!;
    expect(album.method).toBe('sendMediaGroup');
    expect(album.fields['chat_id']).toBe(CHAT);
    expect(JSON.parse(String(album.fields['media']))).toEqual(
      plan.photos.map((photo, i) => ({
        type: 'photo',
        media: `attach://photo${i + 1}`,
        caption: photo.caption,
        parse_mode: 'MarkdownV2',
      })),
    );
    expect(album.files.map((f) => [f.field, f.filename])).toEqual([
      ['photo1', 'chart-1.png'],
      ['photo2', 'chart-2.png'],
      ['photo3', 'chart-3.png'],
    ]);
    for (const [i, file] of album.files.entries())
      expect(Buffer.from(file.bytes).equals(Buffer.from(threeChartImages[i]!.png))).toBe(true);
    // One id per message of the album.
    expect(receipt.ids.slice(-3)).toEqual(album.messageIds.map(String));
    expect(receipt.requests).toBe(plan.messages.length + 1);
  });

  it('posts into a forum topic when threadId is set: message_thread_id on every call', async () => {
    server.calls.length = 0;
    const topic = createChannel(
      { ...definition, threadId: '${TG_THREAD}' },
      { TG_TOKEN: TOKEN, TG_CHAT: CHAT, TG_API: server.url, TG_THREAD: '17' },
      { progress: new MemoryProgress() },
    );
    await topic.send(threeCharts, { idempotencyKey: 'run-topic/team/', images: threeChartImages });
    const messages = server.calls.filter((c) => c.method === 'sendMessage');
    expect(messages.length).toBeGreaterThan(0);
    for (const call of messages) expect(call.fields['message_thread_id']).toBe(17);
    expect(server.calls.at(-1)!.method).toBe('sendMediaGroup');
    expect(server.calls.at(-1)!.fields['message_thread_id']).toBe('17');
  });

  it('sends a long report as several messages, in order, each within the 4,096-character limit', async () => {
    const base = fixtureDocument(0);
    const long = {
      ...base,
      blocks: [
        ...base.blocks,
        ...Array.from({ length: 60 }, (_, i) => ({
          kind: 'paragraph' as const,
          text: `Paragraph ${i + 1}: sessions from campaign (spring-sale) rose 4.2% to 1,234.5 per day, which is more than usual.`,
        })),
      ],
    };
    const plan = renderTelegram(long, []);
    expect(plan.messages.length).toBeGreaterThan(1);
    server.calls.length = 0;
    const receipt = await channel(server).send(long, { idempotencyKey: 'run-long/team/', images: [] });
    expect(server.calls.map((c) => c.fields['text'])).toEqual(plan.messages);
    for (const call of server.calls) expect(String(call.fields['text']).length).toBeLessThanOrEqual(4096);
    expect(receipt.requests).toBe(plan.messages.length);
    expect(receipt.ids).toEqual(server.calls.map((c) => String(c.messageIds[0])));
  });

  it('sends eleven charts as an album of ten and one photo', async () => {
    const document = fixtureDocument(11);
    const images = await fixtureImages(document);
    server.calls.length = 0;
    await channel(server).send(document, { idempotencyKey: 'run-3/team/', images });
    const photoCalls = server.calls.filter((c) => c.method !== 'sendMessage');
    expect(photoCalls.map((c) => [c.method, c.files.length])).toEqual([
      ['sendMediaGroup', 10],
      ['sendPhoto', 1],
    ]);
    expect(photoCalls[1]!.files[0]!.filename).toBe('chart-11.png');
  });
});

describe('Telegram failures', () => {
  it('a retry of a delivery whose messages were accepted but whose photo was not sends only the photo', async () => {
    let photoFailures = 0;
    const server = await startBotApi((call) =>
      call.method === 'sendPhoto' && photoFailures++ === 0
        ? botError(400, 'Bad Request: IMAGE_PROCESS_FAILED')
        : undefined,
    );
    const progress = new MemoryProgress();
    try {
      const plan = renderTelegram(oneChart, oneChartImages);
      const first = await channel(server, [], progress)
        .send(oneChart, { idempotencyKey: 'run-7/team/', images: oneChartImages })
        .catch((e: unknown) => e);
      expect(first).toBeInstanceOf(DeliveryError);
      expect(server.calls.map((c) => c.method)).toEqual([
        ...plan.messages.map(() => 'sendMessage'),
        'sendPhoto',
      ]);
      const messageIds = server.calls.slice(0, -1).flatMap((c) => c.messageIds.map(String));

      const retry = await channel(server, [], progress).send(oneChart, {
        idempotencyKey: 'run-7/team/',
        images: oneChartImages,
      });
      expect(server.calls.slice(plan.messages.length + 1).map((c) => c.method)).toEqual(['sendPhoto']);
      expect(retry).toEqual({
        channel: 'team',
        type: 'telegram',
        requests: plan.messages.length + 1,
        ids: [...messageIds, String(server.calls.at(-1)!.messageIds[0])],
        notes: [
          `resumed: ${plan.messages.length} of ${plan.messages.length + 1} requests had been accepted by an earlier attempt`,
        ],
      });

      // Complete, the delivery is forgotten: another delivery (another key) sends everything.
      const before = server.calls.length;
      await channel(server, [], progress).send(oneChart, {
        idempotencyKey: 'run-8/team/',
        images: oneChartImages,
      });
      expect(server.calls.length - before).toBe(plan.messages.length + 1);
      expect(await progress.load('run-7/team/')).toEqual(new Map());
    } finally {
      await server.close();
    }
  });

  it('waits the retry_after a 429 asks for, then sends', async () => {
    const server = await startBotApi((_call, i) =>
      i === 0 ? botError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }) : undefined,
    );
    const waits: number[] = [];
    try {
      const receipt = await channel(server, waits).send(oneChart, {
        idempotencyKey: 'k',
        images: oneChartImages,
      });
      expect(waits).toEqual([7000]);
      expect(server.calls[0]!.fields['text']).toBe(server.calls[1]!.fields['text']);
      expect(receipt.requests).toBe(server.calls.length - 1);
    } finally {
      await server.close();
    }
  });

  it('retries a 502 with backoff (1 s, then 2 s) and succeeds', async () => {
    const server = await startBotApi((_call, i) =>
      i < 2 ? { status: 502, body: '<html>Bad Gateway</html>' } : undefined,
    );
    const waits: number[] = [];
    try {
      await channel(server, waits).send(oneChart, { idempotencyKey: 'k', images: oneChartImages });
      expect(waits).toEqual([1000, 2000]);
    } finally {
      await server.close();
    }
  });

  it('a Bot API that stays down ends in a retryable DeliveryError with its answer, after 4 attempts', async () => {
    const server = await startBotApi(() => botError(500, 'Internal Server Error: restarting'));
    const waits: number[] = [];
    try {
      const error = await channel(server, waits)
        .send(oneChart, { idempotencyKey: 'k', images: oneChartImages })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeliveryError);
      const failure = error as DeliveryError;
      expect(failure.retryable).toBe(true);
      expect(failure.status).toBe(500);
      expect(failure.channel).toBe('team');
      expect(failure.message).toContain('Internal Server Error: restarting');
      expect(failure.message).toContain('(after 4 attempts)');
      expect(failure.message).not.toContain(TOKEN);
      expect(server.calls).toHaveLength(4);
      expect(waits).toEqual([1000, 2000, 4000]);
    } finally {
      await server.close();
    }
  });

  it('a 400 (chat not found) is final at once, with Telegram’s description', async () => {
    const server = await startBotApi(() => botError(400, 'Bad Request: chat not found'));
    try {
      const error = (await channel(server)
        .send(oneChart, { idempotencyKey: 'k', images: oneChartImages })
        .catch((e: unknown) => e)) as DeliveryError;
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error.retryable).toBe(false);
      expect(error.status).toBe(400);
      expect(error.message).toContain('Bad Request: chat not found');
      expect(server.calls).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("MarkdownV2 that Telegram can't parse fails as a renderer bug and is not resent as plain text", async () => {
    const server = await startBotApi(() =>
      botError(400, "Bad Request: can't parse entities: Character '.' is reserved and must be escaped"),
    );
    try {
      const error = (await channel(server)
        .send(oneChart, { idempotencyKey: 'k', images: oneChartImages })
        .catch((e: unknown) => e)) as DeliveryError;
      expect(error.retryable).toBe(false);
      expect(error.message).toContain("can't parse entities: Character '.' is reserved");
      expect(error.message).toContain('not resent as plain text');
      expect(server.calls).toHaveLength(1);
      expect(server.calls[0]!.fields['parse_mode']).toBe('MarkdownV2');
    } finally {
      await server.close();
    }
  });

  it('a Bot API that cannot be reached is a retryable DeliveryError naming the address, not the token', async () => {
    const server = await startBotApi();
    const url = server.url;
    await server.close();
    const waits: number[] = [];
    const error = (await createChannel(
      definition,
      { TG_TOKEN: TOKEN, TG_CHAT: CHAT, TG_API: url },
      {
        sleep: async (ms) => void waits.push(ms),
      },
    )
      .send(oneChart, { idempotencyKey: 'k', images: oneChartImages })
      .catch((e: unknown) => e)) as DeliveryError;
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain(url);
    expect(error.message).not.toContain(TOKEN);
    expect(waits).toHaveLength(3);
  });

  it('a missing token variable fails with SL_CHANNEL_CONFIG naming it and the channel, before any request', async () => {
    const server = await startBotApi();
    try {
      const error = (await createChannel(definition, { TG_CHAT: CHAT, TG_API: server.url })
        .send(oneChart, { idempotencyKey: 'k', images: oneChartImages })
        .catch((e: unknown) => e)) as SightlineError;
      expect(error).toBeInstanceOf(SightlineError);
      expect(error.code).toBe('SL_CHANNEL_CONFIG');
      expect(error.message).toBe(
        'channel "team" needs the environment variable TG_TOKEN (for token), which is not set',
      );
      expect(server.calls).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});
