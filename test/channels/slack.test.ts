import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/automation/channels/channel.ts';
import { createChannel } from '../../src/automation/channels/create-channel.ts';
import type { ChannelDefinition } from '../../src/automation/channels/definitions.ts';
import {
  IMAGE_RETENTION_DAYS,
  pruneImages,
  WarehouseImageHost,
} from '../../src/automation/channels/image-host.ts';
import { renderSlack } from '../../src/automation/reports/render/slack.ts';
import { startTestServer, type TestServer } from '../server/helpers.ts';
import { fixtureDocument, fixtureImages } from './fixture.ts';
import { type Answer, type LocalServer, startLocalServer } from './local-server.ts';

const definition: ChannelDefinition = { name: 'eng', type: 'slack', webhookUrl: '${SLACK_WEBHOOK_URL}' };
const document = fixtureDocument(2);
const images = await fixtureImages(document);
const WEBHOOK_PATH = '/services/T000/B000/XXXXsecretXXXX';

function channel(hook: LocalServer, options: { waits?: number[]; host?: WarehouseImageHost } = {}) {
  return createChannel(
    definition,
    { SLACK_WEBHOOK_URL: `${hook.url}${WEBHOOK_PATH}` },
    {
      sleep: async (ms) => void options.waits?.push(ms),
      ...(options.host ? { imageHost: options.host } : {}),
    },
  );
}

async function withHook(
  respond: (i: number) => Answer,
  run: (hook: LocalServer) => Promise<void>,
): Promise<void> {
  const hook = await startLocalServer((_r, i) => respond(i));
  try {
    await run(hook);
  } finally {
    await hook.close();
  }
}

describe('Slack incoming webhook against a local receiver', () => {
  let hook: LocalServer;
  let sightline: TestServer;
  beforeAll(async () => {
    hook = await startLocalServer(() => ({
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: 'ok',
    }));
    sightline = await startTestServer();
  });
  afterAll(async () => {
    await hook.close();
    await sightline.close();
  });

  it('without a public URL, posts the blocks with each chart as its alt text, and the receipt says so', async () => {
    hook.requests.length = 0;
    const receipt = await channel(hook).send(document, { idempotencyKey: 'k', images });
    expect(hook.requests).toHaveLength(1);
    const request = hook.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe(WEBHOOK_PATH);
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = JSON.parse(request.body.toString('utf8'));
    expect(body).toEqual(JSON.parse(JSON.stringify(renderSlack(document, new Map()))));
    const blocks = body.blocks as { type: string }[];
    expect(blocks.some((b) => b.type === 'image')).toBe(false);
    for (const image of images)
      expect(request.body.toString('utf8')).toContain(JSON.stringify(image.alt).slice(1, -1));
    expect(receipt).toEqual({
      channel: 'eng',
      type: 'slack',
      requests: 1,
      ids: ['ok'],
      notes: [
        '2 charts sent as alt text: Slack fetches images by URL, and no public URL is configured for the server to host them',
      ],
    });
  });

  it('with a public URL, hosts each PNG on the server and sends image blocks whose URLs serve it without a key', async () => {
    hook.requests.length = 0;
    const host = new WarehouseImageHost(sightline.context.warehouse, 'default', `${sightline.url}/`);
    const receipt = await channel(hook, { host }).send(document, { idempotencyKey: 'k', images });
    expect(receipt.notes).toBeUndefined();
    const body = JSON.parse(hook.requests[0]!.body.toString('utf8'));
    const imageBlocks = (body.blocks as { type: string; image_url?: string }[]).filter(
      (b) => b.type === 'image',
    );
    expect(imageBlocks).toHaveLength(2);
    const urls = new Map(images.map((image, i) => [image.filename, imageBlocks[i]!.image_url!]));
    expect(body).toEqual(JSON.parse(JSON.stringify(renderSlack(document, urls))));
    for (const [i, url] of [...urls.values()].entries()) {
      expect(url).toMatch(new RegExp(`^${sightline.url}/images/[0-9a-f]{32}\\.png$`));
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(images[i]!.png))).toBe(true);
    }
  });

  it('an unknown, malformed or pruned image id is 404', async () => {
    const old = new WarehouseImageHost(
      sightline.context.warehouse,
      'default',
      sightline.url,
      () => Date.now() - (IMAGE_RETENTION_DAYS + 1) * 86_400_000,
    );
    const url = await old.put(images[0]!.png, 'chart-1.png');
    expect((await fetch(url)).status).toBe(200);
    expect(await pruneImages(sightline.context.warehouse, Date.now())).toBe(1);
    expect((await fetch(url)).status).toBe(404);
    expect((await fetch(`${sightline.url}/images/${'0'.repeat(32)}.png`)).status).toBe(404);
    const malformed = await fetch(`${sightline.url}/images/..%2F..%2Fetc.png`);
    expect(malformed.status).toBe(404);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('SL_NOT_FOUND');
  });
});

describe('Slack failures', () => {
  it('waits the Retry-After of a 429 and retries a 503, then succeeds', async () => {
    const answers: Answer[] = [
      { status: 429, headers: { 'retry-after': '2' }, body: 'rate_limited' },
      { status: 503, body: 'service_unavailable' },
      { status: 200, body: 'ok' },
    ];
    await withHook(
      (i) => answers[i]!,
      async (hook) => {
        const waits: number[] = [];
        await channel(hook, { waits }).send(document, { idempotencyKey: 'k', images });
        expect(waits).toEqual([2000, 2000]);
        expect(hook.requests).toHaveLength(3);
      },
    );
  });

  for (const [status, reason] of [
    [400, 'invalid_payload'],
    [404, 'no_service'],
    [410, 'channel_is_archived'],
  ] as const) {
    it(`${status} ${reason} is final at once, with Slack's reason and without the webhook's secret path`, async () => {
      await withHook(
        () => ({ status, body: reason }),
        async (hook) => {
          const error = (await channel(hook)
            .send(document, { idempotencyKey: 'k', images })
            .catch((e: unknown) => e)) as DeliveryError;
          expect(error).toBeInstanceOf(DeliveryError);
          expect(error.retryable).toBe(false);
          expect(error.status).toBe(status);
          expect(error.message).toBe(`Slack webhook ${hook.url}/…: HTTP ${status}: ${reason}`);
          expect(error.message).not.toContain('secret');
          expect(hook.requests).toHaveLength(1);
        },
      );
    });
  }

  it('a webhook that stays down ends in a retryable DeliveryError with its answer', async () => {
    await withHook(
      () => ({ status: 500, body: 'internal_error' }),
      async (hook) => {
        const waits: number[] = [];
        const error = (await channel(hook, { waits })
          .send(document, { idempotencyKey: 'k', images })
          .catch((e: unknown) => e)) as DeliveryError;
        expect(error.retryable).toBe(true);
        expect(error.message).toBe(
          `Slack webhook ${hook.url}/…: HTTP 500: internal_error (after 4 attempts)`,
        );
        expect(hook.requests).toHaveLength(4);
      },
    );
  });
});
