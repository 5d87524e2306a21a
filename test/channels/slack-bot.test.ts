import { afterEach, describe, expect, it } from 'vitest';
import type { ChartImage } from '../../src/automation/channels/channel.ts';
import { DeliveryError } from '../../src/automation/channels/channel.ts';
import { createChannel } from '../../src/automation/channels/create-channel.ts';
import type { ChannelDefinition } from '../../src/automation/channels/definitions.ts';
import { MemoryProgress } from '../../src/automation/channels/progress.ts';
import { renderSlack } from '../../src/automation/reports/render/slack.ts';
import { fixtureDocument, fixtureImages } from './fixture.ts';
import type { Answer } from './local-server.ts';
import {
  type SlackApiServer,
  type SlackRequest,
  slackError,
  startSlackApi,
  TEST_TOKEN,
} from './slack-api-server.ts';

const definition: ChannelDefinition = {
  name: 'eng',
  type: 'slack',
  token: '${SLACK_BOT_TOKEN}',
  channel: 'C0123456789',
  apiUrl: '${SLACK_API_URL}',
};
const document = fixtureDocument(2);
const images = await fixtureImages(document);

let server: SlackApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function channel(
  slack: SlackApiServer,
  options: { waits?: number[]; progress?: MemoryProgress; token?: string } = {},
) {
  return createChannel(
    definition,
    { SLACK_BOT_TOKEN: options.token ?? TEST_TOKEN, SLACK_API_URL: slack.apiUrl },
    { sleep: async (ms) => void options.waits?.push(ms), progress: options.progress ?? new MemoryProgress() },
  );
}

async function failure(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  expect((error as DeliveryError).message).not.toContain(TEST_TOKEN);
  return error as DeliveryError;
}

const methods = (slack: SlackApiServer) => slack.requests.map((r) => r.method);

/** `script` answering by method: the n-th request of that method (from 0) gets `answers[n]` when given. */
function byMethod(method: string, answers: readonly (Answer | undefined)[]) {
  let n = 0;
  return (request: Omit<SlackRequest, 'answer'>) => (request.method === method ? answers[n++] : undefined);
}

describe('Slack bot against a local Web API', () => {
  it('posts the blocks with chat.postMessage, then uploads each chart and shares both in the message thread', async () => {
    server = await startSlackApi();
    const receipt = await channel(server).send(document, { idempotencyKey: 'k', images });
    expect(methods(server)).toEqual([
      'chat.postMessage',
      'files.getUploadURLExternal',
      'upload',
      'files.getUploadURLExternal',
      'upload',
      'files.completeUploadExternal',
    ]);
    const [post, url1, upload1, url2, upload2, complete] = server.requests as [
      SlackRequest,
      SlackRequest,
      SlackRequest,
      SlackRequest,
      SlackRequest,
      SlackRequest,
    ];
    for (const call of [post, url1, url2, complete]) expect(call.authorization).toBe(`Bearer ${TEST_TOKEN}`);
    // The signed upload URL is another host in Slack: the token is not sent there.
    for (const call of [upload1, upload2]) expect(call.authorization).toBeUndefined();

    expect(post.contentType).toBe('application/json; charset=utf-8');
    const message = renderSlack(document, new Map());
    expect(post.fields).toEqual(
      JSON.parse(
        JSON.stringify({
          channel: 'C0123456789',
          text: message.text,
          blocks: message.blocks,
          unfurl_links: false,
          unfurl_media: false,
        }),
      ),
    );
    expect(JSON.stringify(post.fields['blocks'])).not.toContain('"image"');

    expect(url1.contentType).toBe('application/x-www-form-urlencoded');
    expect(url1.fields).toEqual({
      filename: 'chart-1.png',
      length: String(images[0]!.png.byteLength),
      alt_txt: images[0]!.alt,
    });
    expect(url2.fields['filename']).toBe('chart-2.png');
    for (const [i, upload] of [upload1, upload2].entries()) {
      expect(upload.contentType).toMatch(/^multipart\/form-data; boundary=/);
      expect(upload.file).toMatchObject({
        field: 'filename',
        filename: `chart-${i + 1}.png`,
        contentType: 'image/png',
      });
      expect(Buffer.from(upload.file!.bytes).equals(Buffer.from(images[i]!.png))).toBe(true);
    }

    const ts = server.messages[0]!.ts;
    expect(complete.contentType).toBe('application/x-www-form-urlencoded');
    expect(complete.fields).toEqual({
      files: JSON.stringify([
        { id: 'F000000001', title: images[0]!.title },
        { id: 'F000000002', title: images[1]!.title },
      ]),
      channel_id: 'C0123456789',
      thread_ts: ts,
    });
    expect(server.shared.map((f) => [f.id, f.filename, f.channel, f.threadTs, f.altText])).toEqual([
      ['F000000001', 'chart-1.png', 'C0123456789', ts, images[0]!.alt],
      ['F000000002', 'chart-2.png', 'C0123456789', ts, images[1]!.alt],
    ]);
    expect(receipt).toEqual({
      channel: 'eng',
      type: 'slack',
      requests: 6,
      ids: [ts, 'F000000001', 'F000000002'],
    });
  });

  it('a document without charts is one chat.postMessage', async () => {
    server = await startSlackApi();
    const plain = fixtureDocument(0);
    const receipt = await channel(server).send(plain, { idempotencyKey: 'k', images: [] });
    expect(methods(server)).toEqual(['chat.postMessage']);
    expect(receipt).toEqual({ channel: 'eng', type: 'slack', requests: 1, ids: [server.messages[0]!.ts] });
  });

  it('shares twelve charts as a reply of ten and a reply of two, in order, each PNG byte for byte', async () => {
    server = await startSlackApi();
    const many = fixtureDocument(12);
    const manyImages = await fixtureImages(many);
    const receipt = await channel(server).send(many, { idempotencyKey: 'k', images: manyImages });
    const completes = server.requests.filter((r) => r.method === 'files.completeUploadExternal');
    expect(completes.map((c) => (JSON.parse(String(c.fields['files'])) as unknown[]).length)).toEqual([
      10, 2,
    ]);
    expect(server.shared.map((f) => f.filename)).toEqual(manyImages.map((image) => image.filename));
    for (const [i, file] of server.shared.entries())
      expect(Buffer.from(file.bytes).equals(Buffer.from(manyImages[i]!.png))).toBe(true);
    expect(receipt.requests).toBe(1 + 24 + 2);
  });

  it("an answer without the message's ts shares the charts in the channel, and the receipt says so", async () => {
    server = await startSlackApi((request) =>
      request.method === 'chat.postMessage' ? { status: 200, body: '{"ok":true}' } : undefined,
    );
    const receipt = await channel(server).send(document, { idempotencyKey: 'k', images });
    const complete = server.requests.find((r) => r.method === 'files.completeUploadExternal')!;
    expect(complete.fields['thread_ts']).toBeUndefined();
    expect(server.shared.map((f) => [f.filename, f.channel, f.threadTs])).toEqual([
      ['chart-1.png', 'C0123456789', undefined],
      ['chart-2.png', 'C0123456789', undefined],
    ]);
    expect(receipt).toEqual({
      channel: 'eng',
      type: 'slack',
      requests: 6,
      ids: ['F000000001', 'F000000002'],
      notes: ["charts shared in the channel, not in the report's thread: Slack's answer had no message ts"],
    });
  });

  it('cuts an alt text longer than the 1,000 characters files.getUploadURLExternal accepts', async () => {
    server = await startSlackApi();
    const long: ChartImage = { ...images[0]!, alt: 'x'.repeat(1500) };
    await channel(server).send(fixtureDocument(1), { idempotencyKey: 'k', images: [long] });
    const alt = server.requests.find((r) => r.method === 'files.getUploadURLExternal')!.fields['alt_txt'];
    expect(alt).toBe(`${'x'.repeat(999)}…`);
  });
});

describe('Slack bot failures', () => {
  it('waits the Retry-After of a 429, retries a 503 and an ok:false internal_error, then succeeds', async () => {
    // Slack's Retry-After is in seconds.
    const limited = slackError('ratelimited', {}, 429);
    const scripts = [
      byMethod('chat.postMessage', [{ ...limited, headers: { ...limited.headers, 'retry-after': '3' } }]),
      byMethod('upload', [{ status: 503, body: 'upstream unavailable' }]),
      byMethod('files.completeUploadExternal', [slackError('internal_error')]),
    ];
    server = await startSlackApi((request) => {
      for (const script of scripts) {
        const answer = script(request);
        if (answer) return answer;
      }
      return undefined;
    });
    const waits: number[] = [];
    const receipt = await channel(server, { waits }).send(document, { idempotencyKey: 'k', images });
    expect(waits).toEqual([3000, 1000, 1000]);
    expect(methods(server)).toEqual([
      'chat.postMessage',
      'chat.postMessage',
      'files.getUploadURLExternal',
      'upload',
      'upload',
      'files.getUploadURLExternal',
      'upload',
      'files.completeUploadExternal',
      'files.completeUploadExternal',
    ]);
    expect(server.messages).toHaveLength(1);
    expect(server.shared).toHaveLength(2);
    expect(receipt.ids).toEqual([server.messages[0]!.ts, 'F000000001', 'F000000002']);
  });

  it('a Web API that stays down ends in a retryable DeliveryError with its answer, after 4 attempts', async () => {
    server = await startSlackApi(() => ({ status: 500, body: 'internal server error' }));
    const waits: number[] = [];
    const error = await failure(channel(server, { waits }).send(document, { idempotencyKey: 'k', images }));
    expect(error.retryable).toBe(true);
    expect(error.status).toBe(500);
    expect(error.message).toBe(
      `${server.origin} chat.postMessage (message): HTTP 500: internal server error (after 4 attempts)`,
    );
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(server.requests).toHaveLength(4);
  });

  it('a 429 asking for longer than a delivery waits ends the delivery at once as retryable', async () => {
    const limited = slackError('ratelimited', {}, 429);
    server = await startSlackApi(() => ({
      ...limited,
      headers: { ...limited.headers, 'retry-after': '120' },
    }));
    const error = await failure(channel(server).send(document, { idempotencyKey: 'k', images }));
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(120_000);
    expect(error.message).toBe(
      `${server.origin} chat.postMessage (message): ratelimited (the receiver asked to wait 120 s, longer than a delivery waits; a later run retries)`,
    );
    expect(server.requests).toHaveLength(1);
  });

  const finals: [string, Answer, string][] = [
    [
      'invalid_auth',
      slackError('invalid_auth'),
      'invalid_auth (Slack refused the token: set the Bot User OAuth Token (xoxb-…) of an app installed in this workspace)',
    ],
    [
      'channel_not_found',
      slackError('channel_not_found'),
      'channel_not_found (the bot sees no channel C0123456789: check the id, and invite the bot if the channel is private)',
    ],
    [
      'not_in_channel',
      slackError('not_in_channel'),
      'not_in_channel (the bot is not a member of C0123456789: invite it there (/invite @your-app))',
    ],
    [
      'missing_scope',
      slackError('missing_scope', { needed: 'chat:write', provided: 'files:write' }),
      'missing_scope (the token lacks the scope chat:write; it has files:write: add it under OAuth & Permissions and reinstall the app)',
    ],
    [
      'invalid_blocks',
      slackError('invalid_blocks', {
        response_metadata: {
          messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/3/text]'],
        },
      }),
      'invalid_blocks: [ERROR] must be less than 3001 characters [json-pointer:/blocks/3/text] (Slack refused what was sent; the request is a bug to report, and is not resent)',
    ],
  ];
  for (const [code, answer, said] of finals)
    it(`ok:false ${code} is final at once, with Slack's code and what to do`, async () => {
      server = await startSlackApi(() => answer);
      const error = await failure(channel(server).send(document, { idempotencyKey: 'k', images }));
      expect(error.retryable).toBe(false);
      expect(error.status).toBe(200);
      expect(error.message).toBe(`${server.origin} chat.postMessage (message): ${said}`);
      expect(server.requests).toHaveLength(1);
    });

  it("a token Slack does not know is refused by the server's own check, and the error does not quote it", async () => {
    server = await startSlackApi();
    const error = await failure(
      channel(server, { token: 'xoxb-wrong-token' }).send(document, { idempotencyKey: 'k', images }),
    );
    expect(error.message).toContain('invalid_auth');
    expect(error.message).not.toContain('xoxb-wrong-token');
  });

  it('a Web API that cannot be reached is a retryable DeliveryError naming the address, not the token', async () => {
    server = await startSlackApi();
    const apiUrl = server.apiUrl;
    await server.close();
    server = undefined;
    const unreachable = createChannel(
      definition,
      { SLACK_BOT_TOKEN: TEST_TOKEN, SLACK_API_URL: apiUrl },
      { sleep: async () => {}, progress: new MemoryProgress() },
    );
    const error = await failure(unreachable.send(document, { idempotencyKey: 'k', images }));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(
      new RegExp(
        `^${new URL(apiUrl).origin} chat\\.postMessage \\(message\\): .*ECONNREFUSED.* \\(after 4 attempts\\)$`,
      ),
    );
  });

  it('a retry after a failed upload does not post the message again: the charts go to the first message thread', async () => {
    // The second chart's upload URL answers 404 (final) once: the first attempt ends after the message.
    server = await startSlackApi(byMethod('upload', [undefined, { status: 404, body: 'no such upload' }]));
    const progress = new MemoryProgress();
    const error = await failure(
      channel(server, { progress }).send(document, { idempotencyKey: 'k', images }),
    );
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(`Slack upload of chart-2.png (${server.origin}/…): HTTP 404: no such upload`);
    expect(server.messages).toHaveLength(1);
    expect(server.shared).toHaveLength(0);

    const retry = await channel(server, { progress }).send(document, { idempotencyKey: 'k', images });
    expect(server.requests.filter((r) => r.method === 'chat.postMessage')).toHaveLength(1);
    expect(server.messages).toHaveLength(1);
    const ts = server.messages[0]!.ts;
    expect(server.shared.map((f) => [f.filename, f.threadTs])).toEqual([
      ['chart-1.png', ts],
      ['chart-2.png', ts],
    ]);
    for (const [i, file] of server.shared.entries())
      expect(Buffer.from(file.bytes).equals(Buffer.from(images[i]!.png))).toBe(true);
    expect(retry).toEqual({
      channel: 'eng',
      type: 'slack',
      requests: 6,
      ids: [ts, 'F000000003', 'F000000004'],
      notes: ['resumed: 1 of 2 parts had been accepted by an earlier attempt'],
    });
    // The delivery is complete: its progress is gone, so another delivery under the same key starts over.
    expect((await progress.load('k')).size).toBe(0);
  });

  it('a retry after a failed second reply shares only the charts not yet shared', async () => {
    const many = fixtureDocument(12);
    const manyImages = await fixtureImages(many);
    server = await startSlackApi(
      byMethod('files.completeUploadExternal', [undefined, slackError('is_archived')]),
    );
    const progress = new MemoryProgress();
    const error = await failure(
      channel(server, { progress }).send(many, { idempotencyKey: 'k', images: manyImages }),
    );
    expect(error.message).toBe(
      `${server.origin} files.completeUploadExternal (chart-11.png, chart-12.png): is_archived (C0123456789 is archived: unarchive it or set another channel)`,
    );
    expect(server.shared).toHaveLength(10);
    await channel(server, { progress }).send(many, { idempotencyKey: 'k', images: manyImages });
    expect(server.messages).toHaveLength(1);
    expect(server.shared.map((f) => f.filename)).toEqual(manyImages.map((image) => image.filename));
  });

  it('an upload URL that is not http(s) is a final error, before any bytes are sent', async () => {
    server = await startSlackApi((request) =>
      request.method === 'files.getUploadURLExternal'
        ? { status: 200, body: JSON.stringify({ ok: true, upload_url: 'file:///etc/passwd', file_id: 'F1' }) }
        : undefined,
    );
    const error = await failure(channel(server).send(document, { idempotencyKey: 'k', images }));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `${server.origin} files.getUploadURLExternal (chart-1.png): the answer has no http(s) upload_url and file_id`,
    );
    expect(methods(server)).toEqual(['chat.postMessage', 'files.getUploadURLExternal']);
  });

  it('an HTTP 200 that is not a Web API answer is final, and says what to check', async () => {
    server = await startSlackApi(() => ({
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: '<html>portal</html>',
    }));
    const error = await failure(channel(server).send(document, { idempotencyKey: 'k', images }));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `${server.origin} chat.postMessage (message): HTTP 200 without a Web API answer: <html>portal</html> (is apiUrl Slack's API?)`,
    );
  });
});
