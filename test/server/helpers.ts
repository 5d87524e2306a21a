import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadProjectFile } from '../../src/config/project-file.ts';
import { openWarehouse } from '../../src/data/warehouse/open-warehouse.ts';
import { loadDemo } from '../../src/demo/load-demo.ts';
import type { CacheOptions } from '../../src/server/cache.ts';
import type { Role, RoutePlugin, ServerContext } from '../../src/server/context.ts';
import { createKey } from '../../src/server/keys.ts';
import { captureSettled } from '../../src/server/routes/capture-ingestor.ts';
import { startServer } from '../../src/server/server.ts';
import { ROOT } from '../helpers/cli.ts';

export interface TestDemo {
  users: number;
  days: number;
  seed: number;
  endDate: string;
  /** Projects the demo is loaded into, each a full copy (default: ['default']). */
  projects?: string[];
}

export interface TestServerOptions {
  /** An existing database to serve (used as is); default: a fresh file in a temporary folder. */
  databasePath?: string;
  /** Build a seeded demo into the database first (built once per test file and options, then copied). */
  demo?: TestDemo;
  rateLimitPerMinute?: number;
  bodyLimitBytes?: number;
  queryTimeoutMs?: number;
  cache?: CacheOptions;
  /** Extra API routes under /api/v1 (for example a deliberately slow query). */
  extraRoutes?: RoutePlugin[];
}

export interface TestServer {
  url: string;
  /** A new key of `projectId` with `role`, created through the real key store. */
  key(projectId: string, role: Role): Promise<string>;
  context: ServerContext;
  app: FastifyInstance;
  databasePath: string;
  /** Resolves once every capture answered so far is in the warehouse (capture answers before it loads). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** Demo databases built in this test file, by options: each server gets a copy. */
const templates = new Map<string, Promise<string>>();
const dirs: string[] = [];
process.on('exit', () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempFolder(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function buildDemo(demo: TestDemo): Promise<string> {
  const dir = tempFolder('sl-server-demo-');
  const databasePath = path.join(dir, 'demo.duckdb');
  const { warehouse, events } = await openWarehouse({ path: databasePath });
  try {
    for (const projectId of demo.projects ?? ['default']) {
      const result = await loadDemo({
        users: demo.users,
        days: demo.days,
        seed: demo.seed,
        endDate: demo.endDate,
        outDir: path.join(dir, 'logs'),
        store: events,
        projectId,
        deadLetterPath: path.join(dir, 'demo.dead-letter.ndjson'),
      });
      if (result.mismatches.length > 0) throw new Error(`demo accounting: ${result.mismatches.join('; ')}`);
    }
  } finally {
    await warehouse.close();
  }
  return databasePath;
}

/** Starts the real server on 127.0.0.1 and a free port, as `sightline serve` does. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  let databasePath = options.databasePath;
  if (!databasePath) {
    const dir = tempFolder('sl-server-');
    databasePath = path.join(dir, 'server.duckdb');
    if (options.demo) {
      const id = JSON.stringify(options.demo);
      let template = templates.get(id);
      if (!template) {
        template = buildDemo(options.demo);
        templates.set(id, template);
      }
      copyFileSync(await template, databasePath);
    }
  }
  const server = await startServer({
    databasePath,
    // The repository's sightline.yaml, which the CLI tests also read (they run in the root), so the API and
    // `sightline … --json` answer from the same metrics, cohorts and experiments.
    project: loadProjectFile(undefined, ROOT),
    host: '127.0.0.1',
    port: 0,
    staticDir: null,
    ...(options.rateLimitPerMinute !== undefined ? { rateLimitPerMinute: options.rateLimitPerMinute } : {}),
    ...(options.bodyLimitBytes !== undefined ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
    ...(options.queryTimeoutMs !== undefined ? { queryTimeoutMs: options.queryTimeoutMs } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.extraRoutes ? { extraRoutes: options.extraRoutes } : {}),
  });
  return {
    url: server.url,
    context: server.context,
    app: server.app,
    databasePath,
    key: async (projectId, role) =>
      (await createKey(server.context.warehouse, { projectId, role, name: 'test' })).key,
    settled: () => captureSettled(server.context),
    close: server.close,
  };
}

/** A parsed JSON answer: what `JSON.parse` returns, which tests index freely and check with `expect`. */
export type Json = ReturnType<typeof JSON.parse>;

/** One API call over real HTTP with an optional bearer key and JSON body; the answer parsed. */
export async function call(
  url: string,
  method: string,
  route: string,
  key: string | null,
  body?: unknown,
): Promise<{ status: number; json: Json; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (key !== null) headers['authorization'] = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${route}`, {
    method,
    headers,
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let json: Json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { text };
  }
  return { status: response.status, json, headers: response.headers };
}
