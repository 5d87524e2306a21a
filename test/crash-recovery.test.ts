import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../src/data/warehouse/open-warehouse.ts';
import { BIN, ROOT, runCli, tempDir } from './helpers/cli.ts';

const LINES = 300_000;
const { dir, cleanup } = tempDir('sl-crash-');
const db = path.join(dir, 'crash.duckdb');
const deadLetter = path.join(dir, 'dead.ndjson');
let file: string;
let expected: { valid: number; rejects: number; duplicates: number };

/** Every 1000th line is broken and every 500th repeats an earlier event: the answer is known exactly. */
beforeAll(() => {
  const parts: string[] = [];
  let valid = 0;
  let rejects = 0;
  let duplicates = 0;
  for (let i = 0; i < LINES; i++) {
    if (i % 1000 === 999) {
      parts.push(`{"event_id":"broken-${i}",`);
      rejects++;
    } else if (i % 500 === 499) {
      parts.push(
        JSON.stringify({
          event_id: `e${i - 300}`,
          user_id: `u${(i - 300) % 997}`,
          event: 'view',
          ts: 1790000000 + i - 300,
        }),
      );
      duplicates++;
    } else {
      parts.push(
        JSON.stringify({
          event_id: `e${i}`,
          user_id: `u${i % 997}`,
          event: 'view',
          ts: 1790000000 + i,
          os: 'iOS',
        }),
      );
      valid++;
    }
  }
  file = path.join(dir, 'events.ndjson');
  writeFileSync(file, parts.join('\n') + '\n');
  expected = { valid, rejects, duplicates };
});
afterAll(cleanup);

function killAfter(ms: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [BIN, 'ingest', file, '--db', db, '--dead-letter', deadLetter, '--batch-rows', '15000'],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal);
    });
  });
}

describe('crash safety', () => {
  it('SIGKILL at any moment, then the same command again: every valid record stored once, every reject dead-lettered once', async () => {
    // Kill twice at different points (the second kill may land in the resumed run), then finish.
    const signals = [await killAfter(2500), await killAfter(1800)];
    expect(signals).toContain('SIGKILL');
    const final = await runCli([
      'ingest',
      file,
      '--db',
      db,
      '--dead-letter',
      deadLetter,
      '--batch-rows',
      '15000',
      '--json',
    ]);
    expect(final.code, final.stderr).toBe(0);
    const summary = JSON.parse(final.stdout);
    expect(summary.read).toBe(summary.accepted + summary.rejected + summary.duplicates);

    const { warehouse } = await openWarehouse({ path: db, readOnly: true });
    try {
      const [counts] = await warehouse.query<{ n: number; ids: number }>(
        'SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM events',
      );
      expect(counts).toEqual({ n: expected.valid, ids: expected.valid });
      const [rollup] = await warehouse.query<{ n: number }>(
        'SELECT sum(events)::BIGINT AS n FROM user_daily',
      );
      expect(rollup!.n).toBe(expected.valid);
      const [users] = await warehouse.query<{ n: number }>('SELECT sum(events)::BIGINT AS n FROM users');
      expect(users!.n).toBe(expected.valid);
      const [manifest] = await warehouse.query('SELECT complete, records_committed FROM meta.ingest_files');
      expect(manifest).toEqual({ complete: true, records_committed: LINES });
      const runs = await warehouse.query<{ status: string }>(
        'SELECT status FROM meta.ingest_runs ORDER BY run_id',
      );
      // Each killed run is recorded as interrupted, unless the kill landed before the run was recorded
      // at all (a slow start on a loaded machine), which leaves no row; at least one kill must have
      // interrupted a load, or this test checked nothing.
      const statuses = runs.map((r) => r.status);
      const kills = signals.filter((s) => s === 'SIGKILL').length;
      const interrupted = statuses.filter((s) => s === 'interrupted').length;
      expect(statuses.at(-1)).toBe('completed');
      expect(statuses.slice(0, -1).filter((s) => s === 'completed')).toHaveLength(signals.length - kills);
      expect(interrupted).toBeGreaterThanOrEqual(1);
      expect(interrupted).toBeLessThanOrEqual(kills);
    } finally {
      await warehouse.close();
    }
    const dead = readFileSync(deadLetter, 'utf8').trim().split('\n');
    expect(dead).toHaveLength(expected.rejects);
    expect(new Set(dead.map((l) => JSON.parse(l).line)).size).toBe(expected.rejects);
  }, 120_000);
});
