import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { cliDemo, runCli, tempDir } from '../helpers/cli.ts';
import { startTestServer, type TestServer, type TestServerOptions } from './helpers.ts';

/** The small seeded demo the analytics route tests share: about 2,000 users over 30 days. */
export const DEMO = { users: 2000, days: 30, end: '2026-10-31' } as const;

export interface AnalyticsFixture {
  server: TestServer;
  /** What `sightline … --json` printed for each named command, on the same data before serving it. */
  cli: Record<string, unknown>;
  /** A viewer and an editor key of the demo's project. */
  viewer: string;
  editor: string;
  dir: string;
  cleanup(): Promise<void>;
}

/**
 * Builds the demo through the real CLI, runs the given CLI commands with `--json` on it (the independent
 * path the API's answers are compared with), then serves a copy of the same database: the CLI cannot
 * open the file while the server holds it for writing.
 */
export async function analyticsFixture(
  commands: Record<string, string[]>,
  files: Record<string, string> = {},
  options: Omit<TestServerOptions, 'databasePath' | 'demo'> = {},
): Promise<AnalyticsFixture> {
  const { dir, cleanup } = tempDir('sl-api-analytics-');
  const { db } = await cliDemo(dir, DEMO);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const cli: Record<string, unknown> = {};
  await Promise.all(
    Object.entries(commands).map(async ([name, args]) => {
      const r = await runCli([...args.map((a) => a.replace('$DIR', dir)), '--db', db, '--json']);
      expect(r.stderr, `${name}: ${args.join(' ')}`).toBe('');
      cli[name] = JSON.parse(r.stdout);
    }),
  );
  const served = path.join(dir, 'served.duckdb');
  copyFileSync(db, served);
  const server = await startTestServer({ ...options, databasePath: served });
  return {
    server,
    cli,
    viewer: await server.key('default', 'viewer'),
    editor: await server.key('default', 'editor'),
    dir,
    cleanup: async () => {
      await server.close();
      cleanup();
    },
  };
}

/** A request to the API with a key; the parsed JSON body and the status. */
export async function api(
  server: TestServer,
  key: string,
  method: string,
  route: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: tests read the answers of many endpoints by path.
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}/api/v1${route}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

/**
 * The value with every fractional number rounded to 12 significant digits: DuckDB sums floating-point
 * aggregates (a mean of seconds) in parallel, so two runs of one query may differ in the last bits.
 * Counts and every other integer stay exact.
 */
export function rounded(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(12));
  if (Array.isArray(value)) return value.map(rounded);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}

/** The API's answer equals the CLI's, to the last digits parallel summation leaves undetermined. */
export function expectSameAnswer(actual: unknown, expected: unknown): void {
  expect(rounded(actual)).toEqual(rounded(expected));
}
