import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../src/data/warehouse/open-warehouse.ts';
import { runCli, tempDir } from './helpers/cli.ts';

const { dir, cleanup } = tempDir('sl-cli-');
afterAll(cleanup);
const db = path.join(dir, 'cli.duckdb');
const events = [
  { event_id: 'a', user_id: 'u1', event: 'view', timestamp: '2026-10-01T10:00:00Z', os: 'iOS' },
  { event_id: 'b', user_id: 'u2', event: 'like', timestamp: '2026-10-02T10:00:00+02:00', os: 'Android' },
  { user_id: 'u3', event: 'view' },
];
const ndjson = events.map((e) => JSON.stringify(e)).join('\n');

describe('sightline ingest (CLI)', () => {
  it('reads standard input and prints exactly one JSON object with the accounting', async () => {
    const r = await runCli(['ingest', '-', '--db', db, '--json'], { input: ndjson });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]!);
    expect(summary).toMatchObject({
      files: 1,
      read: 3,
      accepted: 2,
      rejected: 1,
      duplicates: 0,
      rejectedByReason: { missing_timestamp: 1 },
      deadLetter: path.join(dir, 'cli.dead-letter.ndjson'),
    });
  });

  it('prints a human summary without --json', async () => {
    const file = path.join(dir, 'more.ndjson');
    writeFileSync(file, ndjson);
    const r = await runCli(['ingest', file, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/read\s+3/);
    expect(r.stdout).toMatch(/duplicates\s+2/);
    expect(r.stdout).toMatch(/rejected\s+1\s+missing_timestamp 1/);
  });

  it('fails with a coded one-line error for a missing file and an unknown format', async () => {
    const missing = await runCli(['ingest', path.join(dir, 'nope.ndjson'), '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^error SL_INGEST_INPUT_NOT_FOUND: /);
    const format = await runCli(['ingest', '-', '--format', 'xml', '--db', db]);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/^error SL_INGEST_UNKNOWN_FORMAT: /);
  });

  it('fails with SL_DB_OPEN_FAILED when the database file is not a database', async () => {
    const garbage = path.join(dir, 'not-a-database.duckdb');
    writeFileSync(garbage, 'this is not a DuckDB file\n'.repeat(1000));
    const r = await runCli(['ingest', '-', '--db', garbage], { input: ndjson });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error SL_DB_OPEN_FAILED: /);
  });

  it('refuses to write while another process holds the database, with a code and what to do', async () => {
    const held = await openWarehouse({ path: db });
    try {
      const r = await runCli(['ingest', '-', '--db', db], { input: ndjson });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error SL_DB_LOCKED: .*in use by another process/);
    } finally {
      await held.warehouse.close();
    }
  });

  it('takes the database from SIGHTLINE_DB when --db is absent', async () => {
    const r = await runCli(['status', '--json'], { env: { SIGHTLINE_DB: db } });
    expect(r.code, r.stderr).toBe(0);
    const status = JSON.parse(r.stdout);
    expect(status.location).toBe(db);
    expect(status.projects).toEqual([
      expect.objectContaining({
        project: 'default',
        events: 2,
        users: 2,
        firstEvent: '2026-10-01T10:00:00.000000Z',
        days: 2,
      }),
    ]);
    expect(status.deadLetters).toEqual([{ path: path.join(dir, 'cli.dead-letter.ndjson'), rejected: 2 }]);
  });
});

describe('sightline sql', () => {
  it('answers a read-only query as JSON and CSV', async () => {
    const json = await runCli([
      'sql',
      'SELECT user_id, os FROM events ORDER BY user_id',
      '--db',
      db,
      '--json',
    ]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      { user_id: 'u1', os: 'iOS' },
      { user_id: 'u2', os: 'Android' },
    ]);
    const csv = await runCli(['sql', 'SELECT user_id, os FROM events ORDER BY user_id', '--db', db, '--csv']);
    expect(csv.stdout).toBe('user_id,os\nu1,iOS\nu2,Android\n');
  });

  it.each([
    ['DELETE FROM events', 'SL_SQL_READ_ONLY'],
    ['CREATE TABLE x AS SELECT 1', 'SL_SQL_READ_ONLY'],
    [`SELECT * FROM read_csv('/etc/passwd')`, 'SL_SQL_READ_ONLY'],
    [`COPY events TO '/tmp/x.csv'`, 'SL_SQL_READ_ONLY'],
    [`ATTACH '/tmp/other.duckdb' AS other`, 'SL_SQL_READ_ONLY'],
    ['SELECT * FROM no_such_table', 'SL_SQL_ERROR'],
  ])('refuses %s with %s', async (sql, code) => {
    const r = await runCli(['sql', sql, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^error ${code}: `));
  });
});

describe('field mapping from sightline.yaml', () => {
  it('maps an arbitrary layout onto the event model', async () => {
    const config = path.join(dir, 'mapped.yaml');
    writeFileSync(
      config,
      'project: shop\ningest:\n  mapping:\n    user_id: who.id\n    event: what\n    timestamp: when\n    os: who.device.os\n',
    );
    const record = {
      who: { id: 7, device: { os: 'iOS' } },
      what: 'purchase',
      when: '2026-10-05T08:00:00Z',
      amount: 12.5,
    };
    const mappedDb = path.join(dir, 'mapped.duckdb');
    const r = await runCli(['ingest', '-', '--config', config, '--db', mappedDb, '--json'], {
      input: JSON.stringify(record),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ read: 1, accepted: 1 });
    const rows = await runCli([
      'sql',
      'SELECT project_id, user_id, event, ts, os, properties::VARCHAR AS p FROM events',
      '--db',
      mappedDb,
      '--json',
    ]);
    const [row] = JSON.parse(rows.stdout);
    expect(row).toMatchObject({
      project_id: 'shop',
      user_id: '7',
      event: 'purchase',
      ts: '2026-10-05T08:00:00.000000Z',
      os: 'iOS',
    });
    expect(JSON.parse(row.p)).toEqual({ amount: 12.5 });
  });

  it('stops with SL_CONFIG_INVALID and a suggestion for a misspelt key', async () => {
    const config = path.join(dir, 'bad.yaml');
    writeFileSync(config, 'ingest:\n  mapping:\n    user_id: uid\n  dead_leter: x\n');
    const r = await runCli(['ingest', '-', '--config', config, '--db', db], { input: ndjson });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error SL_CONFIG_INVALID: .*unknown key "ingest\.dead_leter"/);
  });
});
