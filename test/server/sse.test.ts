import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers.ts';

/**
 * Live updates: a dashboard's stream (key in the query string, as EventSource must) hears of each capture
 * into its project, with the new data version, and nothing of other projects; closing it unsubscribes.
 */
let server: TestServer;
let viewer: string;
let editor: string;
let otherEditor: string;

beforeAll(async () => {
  server = await startTestServer();
  viewer = await server.key('live', 'viewer');
  editor = await server.key('live', 'editor');
  otherEditor = await server.key('elsewhere', 'editor');
});
afterAll(async () => {
  await server?.close();
});

/** Reads server-sent events from a fetch body until `count` events (not comments) have arrived. */
async function readEvents(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  count: number,
): Promise<{ event: string; data: unknown }[]> {
  const decoder = new TextDecoder();
  let buffer = '';
  const events: { event: string; data: unknown }[] = [];
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
      end = buffer.indexOf('\n\n');
    }
  }
  return events;
}

describe('GET /api/v1/events/stream', () => {
  it("tells the project's stream of each capture with the new version, and nothing of other projects", async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/v1/events/stream?key=${viewer}`, {
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    const [hello] = await readEvents(reader, 1);
    expect(hello).toEqual({ event: 'hello', data: { version: 0 } });
    expect(server.context.onDataChange).toBeDefined();

    const other = await call(server.url, 'POST', '/api/v1/capture', otherEditor, [
      { event: 'app_open', user_id: 'z', ts: '2026-03-01T00:00:00Z' },
    ]);
    expect(other.json.accepted).toBe(1);
    const mine = await call(server.url, 'POST', '/api/v1/capture', editor, [
      { event: 'app_open', user_id: 'a', ts: '2026-03-01T00:00:00Z' },
      { event: 'app_open', user_id: 'b', ts: '2026-03-01T00:00:00Z' },
    ]);
    expect(mine.json.accepted).toBe(2);
    const [data] = await readEvents(reader, 1);
    // Only this project's capture arrives: version 1 of project "live", with its two events.
    expect(data).toEqual({ event: 'data', data: { version: 1, accepted: 2 } });
    expect(server.context.dataVersion('live')).toBe(1);

    controller.abort();
    await reader.cancel().catch(() => undefined);
    // The server notices the closed socket and drops the subscription.
    for (let i = 0; i < 50 && (await subscribers()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await subscribers()).toBe(0);
  });

  it('the stream without a key, or with a bad one, is refused with a coded 401', async () => {
    const none = await call(server.url, 'GET', '/api/v1/events/stream', null);
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe('SL_AUTH_MISSING');
    const bad = await call(server.url, 'GET', '/api/v1/events/stream?key=sl_nope', null);
    expect(bad.status).toBe(401);
    expect(bad.json.error.code).toBe('SL_AUTH_INVALID');
  });

  it('no other route takes the key from the query string', async () => {
    const r = await call(server.url, 'GET', `/api/v1/keys?key=${viewer}`, null);
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('SL_AUTH_MISSING');
  });
});

/** Open streams, read from /metrics with an admin key of any project. */
async function subscribers(): Promise<number> {
  const admin = await server.key('ops', 'admin');
  const text = await (
    await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${admin}` } })
  ).text();
  return Number(/^sightline_stream_subscribers (\d+)$/m.exec(text)?.[1]);
}
