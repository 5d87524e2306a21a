import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, call as request, startTestServer, type TestServer } from './helpers.ts';

/** Keys over real HTTP: missing, malformed, unknown and revoked keys are 401; roles are enforced (403). */
let server: TestServer;
let admin: string;
let viewer: string;
let editor: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = await server.key('alpha', 'admin');
  viewer = await server.key('alpha', 'viewer');
  editor = await server.key('alpha', 'editor');
});
afterAll(async () => {
  await server?.close();
});

function call(method: string, route: string, key: string | null, body?: unknown) {
  return request(server.url, method, route, key, body);
}

describe('API keys on requests', () => {
  it('health and the OpenAPI document need no key', async () => {
    const health = await call('GET', '/healthz', null);
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ status: 'ok', version: '0.1.0', database: server.databasePath });
    const docs = await call('GET', '/api/docs/json', null);
    expect(docs.status).toBe(200);
    expect(docs.json.openapi).toBe('3.1.0');
    expect(Object.keys(docs.json.paths)).toContain('/api/v1/keys');
  });

  it('a request without a key is 401 SL_AUTH_MISSING', async () => {
    const r = await call('GET', '/api/v1/keys', null);
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('SL_AUTH_MISSING');
    expect(r.json.error.hint).toMatch(/Bearer/);
  });

  it('a malformed, unknown or non-bearer key is 401 SL_AUTH_INVALID', async () => {
    for (const key of ['nope', `sl_${'A'.repeat(43)}`, `${admin}x`]) {
      const r = await call('GET', '/api/v1/keys', key);
      expect(r.status, key).toBe(401);
      expect(r.json.error.code).toBe('SL_AUTH_INVALID');
    }
    const basic = await fetch(`${server.url}/api/v1/keys`, { headers: { authorization: `Basic ${admin}` } });
    expect(basic.status).toBe(401);
    expect(((await basic.json()) as Json).error.code).toBe('SL_AUTH_INVALID');
  });

  it('a viewer cannot capture (403) and cannot manage keys (403); an admin can', async () => {
    const capture = await call('POST', '/api/v1/capture', viewer, [
      { event: 'view', user_id: 'u1', ts: '2026-01-01T00:00:00Z' },
    ]);
    expect(capture.status).toBe(403);
    expect(capture.json.error.code).toBe('SL_AUTH_FORBIDDEN');
    const keys = await call('GET', '/api/v1/keys', editor);
    expect(keys.status).toBe(403);
    expect(keys.json.error.code).toBe('SL_AUTH_FORBIDDEN');
    expect(keys.json.error.message).toBe("this needs a key with the admin role; this key's role is editor");
    const listed = await call('GET', '/api/v1/keys', admin);
    expect(listed.status).toBe(200);
    expect(listed.json.keys.map((k: { role: string }) => k.role).sort()).toEqual([
      'admin',
      'editor',
      'viewer',
    ]);
  });

  it('a key created over the API works at once and a revoked key is refused at once', async () => {
    const created = await call('POST', '/api/v1/keys', admin, { role: 'viewer', name: 'laptop' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ project: 'alpha', role: 'viewer', name: 'laptop' });
    expect(created.json.key).toMatch(/^sl_[A-Za-z0-9_-]{43}$/);
    const health = await call('GET', '/api/v1/events/stream?key=nope', null);
    expect(health.status).toBe(401);
    expect((await call('GET', '/api/v1/keys', created.json.key)).status).toBe(403);
    const revoked = await call('DELETE', `/api/v1/keys/${created.json.id}`, admin);
    expect(revoked.status).toBe(200);
    expect(revoked.json.revokedAt).toEqual(expect.any(String));
    const after = await call('GET', '/api/v1/keys', created.json.key);
    expect(after.status).toBe(401);
    expect(after.json.error.code).toBe('SL_AUTH_INVALID');
  });

  it('a key cannot be created with an unknown role, and unknown key ids are 404', async () => {
    const bad = await call('POST', '/api/v1/keys', admin, { role: 'owner' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('SL_BAD_REQUEST');
    const missing = await call('DELETE', '/api/v1/keys/000000000000', admin);
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('SL_NOT_FOUND');
  });

  it('/metrics needs an admin key and speaks the Prometheus text format', async () => {
    expect((await call('GET', '/metrics', null)).status).toBe(401);
    expect((await call('GET', '/metrics', viewer)).status).toBe(403);
    const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${admin}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    expect(text).toMatch(
      /^sightline_http_requests_total\{method="GET",route="\/api\/v1\/keys",status="200"\} \d+$/m,
    );
    expect(text).toMatch(/^sightline_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1$/m);
    expect(text).toMatch(/^sightline_cache_hits_total 0$/m);
  });
});
