import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let key: string;
const T0 = Date.parse('2026-10-03T09:30:00Z');

beforeAll(async () => {
  server = await startTestServer({});
  key = await server.key('seg', 'editor');
});

afterAll(async () => {
  await server?.close();
});

/** Rows of the server's warehouse once what it answered is loaded. */
async function rows<T>(sql: string, params: (string | number)[] = []): Promise<T[]> {
  await server.settled();
  return server.context.warehouse.query(sql, params) as Promise<T[]>;
}

/** The unmodified SDK pointed at the test server; failed deliveries are collected. */
function client(writeKey: string) {
  const errors: unknown[] = [];
  const analytics = new Analytics({ writeKey, host: server.url, flushAt: 100, flushInterval: 50 });
  analytics.on('error', (error) => errors.push(error));
  return { analytics, errors };
}

describe('Segment tracking API through @segment/analytics-node', () => {
  it('lands tracks, pages, screens, identifies, groups and aliases with their users and properties', async () => {
    const { analytics, errors } = client(key);
    for (let i = 0; i < 30; i++) {
      analytics.track({
        userId: `seg-user-${i % 3}`,
        event: 'Order Completed',
        properties: { revenue: i, currency: 'EUR' },
        timestamp: new Date(T0 + i * 1000),
        messageId: `track-${i}`,
        context: {
          os: { name: 'iOS', version: '17' },
          campaign: { source: 'google', name: 'autumn', medium: 'cpc', term: '', content: '' },
        },
      });
    }
    analytics.page({
      anonymousId: 'anon-9',
      name: 'Pricing',
      properties: { path: '/pricing' },
      messageId: 'page-1',
    });
    analytics.screen({ userId: 'seg-user-1', name: 'Settings', messageId: 'screen-1' });
    analytics.identify({
      userId: 'seg-user-0',
      traits: { gender: 'female', age: 31, plan: 'team' },
      messageId: 'id-1',
    });
    analytics.group({ userId: 'seg-user-0', groupId: 'acme', traits: { seats: 12 }, messageId: 'group-1' });
    analytics.alias({ userId: 'seg-user-2', previousId: 'anon-9', messageId: 'alias-1' });
    await analytics.closeAndFlush();
    expect(errors).toEqual([]);

    const byEvent = await rows<{ event: string; n: number }>(
      `SELECT event, count(*) AS n FROM events WHERE project_id = 'seg' GROUP BY event ORDER BY event`,
    );
    expect(byEvent.map((r) => [r.event, Number(r.n)])).toEqual([
      ['$create_alias', 1],
      ['$groupidentify', 1],
      ['$identify', 1],
      ['$pageview', 1],
      ['$screen', 1],
      ['Order Completed', 30],
    ]);
    const [track] = await rows<Record<string, unknown>>(
      `SELECT user_id, epoch_ms(ts) AS ts, os, source, campaign, (properties->>'revenue')::INT AS revenue,
         properties->>'currency' AS currency
       FROM events WHERE project_id = 'seg' AND event_id = 'track-4'`,
    );
    expect(track).toEqual({
      user_id: 'seg-user-1',
      ts: T0 + 4000,
      os: 'iOS',
      source: 'google',
      campaign: 'autumn',
      revenue: 4,
      currency: 'EUR',
    });
    const [page] = await rows<Record<string, unknown>>(
      `SELECT user_id, properties->>'name' AS name, properties->>'path' AS path FROM events
       WHERE project_id = 'seg' AND event_id = 'page-1'`,
    );
    expect(page).toEqual({ user_id: 'anon-9', name: 'Pricing', path: '/pricing' });
    const [user] = await rows<{ gender: string; age: number; source: string }>(
      `SELECT gender, age, source FROM users WHERE project_id = 'seg' AND user_id = 'seg-user-0'`,
    );
    expect(user).toEqual({ gender: 'female', age: 31, source: 'google' });
    const [alias] = await rows<{ user_id: string; previous: string }>(
      `SELECT user_id, properties->>'previousId' AS previous FROM events
       WHERE project_id = 'seg' AND event_id = 'alias-1'`,
    );
    expect(alias).toEqual({ user_id: 'seg-user-2', previous: 'anon-9' });
  });

  it('counts a resent message (same messageId) once', async () => {
    for (let round = 0; round < 2; round++) {
      const { analytics, errors } = client(key);
      analytics.track({
        userId: 'seg-resend',
        event: 'Paid',
        messageId: 'resend-1',
        timestamp: new Date(T0),
      });
      await analytics.closeAndFlush();
      expect(errors).toEqual([]);
    }
    const [row] = await rows<{ n: number }>(
      `SELECT count(*) AS n FROM events WHERE project_id = 'seg' AND event_id = 'resend-1'`,
    );
    expect(Number(row!.n)).toBe(1);
  });

  it('takes the single-call endpoints with the write key as Basic auth and answers {"success": true}', async () => {
    const auth = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
    const response = await fetch(`${server.url}/v1/track`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth },
      body: JSON.stringify({
        userId: 'http-1',
        event: 'Signed Up',
        messageId: 'http-track-1',
        timestamp: new Date(T0).toISOString(),
      }),
    });
    expect([response.status, await response.json()]).toEqual([200, { success: true }]);
    const [row] = await rows<{ event: string; type: string }>(
      `SELECT event, properties->>'type' AS type FROM events WHERE project_id = 'seg' AND event_id = 'http-track-1'`,
    );
    expect(row).toEqual({ event: 'Signed Up', type: 'track' });
  });

  it('refuses a viewer write key and a missing one with coded errors', async () => {
    const viewer = await server.key('seg-viewers', 'viewer');
    const post = (authorization: string | null) =>
      fetch(`${server.url}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ batch: [{ type: 'track', userId: 'u', event: 'x' }] }),
      });
    const asViewer = await post(`Basic ${Buffer.from(`${viewer}:`).toString('base64')}`);
    const missing = await post(null);
    const codes = async (r: Response) => [
      r.status,
      ((await r.json()) as { error: { code: string } }).error.code,
    ];
    expect(await codes(asViewer)).toEqual([403, 'SL_AUTH_FORBIDDEN']);
    expect(await codes(missing)).toEqual([401, 'SL_AUTH_MISSING']);
    const [row] = await rows<{ n: number }>(
      `SELECT count(*) AS n FROM events WHERE project_id = 'seg-viewers'`,
    );
    expect(Number(row!.n)).toBe(0);
  });
});
