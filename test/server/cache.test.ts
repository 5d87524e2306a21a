import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Json, startTestServer, type TestServer } from './helpers.ts';

/**
 * The result cache over real HTTP: a repeated query is answered from the cache (`x-sightline-cache: hit`),
 * and new data captured into the project makes the next one a miss with the new numbers. Another
 * project's capture does not invalidate this project's entries.
 */
let server: TestServer;
let editor: string;
let otherEditor: string;
const SPEC = { metric: ['dau'], from: '2026-03-01', to: '2026-03-02' };

beforeAll(async () => {
  server = await startTestServer();
  editor = await server.key('shop', 'editor');
  otherEditor = await server.key('blog', 'editor');
});
afterAll(async () => {
  await server?.close();
});

function events(users: string[], day: string): Json[] {
  return users.map((u) => ({
    event: 'app_open',
    user_id: u,
    ts: `${day}T10:00:00Z`,
    event_id: `${u}-${day}`,
  }));
}

async function capture(key: string, body: Json[]): Promise<Json> {
  const r = await call(server.url, 'POST', '/api/v1/capture', key, body);
  expect(r.status).toBe(200);
  // The answer comes once the events are logged; the data version moves when they are loaded.
  await server.settled();
  return r.json;
}

/** The DAU points of the trends answer: [2026-03-01, 2026-03-02]. */
function dau(answer: Json): Json {
  expect(answer.series).toHaveLength(1);
  return answer.series[0].points;
}

describe('result cache', () => {
  it('a repeated query is a hit; a capture into the project makes it a miss with the new numbers', async () => {
    expect(await capture(editor, events(['a', 'b', 'c'], '2026-03-01'))).toMatchObject({ accepted: 3 });
    const first = await call(server.url, 'POST', '/api/v1/insights/trends', editor, SPEC);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-sightline-cache')).toBe('miss');
    expect(dau(first.json)).toEqual([
      { t: '2026-03-01', value: 3 },
      { t: '2026-03-02', value: 0 },
    ]);

    // The same query with its keys in another order is the same query.
    const second = await call(server.url, 'POST', '/api/v1/insights/trends', editor, {
      to: SPEC.to,
      from: SPEC.from,
      metric: SPEC.metric,
    });
    expect(second.headers.get('x-sightline-cache')).toBe('hit');
    expect(second.json).toEqual(first.json);

    // Another project's data leaves this project's cache alone.
    expect(await capture(otherEditor, events(['x'], '2026-03-01'))).toMatchObject({ accepted: 1 });
    const third = await call(server.url, 'POST', '/api/v1/insights/trends', editor, SPEC);
    expect(third.headers.get('x-sightline-cache')).toBe('hit');

    expect(await capture(editor, events(['d', 'e'], '2026-03-01'))).toMatchObject({ accepted: 2 });
    const fourth = await call(server.url, 'POST', '/api/v1/insights/trends', editor, SPEC);
    expect(fourth.headers.get('x-sightline-cache')).toBe('miss');
    expect(dau(fourth.json)).toEqual([
      { t: '2026-03-01', value: 5 },
      { t: '2026-03-02', value: 0 },
    ]);
  });

  it('a capture that only repeats stored events (all duplicates) keeps the cache', async () => {
    const before = server.context.dataVersion('shop');
    expect(await capture(editor, events(['a'], '2026-03-01'))).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(server.context.dataVersion('shop')).toBe(before);
    const again = await call(server.url, 'POST', '/api/v1/insights/trends', editor, SPEC);
    expect(again.headers.get('x-sightline-cache')).toBe('hit');
  });
});
