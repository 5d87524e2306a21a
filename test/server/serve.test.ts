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

  it('a bad port is a usage error', async () => {
    const r = await runCli(['serve', '--port', 'x', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error SL_USAGE: --port must be an integer of at least 0, got "x" (run the command with --help)\n',
    );
  });
});
