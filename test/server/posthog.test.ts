import { gzipSync } from 'node:zlib';
import { PostHog } from 'posthog-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let key: string;
const T0 = Date.parse('2026-10-02T08:00:00Z');

beforeAll(async () => {
  server = await startTestServer({});
  key = await server.key('ph', 'editor');
});

afterAll(async () => {
  await server?.close();
});

/** Rows of the server's warehouse once what it answered is loaded. */
async function rows<T>(sql: string, params: (string | number)[] = []): Promise<T[]> {
  await server.settled();
  return server.context.warehouse.query(sql, params) as Promise<T[]>;
}

/** The unmodified SDK pointed at the test server; errors are collected instead of logged. */
function client(apiKey: string, options: { disableCompression?: boolean } = {}) {
  const errors: unknown[] = [];
  const posthog = new PostHog(apiKey, { host: server.url, flushAt: 500, flushInterval: 0, ...options });
  posthog.on('error', (error) => errors.push(error));
  return { posthog, errors };
}

describe('PostHog capture through posthog-node', () => {
  it('lands every event of the SDK (gzip, its default) with users, names, ids and properties', async () => {
    const { posthog, errors } = client(key);
    for (let i = 0; i < 40; i++) {
      posthog.capture({
        distinctId: `ph-user-${i % 4}`,
        event: i % 5 === 0 ? 'signed_up' : '$pageview',
        properties: { plan: i % 2 ? 'pro' : 'free', n: i, $os: 'Mac OS X', $geoip_country_code: 'NL' },
        timestamp: new Date(T0 + i * 60_000),
        uuid: `01890000-0000-7000-8000-${String(i).padStart(12, '0')}`,
      });
    }
    posthog.identify({
      distinctId: 'ph-user-0',
      properties: { email: 'a@example.test', gender: 'female', age: 31 },
    });
    await posthog.shutdown();
    expect(errors).toEqual([]);

    const byEvent = await rows<{ event: string; n: number }>(
      `SELECT event, count(*) AS n FROM events WHERE project_id = 'ph' GROUP BY event ORDER BY event`,
    );
    expect(byEvent.map((r) => [r.event, Number(r.n)])).toEqual([
      ['$identify', 1],
      ['$pageview', 32],
      ['signed_up', 8],
    ]);
    const sample = await rows<Record<string, unknown>>(
      `SELECT event_id, user_id, event, epoch_ms(ts) AS ts, os, country, platform,
         properties->>'plan' AS plan, (properties->>'n')::INT AS n, properties->>'$."$lib"' AS lib
       FROM events WHERE project_id = 'ph' AND event_id LIKE '01890000-%' AND (properties->>'n')::INT IN (0, 7)
       ORDER BY n`,
    );
    expect(sample).toEqual([
      {
        event_id: '01890000-0000-7000-8000-000000000000',
        user_id: 'ph-user-0',
        event: 'signed_up',
        ts: T0,
        os: 'Mac OS X',
        country: 'NL',
        platform: 'node',
        plan: 'free',
        n: 0,
        lib: 'posthog-node',
      },
      {
        event_id: '01890000-0000-7000-8000-000000000007',
        user_id: 'ph-user-3',
        event: '$pageview',
        ts: T0 + 7 * 60_000,
        os: 'Mac OS X',
        country: 'NL',
        platform: 'node',
        plan: 'pro',
        n: 7,
        lib: 'posthog-node',
      },
    ]);
    const [identify] = await rows<{ user_id: string; email: string }>(
      `SELECT user_id, properties->>'$."$set".email' AS email FROM events
       WHERE project_id = 'ph' AND event = '$identify'`,
    );
    expect(identify).toEqual({ user_id: 'ph-user-0', email: 'a@example.test' });
    const users = await rows<{ user_id: string }>(
      `SELECT user_id FROM users WHERE project_id = 'ph' ORDER BY user_id`,
    );
    expect(users.map((u) => u.user_id)).toEqual(['ph-user-0', 'ph-user-1', 'ph-user-2', 'ph-user-3']);
    // identify's `$set` updates the user's promoted attributes; the rest stays in the event's `$set`.
    const [person] = await rows<{ gender: string; age: number }>(
      `SELECT gender, age FROM users WHERE project_id = 'ph' AND user_id = 'ph-user-0'`,
    );
    expect(person).toEqual({ gender: 'female', age: 31 });
    // The key never lands in the data.
    const [leak] = await rows<{ n: number }>(
      `SELECT count(*) AS n FROM events WHERE project_id = 'ph' AND properties::VARCHAR LIKE ?`,
      [`%${key}%`],
    );
    expect(Number(leak!.n)).toBe(0);
  });

  it('counts a resent event (same uuid) once, uncompressed too', async () => {
    const { posthog, errors } = client(key, { disableCompression: true });
    const uuid = '01890000-0000-7000-8000-999999999999';
    for (let round = 0; round < 2; round++) {
      posthog.capture({ distinctId: 'ph-resend', event: 'paid', uuid, timestamp: new Date(T0) });
      await posthog.flush();
    }
    await posthog.shutdown();
    expect(errors).toEqual([]);
    const [row] = await rows<{ n: number }>(
      `SELECT count(*) AS n FROM events WHERE project_id = 'ph' AND event_id = ?`,
      [uuid],
    );
    expect(Number(row!.n)).toBe(1);
  });

  it("takes posthog-js's /e/ body: gzip-js by query, token in the properties, no timestamp", async () => {
    const sentAt = new Date(T0 + 3_600_000).toISOString();
    const body = [
      {
        event: 'clicked',
        properties: { distinct_id: 'web-1', token: key, $current_url: 'https://app.test/' },
        distinct_id: 'web-1',
        offset: 1500,
        uuid: 'web-event-1',
      },
    ];
    const response = await fetch(`${server.url}/e/?compression=gzip-js&ver=1.200.0`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: gzipSync(JSON.stringify({ batch: body, sent_at: sentAt })),
    });
    expect([response.status, await response.json()]).toEqual([200, { status: 1 }]);
    const [row] = await rows<Record<string, unknown>>(
      `SELECT user_id, epoch_ms(ts) AS ts, properties->>'token' AS token, properties->>'$."$current_url"' AS url
       FROM events WHERE project_id = 'ph' AND event_id = 'web-event-1'`,
    );
    expect(row).toEqual({
      user_id: 'web-1',
      ts: T0 + 3_600_000 - 1500,
      token: null,
      url: 'https://app.test/',
    });
  });

  it('refuses unknown and viewer keys with coded errors, and stores nothing', async () => {
    const viewer = await server.key('ph-viewers', 'viewer');
    const send = (apiKey: string) =>
      fetch(`${server.url}/batch/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          api_key: apiKey,
          batch: [{ event: 'x', distinct_id: 'u', timestamp: new Date(T0).toISOString() }],
        }),
      });
    const unknown = await send('sl_not-a-real-key');
    const asViewer = await send(viewer);
    const missing = await fetch(`${server.url}/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ batch: [] }),
    });
    const codes = async (r: Response) => [
      r.status,
      ((await r.json()) as { error: { code: string } }).error.code,
    ];
    expect(await codes(unknown)).toEqual([401, 'SL_AUTH_INVALID']);
    expect(await codes(asViewer)).toEqual([403, 'SL_AUTH_FORBIDDEN']);
    expect(await codes(missing)).toEqual([401, 'SL_AUTH_MISSING']);
    const [row] = await rows<{ n: number }>(
      `SELECT count(*) AS n FROM events WHERE project_id = 'ph-viewers'`,
    );
    expect(Number(row!.n)).toBe(0);
  });
});
