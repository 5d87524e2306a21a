import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoutePlugin } from '../../src/server/context.ts';
import { call, startTestServer, type TestServer } from './helpers.ts';

/**
 * The server's limits over real HTTP, each answered with its code and never a 500: the per-key rate
 * limit (429 with Retry-After), the body limit (413), invalid JSON (400), unknown routes (404), and the
 * query time limit, which cancels the database query and leaves the server usable.
 */

/** A scan DuckDB needs minutes for, so only an interrupt ends it within the test. */
const ENDLESS = 'SELECT count(*) AS n FROM range(100000000000) t(x) WHERE x % 7 = 3';

const testRoutes: RoutePlugin = (app, context) => {
  app.get('/test/endless', async (request) =>
    context.run(request.principal.projectId, null, () => context.warehouse.query(ENDLESS)),
  );
};

let server: TestServer;
let viewer: string;
let otherViewer: string;

beforeAll(async () => {
  server = await startTestServer({
    rateLimitPerMinute: 8,
    bodyLimitBytes: 2048,
    queryTimeoutMs: 400,
    extraRoutes: [testRoutes],
  });
  viewer = await server.key('p', 'viewer');
  otherViewer = await server.key('p', 'viewer');
});
afterAll(async () => {
  await server?.close();
});

describe('limits', () => {
  it('a query past the time limit is cancelled in the database with 504 SL_QUERY_TIMEOUT; the server stays usable', async () => {
    // Five in a row: the warehouse has four connections, so if a timed-out query kept running in the
    // engine, the fifth request and the health check after it would wait for minutes for a connection.
    for (let i = 0; i < 5; i++) {
      const slow = await call(server.url, 'GET', '/api/v1/test/endless', viewer);
      expect(slow.status).toBe(504);
      expect(slow.json.error).toEqual({
        code: 'SL_QUERY_TIMEOUT',
        message: "the query ran longer than the server's limit of 0.4 s and was cancelled",
        hint: 'narrow the date range or the breakdown, or raise the limit with `sightline serve --query-timeout`',
      });
    }
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('a body over the limit is 413 SL_BODY_TOO_LARGE', async () => {
    const big = JSON.stringify({ role: 'viewer', name: 'x'.repeat(4096) });
    const r = await call(server.url, 'POST', '/api/v1/keys', otherViewer, big);
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe('SL_BODY_TOO_LARGE');
  });

  it('invalid JSON is 400 SL_BAD_JSON, and an empty JSON body too', async () => {
    const r = await call(server.url, 'POST', '/api/v1/keys', otherViewer, '{"role": ');
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('SL_BAD_JSON');
    const empty = await fetch(`${server.url}/api/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${otherViewer}`, 'content-type': 'application/json' },
      body: '',
    });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { code: string } }).error.code).toBe('SL_BAD_JSON');
  });

  it('an unsupported content type is 415 and an unknown route 404 SL_NOT_FOUND', async () => {
    const xml = await fetch(`${server.url}/api/v1/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${otherViewer}`, 'content-type': 'application/xml' },
      body: '<key/>',
    });
    expect(xml.status).toBe(415);
    expect(((await xml.json()) as { error: { code: string } }).error.code).toBe('SL_UNSUPPORTED_MEDIA_TYPE');
    const unknown = await call(server.url, 'GET', '/api/v1/no/such/route', otherViewer);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toEqual({
      code: 'SL_NOT_FOUND',
      message: 'no route GET /api/v1/no/such/route',
      hint: 'see the OpenAPI document at /api/docs',
    });
  });

  it('past the per-key budget a key gets 429 SL_RATE_LIMITED with Retry-After; another key is unaffected', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | null = null;
    for (let i = 0; i < 10; i++) {
      last = await call(server.url, 'GET', '/api/v1/insights/types', viewer);
      statuses.push(last.status);
    }
    // The first test's five requests count too: 8 allowed in all.
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
    expect(last!.json.error.code).toBe('SL_RATE_LIMITED');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(last!.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(last!.json.error.message).toMatch(
      /^this key sent more than 8 requests in a minute; retry in (\d+ seconds?|1 minute)$/,
    );
    const other = await call(server.url, 'GET', '/api/v1/insights/types', otherViewer);
    expect(other.status).toBe(200);
  });

  it('capture has a budget of its own per key, 50 times the query budget, and does not use up the queries', async () => {
    const editor = await server.key('p', 'editor');
    const event = (i: number) => [
      { event_id: `rl-${i}`, user_id: 'u1', event: 'view', timestamp: '2026-09-01T10:00:00Z' },
    ];
    const statuses: number[] = [];
    // 8 queries a minute means 400 captures: 12 of them, all accepted, then the queries are still there.
    for (let i = 0; i < 12; i++)
      statuses.push((await call(server.url, 'POST', '/api/v1/capture', editor, event(i))).status);
    expect(statuses).toEqual(Array(12).fill(200));
    const query = await call(server.url, 'GET', '/api/v1/insights/types', editor);
    expect(query.status).toBe(200);
    expect(Number(query.headers.get('x-ratelimit-remaining'))).toBe(7);
  });
});
