import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli, tempDir } from '../helpers/cli.ts';

/**
 * `sightline serve` as a user runs it: it prints its URL, answers /healthz, holds the database so that
 * writing CLI commands stop with SL_DB_LOCKED and a hint, and exits cleanly on SIGTERM.
 */
const { dir, cleanup } = tempDir('sl-serve-');
const db = path.join(dir, 'serve.duckdb');
let child: ChildProcess | null = null;
afterAll(() => {
  child?.kill('SIGKILL');
  cleanup();
});

function serve(args: string[]): Promise<{ url: string; output: () => string }> {
  const proc = spawn(process.execPath, [BIN, 'serve', ...args], {
    cwd: ROOT,
    env: { ...process.env, SIGHTLINE_DB: '', SIGHTLINE_CONFIG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let out = '';
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d) => {
      out += d;
      const match = /at (http:\/\/\S+)\n/.exec(out);
      if (match) resolve({ url: match[1]!, output: () => out });
    });
    proc.stderr!.on('data', (d) => {
      out += d;
    });
    proc.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}

describe('sightline serve', () => {
  it('prints its URL, answers /healthz, locks out writing commands, and stops on SIGTERM', async () => {
    const { url, output } = await serve(['--port', '0', '--db', db]);
    expect(output()).toBe(`Sightline is serving ${db} at ${url}\n`);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', version: '0.1.0', database: db });

    for (const args of [
      ['keys', 'create', '--project', 'p', '--role', 'admin'],
      ['ingest', path.join(ROOT, 'package.json')],
      ['status'],
    ]) {
      const r = await runCli([...args, '--db', db]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^error SL_DB_LOCKED: the database .* is in use by another process/);
      expect(r.stderr).toContain(
        'go through its API (POST /api/v1/capture for events, /api/v1/keys for keys',
      );
    }

    const exited = new Promise<number | null>((resolve) => child!.on('exit', resolve));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = null;
    // The lock is released: the same command now works.
    const after = await runCli(['keys', 'create', '--project', 'p', '--role', 'admin', '--json', '--db', db]);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout).project).toBe('p');
  });

  it('killed right after answering captures, it loads each answered event exactly once when started again', async () => {
    const crashDb = path.join(dir, 'crash.duckdb');
    const created = await runCli([
      'keys',
      'create',
      '--project',
      'p',
      '--role',
      'editor',
      '--json',
      '--db',
      crashDb,
    ]);
    const { key } = JSON.parse(created.stdout) as { key: string };
    const send = (url: string, c: number) =>
      fetch(`${url}/api/v1/capture`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(
          Array.from({ length: 50 }, (_, i) => ({
            event_id: `k${c}-${i}`,
            user_id: `u${i % 9}`,
            event: 'view',
            timestamp: 1_790_000_000 + c * 50 + i,
          })),
        ),
      }).then((r) => r.json() as Promise<{ accepted: number; duplicates: number }>);

    const first = await serve(['--port', '0', '--db', crashDb]);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, c) => send(first.url, c)));
    expect(answers.map((a) => a.accepted)).toEqual(Array(20).fill(50));
    // No shutdown: whatever the loader had not committed is only in the capture log.
    const killed = new Promise((resolve) => child!.on('exit', resolve));
    child!.kill('SIGKILL');
    await killed;
    child = null;

    const second = await serve(['--port', '0', '--db', crashDb]);
    // Calls answered before the crash, sent again: duplicates, whether loaded yet or still in the log.
    const resent = await Promise.all([0, 7, 19].map((c) => send(second.url, c)));
    expect(resent).toEqual(Array(3).fill({ accepted: 0, rejected: 0, duplicates: 50, rejectedByReason: {} }));
    const stopped = new Promise<number | null>((resolve) => child!.on('exit', resolve));
    child!.kill('SIGTERM');
    expect(await stopped).toBe(0);
    child = null;
    const counted = await runCli([
      'sql',
      "SELECT count(*) AS events, count(DISTINCT event_id) AS ids FROM events WHERE project_id = 'p'",
      '--json',
      '--db',
      crashDb,
    ]);
    expect(counted.code).toBe(0);
    expect(JSON.parse(counted.stdout)).toEqual([{ events: 1000, ids: 1000 }]);
  });

  it('a bad port is a usage error', async () => {
    const r = await runCli(['serve', '--port', 'x', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error SL_USAGE: --port must be an integer of at least 0, got "x" (run the command with --help)\n',
    );
  });
});
