import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyticsFixture, analyticsFixture, api } from './insights-fixture.ts';

/**
 * `POST /api/v1/sql`: the rows `sightline sql --json` prints on the demo's one-project database, a row
 * limit that says when it cut, and confinement to the key's project: a second project's rows are added to
 * the served copy, and neither key sees the other's rows or reaches a table outside its project's views.
 */
const BY_EVENT = 'SELECT event, count(*) AS n FROM events GROUP BY event ORDER BY n DESC, event';
const USERS = 'SELECT count(*) AS users, count(DISTINCT source) AS sources FROM users';
const OTHER_EVENTS = 500;

let f: AnalyticsFixture;
let other: string;
beforeAll(async () => {
  f = await analyticsFixture({ byEvent: ['sql', BY_EVENT], users: ['sql', USERS] });
  const w = f.server.context.warehouse;
  await w.execute(
    `INSERT INTO events SELECT * REPLACE ('other' AS project_id) FROM events ORDER BY event_id LIMIT ${OTHER_EVENTS}`,
  );
  await w.execute(
    `INSERT INTO users SELECT * REPLACE ('other' AS project_id) FROM users ORDER BY user_id LIMIT 7`,
  );
  other = await f.server.key('other', 'viewer');
}, 60_000);
afterAll(() => f?.cleanup());

describe('read-only SQL over HTTP', () => {
  it("answers with the CLI's rows, the project's only, though another project's rows share the tables", async () => {
    const r = await api(f.server, f.viewer, 'POST', '/sql', { query: BY_EVENT });
    expect(r.status).toBe(200);
    expect(r.body.rows).toEqual(f.cli['byEvent']);
    expect(r.body).toMatchObject({
      truncated: false,
      limit: 10_000,
      rowCount: (f.cli['byEvent'] as []).length,
    });
    const users = await api(f.server, f.viewer, 'POST', '/sql', { query: `${USERS};` });
    expect(users.body.rows).toEqual(f.cli['users']);
  });

  it("a key of another project sees that project's rows only", async () => {
    const r = await api(f.server, other, 'POST', '/sql', {
      query: 'SELECT count(*) AS n, min(project_id) AS lo, max(project_id) AS hi FROM events',
    });
    expect(r.body.rows).toEqual([{ n: OTHER_EVENTS, lo: 'other', hi: 'other' }]);
    const users = await api(f.server, other, 'POST', '/sql', {
      query:
        'SELECT count(*) AS n FROM users u JOIN events e USING (user_id) WHERE e.project_id <> ?::VARCHAR',
    });
    expect(users.status).toBe(400);
    const joined = await api(f.server, other, 'POST', '/sql', {
      query: "WITH e AS (SELECT * FROM events) SELECT count(*) AS n FROM e WHERE project_id <> 'other'",
    });
    expect(joined.body.rows).toEqual([{ n: 0 }]);
  });

  it('cuts at the limit and says so; the default limit is 10,000 rows', async () => {
    const small = await api(f.server, f.viewer, 'POST', '/sql', {
      query: 'SELECT range AS i FROM range(12) ORDER BY i',
      limit: 10,
    });
    expect(small.body.rows.map((r: { i: number }) => r.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(small.body).toMatchObject({ truncated: true, rowCount: 10, limit: 10 });
    const exact = await api(f.server, f.viewer, 'POST', '/sql', {
      query: 'SELECT * FROM range(10)',
      limit: 10,
    });
    expect(exact.body).toMatchObject({ truncated: false, rowCount: 10 });
    const big = await api(f.server, f.viewer, 'POST', '/sql', { query: 'SELECT * FROM range(10001)' });
    expect(big.body).toMatchObject({ truncated: true, rowCount: 10_000, limit: 10_000 });
  });

  const refused: [string, string][] = [
    ['SELECT count(*) FROM main.events', 'SL_SQL_READ_ONLY'],
    ['SELECT * FROM meta.api_keys', 'SL_SQL_READ_ONLY'],
    ['SELECT * FROM meta.schema_migrations', 'SL_SQL_READ_ONLY'],
    ["SELECT * FROM read_csv('/etc/passwd')", 'SL_SQL_READ_ONLY'],
    ["SELECT * FROM '/etc/passwd'", 'SL_SQL_READ_ONLY'],
    ["SELECT read_text('/etc/passwd')", 'SL_SQL_READ_ONLY'],
    ["SELECT * FROM query('SELECT * FROM main.events')", 'SL_SQL_READ_ONLY'],
    ["SELECT * FROM query_table('main.events')", 'SL_SQL_READ_ONLY'],
    ['SELECT * FROM duckdb_tables()', 'SL_SQL_READ_ONLY'],
    ['SELECT * FROM information_schema.tables', 'SL_SQL_READ_ONLY'],
    ['WITH schema_migrations AS (SELECT 1 AS x) SELECT * FROM schema_migrations', 'SL_SQL_READ_ONLY'],
    ["SELECT getvariable('x')", 'SL_SQL_READ_ONLY'],
    ["SELECT current_setting('threads')", 'SL_SQL_READ_ONLY'],
    ['DESCRIBE events', 'SL_SQL_READ_ONLY'],
    ['SHOW TABLES', 'SL_SQL_READ_ONLY'],
    ["INSERT INTO events (event_id) VALUES ('x')", 'SL_SQL_READ_ONLY'],
    ['DELETE FROM events', 'SL_SQL_READ_ONLY'],
    ['DROP TABLE events', 'SL_SQL_READ_ONLY'],
    ["ATTACH '/tmp/x.duckdb' AS x", 'SL_SQL_READ_ONLY'],
    ["COPY events TO '/tmp/x.csv'", 'SL_SQL_READ_ONLY'],
    ['SET threads = 1', 'SL_SQL_READ_ONLY'],
    ['PRAGMA database_list', 'SL_SQL_READ_ONLY'],
    ['SELECT 1; SELECT 2', 'SL_BAD_REQUEST'],
    ['SELEC 1', 'SL_SQL_ERROR'],
    ['SELECT no_such_column FROM events', 'SL_SQL_ERROR'],
  ];
  it.each(refused)('%s is refused with %s', async (query, code) => {
    const r = await api(f.server, f.viewer, 'POST', '/sql', { query });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe(code);
  });

  it('nothing was written by the refused statements', async () => {
    const r = await api(f.server, other, 'POST', '/sql', { query: 'SELECT count(*) AS n FROM events' });
    expect(r.body.rows).toEqual([{ n: OTHER_EVENTS }]);
  });
});
