import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routesOf } from '../../src/server/app.ts';
import { call, startTestServer, type TestServer } from './helpers.ts';

/**
 * Tenancy: a key of project A can neither read nor change project B, through any route. The routes are
 * read from the app itself, so a route added later is called here too. A holds the demo; B holds events,
 * keys and whatever B's editor could create, each carrying a marker. Every route is called with A's
 * admin key (the strongest role), with B's ids and names in its path parameters; afterwards B's rows in
 * every table with a `project_id` must be unchanged, and no answer may contain a marker of B.
 */
const A = 'alpha';
const B = 'bravo';
const MARKER = 'bravo-secret';
const END = '2026-10-31';

/** Bodies for routes that need one to do anything (others get `{}`); all read or write "their" project. */
const BODIES: Record<string, unknown> = {
  '/api/v1/capture': [{ event: 'app_open', user_id: 'alpha-user', ts: `${END}T09:00:00Z` }],
  '/api/v1/keys': { role: 'viewer', name: 'made by alpha' },
  '/api/v1/insights/:type': { metric: ['dau'], from: '2026-10-01', to: END },
  '/api/v1/sql': {
    query: `SELECT user_id, event, properties FROM events WHERE project_id = '${B}' OR user_id LIKE '${MARKER}%'`,
  },
  '/api/v1/anomalies/detect': { metric: 'dau', from: '2026-10-01', to: END },
  '/api/v1/anomalies/explain': { metric: 'dau', at: '2026-10-20' },
  '/api/v1/forecasts': { metric: 'dau', horizon: 7 },
  '/api/v1/power': { baseline: 0.1, mde: 0.1 },
};

let server: TestServer;
let adminA: string;
const keysB: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ demo: { users: 600, days: 21, seed: 11, endDate: END, projects: [A] } });
  adminA = await server.key(A, 'admin');
  for (const role of ['viewer', 'editor', 'admin'] as const) keysB.push(await server.key(B, role));
  const events = Array.from({ length: 40 }, (_, i) => ({
    event: i % 3 === 0 ? 'bravo_secret_event' : 'app_open',
    user_id: `${MARKER}-user-${i % 7}`,
    ts: `2026-10-${String(10 + (i % 20)).padStart(2, '0')}T12:00:00Z`,
    properties: { note: `${MARKER}-prop` },
  }));
  const captured = await call(server.url, 'POST', '/api/v1/capture', keysB[1]!, events);
  expect(captured.json.accepted).toBe(40);
  // Whatever else B's editor can create through the API (saved insights, dashboards, ...), named with the marker.
  for (const route of routesOf(server.app)) {
    if (route.method !== 'POST' || route.url.includes(':') || route.url in BODIES) continue;
    if (!route.url.startsWith('/api/v1/')) continue;
    await call(server.url, 'POST', route.url, keysB[1]!, {
      name: `${MARKER}-object`,
      title: `${MARKER}-object`,
      description: MARKER,
    });
  }
}, 120_000);
afterAll(async () => {
  await server?.close();
});

/** B's rows in every table that has a project_id column, as one comparable text. */
async function snapshotOfB(): Promise<string> {
  await server.settled();
  const w = server.context.warehouse;
  const parts: string[] = [];
  for (const table of await w.tables()) {
    if (!table.columns.some((c) => c.name === 'project_id')) continue;
    const rows = await w.query(
      `SELECT * FROM "${table.schema}"."${table.name}" WHERE project_id = ? ORDER BY ALL`,
      [B],
    );
    parts.push(`${table.schema}.${table.name} ${JSON.stringify(rows)}`);
  }
  return parts.join('\n');
}

/** B's ids and names (values of id/name-like columns of its rows), to put in A's path parameters. */
async function idsOfB(): Promise<string[]> {
  const w = server.context.warehouse;
  const ids = new Set<string>();
  for (const table of await w.tables()) {
    if (!table.columns.some((c) => c.name === 'project_id')) continue;
    for (const column of table.columns) {
      if (!/^(id|name|key_id|slug|experiment)$/.test(column.name)) continue;
      const rows = await w.query<{ v: unknown }>(
        `SELECT DISTINCT CAST("${column.name}" AS VARCHAR) AS v FROM "${table.schema}"."${table.name}" WHERE project_id = ?`,
        [B],
      );
      for (const row of rows) if (typeof row.v === 'string' && row.v !== '') ids.add(row.v);
    }
  }
  return [...ids];
}

/** Strings an answer to A must never contain: B's markers, key ids and key prefixes. */
async function secretsOfB(): Promise<string[]> {
  const rows = await server.context.warehouse.query<{ id: string; prefix: string }>(
    'SELECT id, prefix FROM meta.api_keys WHERE project_id = ?',
    [B],
  );
  return [MARKER, ...rows.map((r) => r.id), ...rows.map((r) => r.prefix)];
}

async function readStreamHead(url: string): Promise<{ status: number; text: string }> {
  const controller = new AbortController();
  const response = await fetch(`${server.url}${url}`, {
    headers: { authorization: `Bearer ${adminA}` },
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const { value } = await reader.read();
  controller.abort();
  return { status: response.status, text: new TextDecoder().decode(value) };
}

describe('a key of project A cannot read or change project B', () => {
  it('through any route of the app, with B ids in the paths', async () => {
    const routes = routesOf(server.app).filter(
      (r) => !r.public && r.method !== 'HEAD' && (r.url.startsWith('/api/v1/') || r.url === '/metrics'),
    );
    // The enumeration sees the routes of every part of the API, not an empty list.
    const urls = routes.map((r) => `${r.method} ${r.url}`);
    for (const known of ['GET /api/v1/keys', 'POST /api/v1/capture', 'POST /api/v1/insights/:type']) {
      expect(urls).toContain(known);
    }
    const before = await snapshotOfB();
    const ids = await idsOfB();
    const secrets = await secretsOfB();
    expect(ids.length).toBeGreaterThan(2);
    const called = new Set<string>();
    for (const route of routes) {
      const params = route.url.match(/:\w+/g) ?? [];
      const paths =
        params.length === 0
          ? [route.url]
          : ids.map((id) => route.url.replace(/:\w+/g, encodeURIComponent(id)));
      for (const path of paths) {
        const label = `${route.method} ${path}`;
        let status: number;
        let text: string;
        if (route.url.endsWith('/events/stream')) {
          ({ status, text } = await readStreamHead(path));
        } else {
          const body = ['POST', 'PUT', 'PATCH'].includes(route.method)
            ? (BODIES[route.url] ?? {})
            : undefined;
          const r = await call(server.url, route.method, path, adminA, body);
          status = r.status;
          text = JSON.stringify(r.json);
        }
        called.add(`${route.method} ${route.url}`);
        expect(status, label).not.toBe(500);
        if (params.length > 0) {
          // B's ids name nothing in A: a 4xx, never an answer about B's object.
          expect(status, `${label}: ${text}`).toBeGreaterThanOrEqual(400);
        }
        // What A sent may be echoed back ("no key with id …"); anything else of B must not appear.
        const answer = text.replaceAll(decodeURIComponent(path), '');
        for (const secret of secrets) {
          const echoed = decodeURIComponent(path).includes(secret);
          if (!echoed) expect(answer, `${label} leaks ${secret}`).not.toContain(secret);
        }
      }
    }
    expect([...called].sort()).toEqual(urls.sort());
    expect(await snapshotOfB()).toBe(before);
    // B's keys still work after everything A did.
    for (const key of keysB)
      expect((await call(server.url, 'GET', '/api/v1/insights/types', key)).status).toBe(200);
  }, 120_000);

  it("A's SQL sees A's events only, though it names B's project", async () => {
    const r = await call(server.url, 'POST', '/api/v1/sql', adminA, {
      query: `SELECT count(*) AS n FROM events WHERE project_id = '${B}'`,
    });
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.json)).toContain('"n":0');
  });
});
