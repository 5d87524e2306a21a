import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/data/ingest/ingest.ts';
import { openWarehouse } from '../../src/data/warehouse/open-warehouse.ts';
import { startTestServer } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let editor: string;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'sl-capture-'));
const T0 = Date.parse('2026-10-01T12:00:00Z');

beforeAll(async () => {
  server = await startTestServer({});
  editor = await server.key('cap', 'editor');
});

afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function iso(i: number): string {
  return new Date(T0 + i * 1000).toISOString();
}

async function capture(
  body: string | Buffer,
  headers: Record<string, string> = {},
  key = editor,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/api/v1/capture`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Rows of the server's warehouse once what it answered is loaded. */
async function rows<T>(sql: string, params: (string | number)[] = []): Promise<T[]> {
  await server.settled();
  return server.context.warehouse.query(sql, params) as Promise<T[]>;
}

async function countIn(project: string, where = 'true'): Promise<number> {
  const [row] = await rows<{ n: number }>(
    `SELECT count(*) AS n FROM events WHERE project_id = ? AND ${where}`,
    [project],
  );
  return Number(row!.n);
}

function errorCode(json: Record<string, unknown>): unknown {
  return (json.error as { code?: unknown } | undefined)?.code;
}

describe('POST /api/v1/capture', () => {
  it('takes a JSON array of flat events and answers with exact counts', async () => {
    const events = [
      { event_id: 'a1', user_id: 'u1', event: 'signup', timestamp: iso(1), country: 'DE', plan: 'pro' },
      { event_id: 'a2', user_id: 'u1', event: 'view', timestamp: iso(2) },
      { event_id: 'a3', user_id: 'u2', event: 'view', timestamp: iso(3), project_id: 'someone-else' },
      { event_id: 'a4', event: 'view', timestamp: iso(4) },
    ];
    const before = server.context.dataVersion('cap');
    const { status, json } = await capture(JSON.stringify(events));
    expect(status).toBe(200);
    expect(json).toEqual({
      accepted: 3,
      rejected: 1,
      duplicates: 0,
      rejectedByReason: { missing_user_id: 1 },
    });
    // The answer comes once the events are logged; the data version moves when they are loaded.
    await server.settled();
    expect(server.context.dataVersion('cap')).toBeGreaterThan(before);
    const stored = await rows<{
      event_id: string;
      user_id: string;
      country: string | null;
      plan: string | null;
    }>(
      `SELECT event_id, user_id, country, properties->>'plan' AS plan FROM events
       WHERE project_id = 'cap' ORDER BY event_id`,
    );
    expect(stored).toEqual([
      { event_id: 'a1', user_id: 'u1', country: 'DE', plan: 'pro' },
      { event_id: 'a2', user_id: 'u1', country: null, plan: null },
      { event_id: 'a3', user_id: 'u2', country: null, plan: null },
    ]);
    // A project named in the body is only a property: the key decides where events go.
    expect(await countIn('someone-else')).toBe(0);
    const users = await rows<{ user_id: string; events: number }>(
      `SELECT user_id, events FROM users WHERE project_id = 'cap' ORDER BY user_id`,
    );
    expect(users.map((u) => [u.user_id, Number(u.events)])).toEqual([
      ['u1', 2],
      ['u2', 1],
    ]);
  });

  it('counts a resent body as duplicates, and repeats inside one body too', async () => {
    const events = [
      { event_id: 'a1', user_id: 'u1', event: 'signup', timestamp: iso(1) },
      { event_id: 'b1', user_id: 'u3', event: 'view', timestamp: iso(5) },
      { event_id: 'b1', user_id: 'u3', event: 'view', timestamp: iso(5) },
    ];
    const first = await capture(JSON.stringify(events));
    expect(first.json).toEqual({ accepted: 1, rejected: 0, duplicates: 2, rejectedByReason: {} });
    const again = await capture(JSON.stringify(events));
    expect(again.json).toEqual({ accepted: 0, rejected: 0, duplicates: 3, rejectedByReason: {} });
    expect(await countIn('cap', `event_id = 'b1'`)).toBe(1);
  });

  it('takes {"batch": [...]} with the Segment and PostHog layouts', async () => {
    const batch = [
      {
        type: 'track',
        event: 'Order Completed',
        userId: 'seg-1',
        messageId: 'm-1',
        timestamp: iso(10),
        properties: { revenue: 12.5 },
        context: { os: { name: 'iOS' }, campaign: { source: 'newsletter' } },
      },
      { type: 'page', anonymousId: 'anon-1', messageId: 'm-2', timestamp: iso(11), name: 'Home' },
      {
        event: '$pageview',
        distinct_id: 'ph-1',
        uuid: '0190-ph-1',
        timestamp: iso(12),
        properties: { $os: 'Android', $geoip_country_code: 'FR', $current_url: 'https://x.test/' },
      },
    ];
    const { status, json } = await capture(JSON.stringify({ batch }));
    expect(status).toBe(200);
    expect(json).toEqual({ accepted: 3, rejected: 0, duplicates: 0, rejectedByReason: {} });
    const stored = await rows<Record<string, unknown>>(
      `SELECT event_id, user_id, event, os, source, country, properties->>'revenue' AS revenue,
         properties->>'name' AS name, properties->>'$."$current_url"' AS url
       FROM events WHERE project_id = 'cap' AND event_id IN ('m-1', 'm-2', '0190-ph-1') ORDER BY event_id`,
    );
    expect(stored).toEqual([
      {
        event_id: '0190-ph-1',
        user_id: 'ph-1',
        event: '$pageview',
        os: 'Android',
        source: null,
        country: 'FR',
        revenue: null,
        name: null,
        url: 'https://x.test/',
      },
      {
        event_id: 'm-1',
        user_id: 'seg-1',
        event: 'Order Completed',
        os: 'iOS',
        source: 'newsletter',
        country: null,
        revenue: '12.5',
        name: null,
        url: null,
      },
      {
        event_id: 'm-2',
        user_id: 'anon-1',
        event: '$pageview',
        os: null,
        source: null,
        country: null,
        revenue: null,
        name: 'Home',
        url: null,
      },
    ]);
  });

  it('takes NDJSON and puts each bad line in the dead-letter file with its reason and line', async () => {
    const lines = [
      JSON.stringify({ event_id: 'n1', user_id: 'u9', event: 'view', timestamp: iso(20) }),
      '{"event_id": "n2", "user_id": ',
      '',
      JSON.stringify({ event_id: 'n3', user_id: 'u9', event: 'view', timestamp: 'yesterday' }),
      JSON.stringify({ event_id: 'n4', user_id: 'u9', event: 'view', timestamp: '1990-01-01T00:00:00Z' }),
      JSON.stringify({ event_id: 'n5', user_id: 'u9', event: 'view', timestamp: iso(21) }),
    ];
    const before = deadLetterLines().length;
    const { status, json } = await capture(`${lines.join('\n')}\n`, {
      'content-type': 'application/x-ndjson',
    });
    expect(status).toBe(200);
    expect(json).toEqual({
      accepted: 2,
      rejected: 3,
      duplicates: 0,
      rejectedByReason: { invalid_json: 1, invalid_timestamp: 1, timestamp_out_of_range: 1 },
    });
    await server.settled();
    const added = deadLetterLines().slice(before);
    expect(added.map((d) => [d.file, d.line, d.reason, d.project, d.raw])).toEqual([
      ['POST /api/v1/capture', 2, 'invalid_json', 'cap', lines[1]],
      ['POST /api/v1/capture', 4, 'invalid_timestamp', 'cap', lines[3]],
      ['POST /api/v1/capture', 5, 'timestamp_out_of_range', 'cap', lines[4]],
    ]);
  });

  it('reads gzip-compressed JSON and NDJSON bodies', async () => {
    const array = [{ event_id: 'g1', user_id: 'u7', event: 'view', timestamp: iso(30) }];
    const ndjson = `${JSON.stringify({ event_id: 'g2', user_id: 'u7', event: 'view', timestamp: iso(31) })}\n`;
    const a = await capture(gzipSync(JSON.stringify(array)), { 'content-encoding': 'gzip' });
    const b = await capture(gzipSync(ndjson), {
      'content-encoding': 'gzip',
      'content-type': 'application/x-ndjson',
    });
    expect([a.status, a.json.accepted, b.status, b.json.accepted]).toEqual([200, 1, 200, 1]);
    expect(await countIn('cap', `event_id IN ('g1', 'g2')`)).toBe(2);
  });

  it('stores what sightline ingest stores for the same records, with the same counts', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      if (i % 37 === 5) lines.push(`{"broken": ${i}`);
      else if (i % 41 === 7) lines.push(JSON.stringify({ user_id: `c${i % 13}`, timestamp: iso(100 + i) }));
      else if (i % 3 === 0)
        lines.push(
          JSON.stringify({
            distinct_id: `c${i % 13}`,
            event: i % 2 ? 'click' : '$pageview',
            timestamp: iso(100 + i),
            properties: { $os: i % 2 ? 'iOS' : 'Web', n: i },
          }),
        );
      else
        lines.push(
          JSON.stringify({
            user_id: `c${i % 10}`,
            action: 'view',
            ts: (T0 + (100 + (i % 50)) * 1000) / 1000,
            n: i % 50,
          }),
        );
    }
    const text = `${lines.join('\n')}\n`;
    const key = await server.key('same', 'editor');
    const viaApi = await capture(text, { 'content-type': 'application/x-ndjson' }, key);

    const file = path.join(tmp, 'same.ndjson');
    writeFileSync(file, text);
    const reference = await openWarehouse({ path: path.join(tmp, 'reference.duckdb') });
    try {
      const summary = await ingest({
        inputs: [file],
        projectId: 'same',
        deadLetterPath: path.join(tmp, 'reference-dead.ndjson'),
        store: reference.events,
      });
      expect(viaApi.json).toEqual({
        accepted: summary.accepted,
        rejected: summary.rejected,
        duplicates: summary.duplicates,
        rejectedByReason: summary.rejectedByReason,
      });
      // The flat records repeat every 50 lines: the comparison covers duplicates too.
      expect(summary.duplicates).toBeGreaterThan(50);
      expect(summary.accepted).toBeGreaterThan(100);
      const columns = `event_id, user_id, event, epoch_us(ts) AS ts, os, properties::VARCHAR AS properties`;
      const order = 'ORDER BY event_id';
      const expected = await reference.warehouse.query(
        `SELECT ${columns} FROM events WHERE project_id = 'same' ${order}`,
      );
      const actual = await rows(`SELECT ${columns} FROM events WHERE project_id = 'same' ${order}`);
      expect(actual).toEqual(expected);
      const userColumns = 'user_id, first_seen, last_seen, first_event, os, events';
      expect(
        await rows(`SELECT ${userColumns} FROM users WHERE project_id = 'same' ORDER BY user_id`),
      ).toEqual(
        await reference.warehouse.query(
          `SELECT ${userColumns} FROM users WHERE project_id = 'same' ORDER BY user_id`,
        ),
      );
      const rollup = 'day, user_id, event, events';
      expect(await rows(`SELECT ${rollup} FROM user_daily WHERE project_id = 'same' ORDER BY ALL`)).toEqual(
        await reference.warehouse.query(
          `SELECT ${rollup} FROM user_daily WHERE project_id = 'same' ORDER BY ALL`,
        ),
      );
    } finally {
      await reference.warehouse.close();
    }
  });

  it('answers concurrent requests each with its own counts', async () => {
    const key = await server.key('busy', 'editor');
    const bodies = Array.from({ length: 24 }, (_, r) =>
      // Request r repeats the last 20 events of request r - 1.
      Array.from({ length: 100 }, (_, i) => ({
        event_id: `c${r * 80 + i}`,
        user_id: `u${(r * 80 + i) % 50}`,
        event: 'view',
        timestamp: iso(r * 80 + i),
      })),
    );
    const answers = await Promise.all(bodies.map((b) => capture(JSON.stringify(b), {}, key)));
    const total = answers.reduce(
      (sum, a) => {
        expect(a.status).toBe(200);
        expect(Number(a.json.accepted) + Number(a.json.duplicates)).toBe(100);
        return {
          accepted: sum.accepted + Number(a.json.accepted),
          duplicates: sum.duplicates + Number(a.json.duplicates),
        };
      },
      { accepted: 0, duplicates: 0 },
    );
    const distinct = 23 * 80 + 100;
    expect(total).toEqual({ accepted: distinct, duplicates: 24 * 100 - distinct });
    expect(await countIn('busy')).toBe(distinct);
  });

  it('refuses viewers and requests without a key', async () => {
    const viewer = await server.key('cap', 'viewer');
    const body = JSON.stringify([{ event_id: 'v1', user_id: 'u1', event: 'view', timestamp: iso(1) }]);
    const asViewer = await capture(body, {}, viewer);
    expect([asViewer.status, errorCode(asViewer.json)]).toEqual([403, 'SL_AUTH_FORBIDDEN']);
    const response = await fetch(`${server.url}/api/v1/capture`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(401);
    expect(await countIn('cap', `event_id = 'v1'`)).toBe(0);
  });

  it('answers bodies that are none of the accepted forms with a 4xx and a code', async () => {
    const cases: [string | Buffer, Record<string, string>, number, string][] = [
      ['{"event": ', {}, 400, 'SL_BAD_JSON'],
      ['', {}, 400, 'SL_BAD_JSON'],
      ['"just a string"', {}, 400, 'SL_BAD_REQUEST'],
      ['42', {}, 400, 'SL_BAD_REQUEST'],
      ['{"batch": {"event": "x"}}', {}, 400, 'SL_BAD_REQUEST'],
      ['not gzip at all', { 'content-encoding': 'gzip' }, 400, 'SL_BAD_REQUEST'],
      ['[]', { 'content-encoding': 'br' }, 415, 'SL_UNSUPPORTED_MEDIA_TYPE'],
      ['a,b\n1,2\n', { 'content-type': 'text/csv' }, 415, 'SL_UNSUPPORTED_MEDIA_TYPE'],
      [
        gzipSync(Buffer.alloc(80 * 1024 * 1024, 0x20)),
        { 'content-encoding': 'gzip' },
        413,
        'SL_BODY_TOO_LARGE',
      ],
      [Buffer.alloc(16 * 1024 * 1024, 0x20), {}, 413, 'SL_BODY_TOO_LARGE'],
    ];
    for (const [body, headers, status, code] of cases) {
      const answer = await capture(body, headers);
      expect([answer.status, errorCode(answer.json)], JSON.stringify(headers)).toEqual([status, code]);
    }
    // Nesting deeper than JSON.stringify can recurse is a record too large to store, in either form.
    const deepArray = `[${'['.repeat(5000)}${']'.repeat(5000)}]`;
    const deepLine = `{"user_id":"u1","event":"view","timestamp":"${iso(1)}","p":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}\n`;
    for (const [body, type] of [
      [deepArray, 'application/json'],
      [deepLine, 'application/x-ndjson'],
    ] as const) {
      expect((await capture(body, { 'content-type': type })).json).toEqual({
        accepted: 0,
        rejected: 1,
        duplicates: 0,
        rejectedByReason: { record_too_large: 1 },
      });
    }
    // An empty array and an empty NDJSON body are valid and hold nothing.
    expect((await capture('[]')).json).toEqual({
      accepted: 0,
      rejected: 0,
      duplicates: 0,
      rejectedByReason: {},
    });
    expect((await capture('\n', { 'content-type': 'application/x-ndjson' })).json.accepted).toBe(0);
  });
});

function deadLetterLines(): Record<string, unknown>[] {
  let text = '';
  try {
    text = readFileSync(server.context.deadLetterPath, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
