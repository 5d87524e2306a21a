import { type SpawnOptions, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GroundTruth } from '../../src/demo/generate.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin/sightline.mjs');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process, the way a user does. */
export function runCli(
  args: string[],
  options: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const spawnOptions: SpawnOptions = {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, SIGHTLINE_DB: '', SIGHTLINE_CONFIG: '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    };
    const child = spawn(process.execPath, [BIN, ...args], spawnOptions);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => {
      stdout += d;
    });
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin!.end(options.input ?? '');
  });
}

/** A fresh temporary directory; call the returned cleanup in afterEach/afterAll. */
export function tempDir(prefix = 'sl-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Builds a seeded demo warehouse through `sightline demo`, as a user would, into `dir` (`demo.duckdb`,
 * logs under `logs/`), and returns the database path and the demo's ground truth.
 */
export async function cliDemo(
  dir: string,
  options: { users: number; days: number; end: string },
): Promise<{ db: string; truth: GroundTruth }> {
  const db = path.join(dir, 'demo.duckdb');
  const out = path.join(dir, 'logs');
  const r = await runCli([
    'demo',
    '--users',
    String(options.users),
    '--days',
    String(options.days),
    '--end',
    options.end,
    '--out',
    out,
    '--db',
    db,
    '--json',
  ]);
  if (r.code !== 0) throw new Error(`demo failed: ${r.stderr}`);
  const truth = JSON.parse(readFileSync(path.join(out, 'ground-truth.json'), 'utf8')) as GroundTruth;
  return { db, truth };
}
