import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDBWarehouse } from '../src/data/warehouse/duckdb/duckdb-warehouse.ts';
import { MIGRATIONS, migrate } from '../src/data/warehouse/migrations/index.ts';
import { openWarehouse } from '../src/data/warehouse/open-warehouse.ts';

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sl-wh-'));
  dirs.push(dir);
  return path.join(dir, 'test.duckdb');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('DuckDB warehouse', () => {
  it('binds values instead of splicing them, and converts results to plain values', async () => {
    const w = await DuckDBWarehouse.open(':memory:');
    const rows = await w.query(
      `SELECT ?::VARCHAR AS s, ?::BIGINT AS big, 9007199254740993::BIGINT AS huge, TIMESTAMP '2026-01-02 03:04:05.123456' AS ts,
              DATE '2026-01-02' AS d, ?::TIMESTAMP AS bound_ts, [1, 2] AS list, {'a': 1} AS struct`,
      ["it's; DROP TABLE x", 42, new Date('2026-03-04T05:06:07.890Z')],
    );
    expect(rows).toEqual([
      {
        s: "it's; DROP TABLE x",
        big: 42,
        huge: '9007199254740993',
        ts: '2026-01-02T03:04:05.123456Z',
        d: '2026-01-02',
        bound_ts: '2026-03-04T05:06:07.890000Z',
        list: [1, 2],
        struct: { a: 1 },
      },
    ]);
    await w.close();
  });

  it('streams a large result in batches without losing rows', async () => {
    const w = await DuckDBWarehouse.open(':memory:');
    let total = 0;
    let sum = 0;
    let batches = 0;
    for await (const batch of w.stream<{ i: number }>('SELECT i FROM range(100000) t(i)', [], {
      batchRows: 10000,
    })) {
      batches++;
      total += batch.length;
      for (const r of batch) sum += r.i;
    }
    expect(total).toBe(100000);
    expect(sum).toBe((99999 * 100000) / 2);
    expect(batches).toBeGreaterThanOrEqual(10);
    await w.close();
  });

  it('appends rows in bulk into a subset of columns, applying defaults to the rest', async () => {
    const w = await DuckDBWarehouse.open(':memory:');
    await w.execute(
      `CREATE TABLE t (project_id VARCHAR DEFAULT 'default', a INTEGER, b VARCHAR, c TIMESTAMP)`,
    );
    const n = await w.append(
      't',
      ['a', 'b', 'c'],
      [
        [1, 'x', new Date('2026-01-01T00:00:00Z')],
        [2, null, null],
      ],
    );
    expect(n).toBe(2);
    expect(await w.query('SELECT * FROM t ORDER BY a')).toEqual([
      { project_id: 'default', a: 1, b: 'x', c: '2026-01-01T00:00:00.000000Z' },
      { project_id: 'default', a: 2, b: null, c: null },
    ]);
    await w.close();
  });

  it('rolls a failed transaction back completely', async () => {
    const w = await DuckDBWarehouse.open(':memory:');
    await w.execute('CREATE TABLE t (a INTEGER)');
    await expect(
      w.transaction(async () => {
        await w.execute('INSERT INTO t VALUES (1)');
        await w.execute('INSERT INTO no_such_table VALUES (1)');
      }),
    ).rejects.toThrow(/no_such_table/);
    expect(await w.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }]);
    await w.close();
  });

  it('migrates once: a second run applies nothing and the schema has project_id everywhere', async () => {
    const file = tempDb();
    const w = await DuckDBWarehouse.open(file);
    const first = await migrate(w, MIGRATIONS);
    expect(first.applied).toEqual(MIGRATIONS.map((m) => m.version));
    const second = await migrate(w, MIGRATIONS);
    expect(second.applied).toEqual([]);
    for (const table of ['events', 'users', 'exposures', 'user_daily']) {
      const columns = (await w.describe(table)).map((c) => c.name);
      expect(columns[0]).toBe('project_id');
    }
    const tables = (await w.tables()).map((t) => `${t.schema}.${t.name}`);
    expect(tables).toEqual(
      expect.arrayContaining([
        'main.events',
        'main.users',
        'main.exposures',
        'main.user_daily',
        'meta.ingest_files',
      ]),
    );
    await w.close();
  });

  it('refuses a database migrated by a newer build', async () => {
    const file = tempDb();
    const w = await DuckDBWarehouse.open(file);
    await migrate(w, MIGRATIONS);
    await w.execute(`INSERT INTO meta.schema_migrations VALUES (999, 'future', 'x', now()::TIMESTAMP)`);
    await expect(migrate(w, MIGRATIONS)).rejects.toMatchObject({ code: 'SL_DB_NEWER_SCHEMA' });
    await w.close();
  });

  it('reports a missing directory with a code, not a raw engine message', async () => {
    await expect(openWarehouse({ path: '/no/such/dir/x.duckdb' })).rejects.toMatchObject({
      code: 'SL_DB_OPEN_FAILED',
    });
    await expect(
      openWarehouse({ path: path.join(path.dirname(tempDb()), 'absent.duckdb'), readOnly: true }),
    ).rejects.toMatchObject({
      code: 'SL_DB_OPEN_FAILED',
    });
  });
});
