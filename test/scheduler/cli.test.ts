import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProjectFile } from '../../src/config/project-file.ts';
import { startServer } from '../../src/server/server.ts';
import { runCli, tempDir } from '../helpers/cli.ts';

const dir = tempDir('sl-run-cli-');
const config = path.join(dir.dir, 'sightline.yaml');
const db = path.join(dir.dir, 'cli.duckdb');

beforeAll(() => {
  writeFileSync(
    config,
    [
      'project: clitest',
      'jobs:',
      '  freshness:',
      '    schedule: "0 * * * *"',
      '    run: { check: { minEvents: 1, window: 1h } }',
      '  lag:',
      '    schedule: "0 * * * *"',
      '    run: { check: { window: 2h } }',
      '',
    ].join('\n'),
  );
});
afterAll(() => dir.cleanup());

const cli = (...args: string[]) => runCli([...args, '--config', config, '--db', db]);

describe('sightline run and runs', () => {
  it('run prints a failed run and exits 1; a succeeding one exits 0', async () => {
    const failed = await cli('run', 'freshness');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^freshness failed \(run [0-9a-f]{16}, attempt 1\)\n/);
    expect(failed.stdout).toContain(
      'error: data check failed: 0 events in the 1h before the check (at least 1 expected)\n',
    );
    const ok = await cli('run', 'lag', '--json');
    expect(ok.code).toBe(0);
    const run = JSON.parse(ok.stdout);
    expect(run).toMatchObject({
      job: 'lag',
      trigger: 'manual',
      status: 'succeeded',
      attempts: 1,
      summary: 'data ok: 0 events in the last 2h',
      details: { newest: null, events: 0, problems: [] },
    });
    const unknown = await cli('run', 'fresh');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('SL_JOB_NOT_FOUND');
  });

  it('runs lists the history newest first, as a table and as JSON', async () => {
    const json = await cli('runs', '--json');
    expect(json.code).toBe(0);
    const runs = JSON.parse(json.stdout);
    expect(runs.map((r: { job: string; status: string }) => `${r.job} ${r.status}`)).toEqual([
      'lag succeeded',
      'freshness failed',
    ]);
    const one = JSON.parse((await cli('runs', '--json', '--job', 'freshness', '--limit', '1')).stdout);
    expect(one).toHaveLength(1);
    expect(one[0].error).toBe('data check failed: 0 events in the 1h before the check (at least 1 expected)');
    const table = await cli('runs');
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^job\s+scheduled\s+started\s+finished\s+status\s+attempts\s+error \/ summary$/);
    expect(lines[2]).toMatch(
      /^lag\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(manual\)\s+.*succeeded\s+1\s+data ok: 0 events in the last 2h$/,
    );
    expect(lines[3]).toMatch(/^freshness\s+.*failed\s+1\s+data check failed: 0 events/);
    const withLog = await cli('runs', '--job', 'freshness');
    expect(withLog.stdout).toContain('log of the latest run:\n  ');
    expect(withLog.stdout).toContain('attempt 1 failed: data check failed');
  });

  it('while serve holds the database, run and runs stop with SL_DB_LOCKED naming the API', async () => {
    const server = await startServer({
      databasePath: db,
      project: loadProjectFile(config),
      port: 0,
      staticDir: null,
    });
    try {
      const run = await cli('run', 'freshness');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('SL_DB_LOCKED');
      expect(run.stderr).toContain('POST /api/v1/jobs/freshness/run');
      const runs = await cli('runs');
      expect(runs.code).toBe(2);
      expect(runs.stderr).toContain('GET /api/v1/runs');
    } finally {
      await server.close();
    }
  });
});
