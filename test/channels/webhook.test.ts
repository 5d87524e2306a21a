import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/automation/channels/channel.ts';
import { createChannel } from '../../src/automation/channels/create-channel.ts';
import type { ChannelDefinition } from '../../src/automation/channels/definitions.ts';
import {
  signWebhookBody,
  verifyWebhookSignature,
  type WebhookBody,
} from '../../src/automation/channels/webhook.ts';
import { fixtureDocument, fixtureImages } from './fixture.ts';
import { type Answer, type LocalServer, startLocalServer } from './local-server.ts';

const SECRET = 'whsec_5f2b9c';
const NOW = Date.parse('2026-09-27T09:00:03.250Z');
const definition: ChannelDefinition = {
  name: 'hook',
  type: 'webhook',
  url: '${HOOK_URL}',
  secret: '${HOOK_SECRET}',
};
const document = fixtureDocument(2);
const images = await fixtureImages(document);

function channel(server: LocalServer, waits: number[] = []) {
  return createChannel(
    definition,
    { HOOK_URL: `${server.url}/receive?source=sightline`, HOOK_SECRET: SECRET },
    { sleep: async (ms) => void waits.push(ms), now: () => NOW },
  );
}

async function failureOf(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('signed webhook against a local receiver', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer(() => ({ status: 202, body: 'queued' }));
  });
  afterAll(() => server.close());

  it('posts the document and its images as JSON, signed over the exact body bytes', async () => {
    const receipt = await channel(server).send(document, { idempotencyKey: 'run-9/hook/', images });
    expect(receipt).toEqual({ channel: 'hook', type: 'webhook', requests: 1, ids: ['202'] });
    expect(server.requests).toHaveLength(1);
    const request = server.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/receive?source=sightline');
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request.headers['idempotency-key']).toBe('run-9/hook/');
    expect(request.headers['x-sightline-timestamp']).toBe(String(Math.floor(NOW / 1000)));
    const signature = request.headers['x-sightline-signature'];
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(request.body, signature, SECRET)).toBe(true);
    expect(verifyWebhookSignature(request.body.toString('utf8'), signature, SECRET)).toBe(true);

    const body = JSON.parse(request.body.toString('utf8')) as WebhookBody;
    expect(body.sentAt).toBe('2026-09-27T09:00:03.250Z');
    expect(body.idempotencyKey).toBe('run-9/hook/');
    expect(body.document).toEqual(JSON.parse(JSON.stringify(document)));
    expect(body.images.map((i) => [i.filename, i.contentType])).toEqual([
      ['chart-1.png', 'image/png'],
      ['chart-2.png', 'image/png'],
    ]);
    for (const [i, image] of body.images.entries())
      expect(Buffer.from(image.base64, 'base64').equals(Buffer.from(images[i]!.png))).toBe(true);
  });

  it('a tampered body, another secret or a missing header does not verify', () => {
    const request = server.requests[0]!;
    const signature = String(request.headers['x-sightline-signature']);
    const tampered = Buffer.from(request.body.toString('utf8').replace('"name":"daily"', '"name":"dailx"'));
    expect(tampered.equals(request.body)).toBe(false);
    expect(verifyWebhookSignature(tampered, signature, SECRET)).toBe(false);
    expect(verifyWebhookSignature(request.body, signature, 'another secret')).toBe(false);
    expect(verifyWebhookSignature(request.body, undefined, SECRET)).toBe(false);
    expect(verifyWebhookSignature(request.body, `${signature}0`, SECRET)).toBe(false);
  });

  it('signs as the documented formula: HMAC-SHA256 of the body with the secret, in hex', () => {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    expect(signWebhookBody('what do ya want for nothing?', 'Jefe')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('sends no signature header without a secret', async () => {
    const unsigned = createChannel(
      { name: 'open', type: 'webhook', url: server.url },
      {},
      { now: () => NOW },
    );
    const before = server.requests.length;
    await unsigned.send(document, { idempotencyKey: 'k', images: [] });
    expect(server.requests[before]!.headers['x-sightline-signature']).toBeUndefined();
  });
});

describe('webhook failures', () => {
  async function withServer(respond: (i: number) => Answer, run: (server: LocalServer) => Promise<void>) {
    const server = await startLocalServer((_r, i) => respond(i));
    try {
      await run(server);
    } finally {
      await server.close();
    }
  }

  it('retries a 503 and a 429 (waiting its Retry-After) with the same Idempotency-Key, then succeeds', async () => {
    const answers: Answer[] = [
      { status: 503, body: 'down for maintenance' },
      { status: 429, headers: { 'retry-after': '3' }, body: 'slow down' },
      { status: 200 },
    ];
    await withServer(
      (i) => answers[i]!,
      async (server) => {
        const waits: number[] = [];
        const receipt = await channel(server, waits).send(document, {
          idempotencyKey: 'run-1/hook/',
          images,
        });
        expect(waits).toEqual([1000, 3000]);
        expect(receipt.ids).toEqual(['200']);
        expect(server.requests.map((r) => r.headers['idempotency-key'])).toEqual([
          'run-1/hook/',
          'run-1/hook/',
          'run-1/hook/',
        ]);
        for (const r of server.requests)
          expect(verifyWebhookSignature(r.body, r.headers['x-sightline-signature'], SECRET)).toBe(true);
      },
    );
  });

  it('a receiver that stays down ends in a DeliveryError with its answer, never a success', async () => {
    await withServer(
      () => ({ status: 500, body: 'database unavailable' }),
      async (server) => {
        const waits: number[] = [];
        const error = await failureOf(channel(server, waits).send(document, { idempotencyKey: 'k', images }));
        expect(error.message).toBe(
          `hook: webhook ${server.url}/…: HTTP 500: database unavailable (after 4 attempts)`.replace(
            'hook: ',
            '',
          ),
        );
        expect(error.retryable).toBe(true);
        expect(error.status).toBe(500);
        expect(server.requests).toHaveLength(4);
        expect(waits).toEqual([1000, 2000, 4000]);
      },
    );
  });

  it('a 400 is final at once', async () => {
    await withServer(
      () => ({ status: 400, body: '{"error":"unknown report"}' }),
      async (server) => {
        const error = await failureOf(channel(server).send(document, { idempotencyKey: 'k', images }));
        expect(error.retryable).toBe(false);
        expect(error.message).toContain('HTTP 400: {"error":"unknown report"}');
        expect(server.requests).toHaveLength(1);
      },
    );
  });

  it('a redirect is not followed: the POST would lose its body or go to a host nobody configured', async () => {
    await withServer(
      () => ({ status: 301, headers: { location: 'https://elsewhere.example.com/hook' } }),
      async (server) => {
        const error = await failureOf(channel(server).send(document, { idempotencyKey: 'k', images }));
        expect(error.retryable).toBe(false);
        expect(error.message).toContain(
          'redirected to https://elsewhere.example.com/hook; configure the final URL',
        );
        expect(server.requests).toHaveLength(1);
      },
    );
  });
});
