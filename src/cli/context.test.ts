import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDBWarehouse } from '../data/warehouse/duckdb/duckdb-warehouse.ts';
import { type Access, commandContext, openForCommand } from './context.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sightline-context-'));
const db = path.join(dir, 'w.duckdb');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** DuckDB's memory limit as it reports it ('61.0 MiB' for 64MB), as the command's open sets it. */
async function limit(access: Access, env: string | undefined): Promise<string> {
  const saved = process.env['SIGHTLINE_MEMORY_LIMIT'];
  if (env === undefined) delete process.env['SIGHTLINE_MEMORY_LIMIT'];
  else process.env['SIGHTLINE_MEMORY_LIMIT'] = env;
  try {
    const { warehouse } = await openForCommand(commandContext({ db }), access);
    try {
      const [row] = await warehouse.query<{ value: string }>(
        "SELECT current_setting('memory_limit') AS value",
      );
      return row!.value;
    } finally {
      await warehouse.close();
    }
  } finally {
    if (saved === undefined) delete process.env['SIGHTLINE_MEMORY_LIMIT'];
    else process.env['SIGHTLINE_MEMORY_LIMIT'] = saved;
  }
}

describe('openForCommand memory limits', () => {
  it('bulk loads run under 64 MB; reads and other writes get the engine default', async () => {
    // The reference: the limit of a DuckDB opened with no setting at all.
    const plain = await DuckDBWarehouse.open(':memory:');
    const [engine] = await plain.query<{ value: string }>("SELECT current_setting('memory_limit') AS value");
    await plain.close();
    expect(engine!.value).not.toBe('61.0 MiB');
    // 'write' first: it creates and migrates the database that a read-only open needs.
    expect(await limit('write', undefined)).toBe(engine!.value);
    expect(await limit('read', undefined)).toBe(engine!.value);
    expect(await limit('load', undefined)).toBe('61.0 MiB');
  });

  it('SIGHTLINE_MEMORY_LIMIT sets the limit of every open', async () => {
    for (const access of ['load', 'write', 'read'] as const) {
      expect(await limit(access, '256MB')).toBe('244.1 MiB');
    }
  });
});
