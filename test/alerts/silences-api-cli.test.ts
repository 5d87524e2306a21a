import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.ts';
import { call, startTestServer, type TestServer } from '../server/helpers.ts';

/** Silences over the HTTP API (roles, validation, expiry) and through `sightline silences`. */
describe('silences API', () => {
  let server: TestServer;
  let editor: string;
  let viewer: string;
  beforeAll(async () => {
    server = await startTestServer();
    editor = await server.key('default', 'editor');
    viewer = await server.key('default', 'viewer');
  }, 60_000);
  afterAll(async () => server?.close());

  it('creates, lists and expires a silence; viewers read, editors write', async () => {
    const created = await call(server.url, 'POST', '/api/v1/silences', editor, {
      matchers: { rule: 'dau_hourly_drop', group: { os: 'Android' } },
      startsAt: '2030-01-01T00:00:00Z',
      duration: '2h',
      comment: 'fix rolling out',
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      matchers: { rule: 'dau_hourly_drop', group: { os: 'Android' } },
      startsAt: '2030-01-01T00:00:00Z',
      endsAt: '2030-01-01T02:00:00Z',
      comment: 'fix rolling out',
    });
    expect(created.json.id).toMatch(/^[0-9a-f]{12}$/);
    const listed = await call(server.url, 'GET', '/api/v1/silences', viewer);
    expect(listed.status).toBe(200);
    expect(listed.json.silences.map((s: { id: string }) => s.id)).toEqual([created.json.id]);
    // Not holding yet (it starts in 2030).
    expect((await call(server.url, 'GET', '/api/v1/silences?active=true', viewer)).json.silences).toEqual([]);

    const refused = await call(server.url, 'POST', '/api/v1/silences', viewer, {
      matchers: { rule: 'dau_hourly_drop' },
      duration: '1h',
    });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('SL_AUTH_FORBIDDEN');

    const expired = await call(server.url, 'DELETE', `/api/v1/silences/${created.json.id}`, editor);
    expect(expired.status).toBe(200);
    // Ending a silence that has not begun moves its end to now, before its start: it never holds.
    expect(Date.parse(expired.json.endsAt)).toBeLessThan(Date.parse('2030-01-01T00:00:00Z'));
    expect((await call(server.url, 'DELETE', '/api/v1/silences/0123456789ab', editor)).status).toBe(404);
  });

  it('refuses a silence that matches everything, an unknown rule, or no end', async () => {
    const empty = await call(server.url, 'POST', '/api/v1/silences', editor, {
      matchers: {},
      duration: '1h',
    });
    expect(empty.status).toBe(400);
    expect(empty.json.error.code).toBe('SL_SILENCE_INVALID');
    const unknown = await call(server.url, 'POST', '/api/v1/silences', editor, {
      matchers: { rule: 'dau_hourly_dro' },
      duration: '1h',
    });
    expect(unknown.json.error).toMatchObject({
      code: 'SL_SILENCE_INVALID',
      message: 'unknown alert rule "dau_hourly_dro" (did you mean "dau_hourly_drop"?)',
    });
    const endless = await call(server.url, 'POST', '/api/v1/silences', editor, {
      matchers: { rule: 'dau_hourly_drop' },
    });
    expect(endless.json.error.code).toBe('SL_SILENCE_INVALID');
  });
});

describe('sightline silences', () => {
  const { dir, cleanup } = tempDir('sl-silences-cli-');
  const db = path.join(dir, 'cli.duckdb');
  afterAll(cleanup);

  it('adds, lists and expires silences', async () => {
    const added = await runCli([
      'silences',
      'add',
      '--db',
      db,
      '--rule',
      'dau_hourly_drop',
      '--group',
      'os=Android',
      '--for',
      '2h',
      '--comment',
      'deploying',
      '--json',
    ]);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const silence = JSON.parse(added.stdout);
    expect(silence.matchers).toEqual({ rule: 'dau_hourly_drop', group: { os: 'Android' } });
    expect(Date.parse(silence.endsAt) - Date.parse(silence.startsAt)).toBe(2 * 3_600_000);

    const active = await runCli(['silences', 'list', '--db', db, '--active', '--json']);
    expect(JSON.parse(active.stdout).map((s: { id: string }) => s.id)).toEqual([silence.id]);

    const expired = await runCli(['silences', 'expire', '--db', db, silence.id]);
    expect(expired.code).toBe(0);
    expect(expired.stdout).toContain(`Silence ${silence.id} (rule dau_hourly_drop, os=Android) ended at`);
    expect(JSON.parse((await runCli(['silences', 'list', '--db', db, '--active', '--json'])).stdout)).toEqual(
      [],
    );

    const bad = await runCli(['silences', 'add', '--db', db, '--group', 'Android', '--for', '1h']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('SL_SILENCE_INVALID');
  }, 60_000);
});
