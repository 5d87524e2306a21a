import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from '../server/helpers.ts';

let server: TestServer;
let viewer: string;
let editor: string;
let otherEditor: string;

beforeAll(async () => {
  server = await startTestServer();
  viewer = await server.key('default', 'viewer');
  editor = await server.key('default', 'editor');
  otherEditor = await server.key('other', 'editor');
});

afterAll(() => server.close());

const freshness = {
  name: 'freshness',
  schedule: '*/5 * * * *',
  run: { check: { minEvents: 1, window: '1h' } },
  retries: 0,
};

describe('jobs API', () => {
  it('lists the project file’s jobs with their next due time, and no last run yet', async () => {
    const { status, json } = await call(server.url, 'GET', '/api/v1/jobs', viewer);
    expect(status).toBe(200);
    const names = json.jobs.map((j: { name: string }) => j.name);
    expect(names).toEqual(expect.arrayContaining(['daily_report', 'weekly_report', 'alert:dau_hourly_drop']));
    const daily = json.jobs.find((j: { name: string }) => j.name === 'daily_report');
    expect(daily).toMatchObject({ origin: 'file', schedule: '0 9 * * *', timezone: 'UTC', lastRun: null });
    // The next 09:00 UTC after now.
    const next = new Date(daily.nextRunAt);
    expect(next.getUTCHours()).toBe(9);
    expect(next.getUTCMinutes()).toBe(0);
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);
    expect(next.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('creates a job for editors only, checked like the file’s', async () => {
    expect((await call(server.url, 'POST', '/api/v1/jobs', viewer, freshness)).status).toBe(403);
    const bad = await call(server.url, 'POST', '/api/v1/jobs', editor, {
      ...freshness,
      run: { report: 'dayly' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('SL_JOB_INVALID');
    expect(bad.json.error.message).toBe(
      'jobs.freshness.run.report: unknown report "dayly" (did you mean "daily"?)',
    );
    const clash = await call(server.url, 'POST', '/api/v1/jobs', editor, {
      ...freshness,
      name: 'daily_report',
    });
    expect(clash.status).toBe(400);
    const created = await call(server.url, 'POST', '/api/v1/jobs', editor, freshness);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      name: 'freshness',
      origin: 'api',
      catchUp: 'latest',
      retries: 0,
      retryBackoffMs: 60_000,
      timeoutMs: 600_000,
      run: { check: { minEvents: 1, window: '1h', channels: [] } },
    });
    const listed = await call(server.url, 'GET', '/api/v1/jobs', viewer);
    expect(listed.json.jobs.map((j: { name: string }) => j.name)).toContain('freshness');
  });

  it('runs a job now and answers the run; the history lists it', async () => {
    const ran = await call(server.url, 'POST', '/api/v1/jobs/freshness/run', editor);
    expect(ran.status).toBe(200);
    expect(ran.json).toMatchObject({
      job: 'freshness',
      trigger: 'manual',
      status: 'failed',
      attempts: 1,
      error: 'data check failed: 0 events in the 1h before the check (at least 1 expected)',
    });
    const runs = await call(server.url, 'GET', '/api/v1/runs?job=freshness&limit=5', viewer);
    expect(runs.status).toBe(200);
    expect(runs.json.runs).toEqual([ran.json]);
    const listed = await call(server.url, 'GET', '/api/v1/jobs', viewer);
    const job = listed.json.jobs.find((j: { name: string }) => j.name === 'freshness');
    expect(job.lastRun).toEqual(ran.json);
    expect((await call(server.url, 'GET', '/api/v1/runs?limit=0', viewer)).status).toBe(400);
  });

  it('another project sees none of these jobs or runs, and cannot run or delete them', async () => {
    const jobs = await call(server.url, 'GET', '/api/v1/jobs', otherEditor);
    expect(jobs.json.jobs).toEqual([]);
    expect((await call(server.url, 'GET', '/api/v1/runs', otherEditor)).json.runs).toEqual([]);
    const run = await call(server.url, 'POST', '/api/v1/jobs/freshness/run', otherEditor);
    expect(run.status).toBe(404);
    expect(run.json.error.code).toBe('SL_JOB_NOT_FOUND');
    expect((await call(server.url, 'DELETE', '/api/v1/jobs/freshness', otherEditor)).status).toBe(404);
    // Its own job of the same name is its own.
    expect((await call(server.url, 'POST', '/api/v1/jobs', otherEditor, freshness)).status).toBe(201);
    expect(
      (await call(server.url, 'GET', '/api/v1/jobs', otherEditor)).json.jobs.map(
        (j: { name: string }) => j.name,
      ),
    ).toEqual(['freshness']);
  });

  it('deletes API jobs only', async () => {
    const file = await call(server.url, 'DELETE', '/api/v1/jobs/daily_report', editor);
    expect(file.status).toBe(400);
    expect((await call(server.url, 'DELETE', '/api/v1/jobs/freshness', viewer)).status).toBe(403);
    expect((await call(server.url, 'DELETE', '/api/v1/jobs/freshness', editor)).status).toBe(204);
    expect((await call(server.url, 'DELETE', '/api/v1/jobs/freshness', editor)).status).toBe(404);
    const listed = await call(server.url, 'GET', '/api/v1/jobs', viewer);
    expect(listed.json.jobs.map((j: { name: string }) => j.name)).not.toContain('freshness');
    // The other project's job of that name is untouched.
    expect((await call(server.url, 'GET', '/api/v1/jobs', otherEditor)).json.jobs).toHaveLength(1);
  });
});
