import { afterEach, describe, expect, it } from 'vitest';
import { DuckDBWarehouse } from './duckdb-warehouse.ts';

const SLOW = 'SELECT count(*) AS n FROM range(20000000000) t(x) WHERE x % 7 = 3';

let open: DuckDBWarehouse[] = [];
afterEach(async () => {
  for (const w of open) await w.close();
  open = [];
});

async function memory(): Promise<DuckDBWarehouse> {
  const w = await DuckDBWarehouse.open(':memory:');
  open.push(w);
  await w.execute('CREATE TABLE t (x INTEGER)');
  return w;
}

describe('DuckDBWarehouse under concurrent callers', () => {
  it("a write by another caller is not undone by a transaction's rollback", async () => {
    const w = await memory();
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const tx = w
      .transaction(async () => {
        await w.execute('INSERT INTO t VALUES (1)');
        await held;
        throw new Error('roll back');
      })
      .catch((e: Error) => e.message);
    // Sent while the transaction is open: it waits for the writer's turn instead of joining it.
    const other = w.execute('INSERT INTO t VALUES (2)');
    release();
    expect(await tx).toBe('roll back');
    expect(await other).toBe(1);
    expect(await w.query('SELECT x FROM t ORDER BY x')).toEqual([{ x: 2 }]);
  });

  it('a reader does not see an open transaction and does not wait for it', async () => {
    const w = await memory();
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let seenInside: unknown;
    const tx = w.transaction(async () => {
      await w.execute('INSERT INTO t VALUES (1)');
      seenInside = await w.query('SELECT count(*) AS n FROM t');
      await held;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(await w.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }]);
    release();
    await tx;
    expect(seenInside).toEqual([{ n: 1 }]);
    expect(await w.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 1 }]);
    expect(w.connections).toBe(2);
  });

  it('interruptible cancels the running query with the signal reason and the warehouse stays usable', async () => {
    const w = await memory();
    const controller = new AbortController();
    const reason = new Error('time is up');
    const running = w.interruptible(controller.signal, () => w.query(SLOW)).catch((e: unknown) => e);
    setTimeout(() => controller.abort(reason), 100);
    expect(await running).toBe(reason);
    // A query started in the scope after the abort fails at once, without running.
    expect(
      await w.interruptible(controller.signal, () => w.query('SELECT 1 AS one')).catch((e: unknown) => e),
    ).toBe(reason);
    expect(await w.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('an abort in one scope leaves a concurrent query of another caller running to its end', async () => {
    const w = await memory();
    const controller = new AbortController();
    const cancelled = w.interruptible(controller.signal, () => w.query(SLOW)).catch((e: unknown) => e);
    const other = w.query('SELECT count(*) AS n FROM range(100000000) t(x) WHERE x % 7 = 3');
    setTimeout(() => controller.abort(new Error('stop')), 50);
    expect(await other).toEqual([{ n: 14285714 }]);
    expect(((await cancelled) as Error).message).toBe('stop');
  });
});
