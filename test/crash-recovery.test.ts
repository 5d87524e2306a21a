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

/** Lines in the dead-letter file so far (0 before it exists). */
function deadLetterLines(): number {
  try {
    return readFileSync(deadLetter, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

/**
 * Runs the ingest and kills it with SIGKILL once the dead-letter file holds `lines` lines. Rejects are
 * written (and fsynced) batch by batch just before each batch commits, so the file's growth shows the
 * run is under way, whatever the machine's speed: the kill lands mid-run, not before the run is recorded
 * or after it completed. Resolves with the signal (null when the run ended first).
 */
function killAtDeadLetters(lines: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [BIN, 'ingest', file, '--db', db, '--dead-letter', deadLetter, '--batch-rows', '15000'],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
    const poll = setInterval(() => {
      if (deadLetterLines() >= lines) child.kill('SIGKILL');
    }, 5);
    child.on('close', (_code, signal) => {
      clearInterval(poll);
      resolve(signal);
    });
  });
}

describe('crash safety', () => {
  it('SIGKILL at any moment, then the same command again: every valid record stored once, every reject dead-lettered once', async () => {
    // Kill twice mid-run: after about a sixth of the rejects, then in the resumed run after half.
    const signals = [await killAtDeadLetters(45), await killAtDeadLetters(150)];
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
      expect(runs.map((r) => r.status)).toEqual([
        ...signals.map((s) => (s === 'SIGKILL' ? 'interrupted' : 'completed')),
        'completed',
      ]);
    } finally {
      await warehouse.close();
    }
    const dead = readFileSync(deadLetter, 'utf8').trim().split('\n');
    expect(dead).toHaveLength(expected.rejects);
    expect(new Set(dead.map((l) => JSON.parse(l).line)).size).toBe(expected.rejects);
  }, 120_000);
});
