/**
 * `startServer`: opens the warehouse for writing (migrating it), builds the context and the app, and
 * listens. The process holds the database's write lock until `close`.
 */

import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ProjectFile } from '../config/project-file.ts';
import { openWarehouse } from '../data/warehouse/open-warehouse.ts';
import { buildApp, type ServerOptions } from './app.ts';
import type { CacheOptions } from './cache.ts';
import type { ServerContext } from './context.ts';
import { settleKeyWrites } from './keys.ts';
import { createServerContext } from './server-context.ts';

export interface StartOptions extends ServerOptions {
  databasePath: string;
  project: ProjectFile;
  /** Default 127.0.0.1: the API holds a company's data, so listening on every interface is a choice. */
  host?: string;
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default: `x.dead-letter.ndjson` beside `x.duckdb`. */
  deadLetterPath?: string;
  /** DuckDB's memory limit (default: the engine's own, 80% of RAM). */
  memoryLimit?: string;
  queryTimeoutMs?: number;
  cache?: CacheOptions;
  /** Close on SIGINT/SIGTERM (the `serve` command); tests leave it off. */
  handleSignals?: boolean;
  /** Run the jobs' scheduler in the server (`serve`; default off, so tests start it when they mean to). */
  scheduler?: boolean;
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  context: ServerContext;
  close(): Promise<void>;
}

function deadLetterBeside(databasePath: string): string {
  const parsed = path.parse(databasePath);
  return path.join(parsed.dir, `${parsed.name}.dead-letter.ndjson`);
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const databasePath = path.resolve(options.databasePath);
  const opened = await openWarehouse({
    path: databasePath,
    ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
  });
  let app: FastifyInstance;
  let built: Awaited<ReturnType<typeof createServerContext>>;
  try {
    built = await createServerContext(opened, {
      databasePath,
      project: options.project,
      deadLetterPath: options.deadLetterPath ?? options.project.deadLetter ?? deadLetterBeside(databasePath),
      ...(options.queryTimeoutMs !== undefined ? { queryTimeoutMs: options.queryTimeoutMs } : {}),
      ...(options.cache ? { cache: options.cache } : {}),
    });
    app = await buildApp(built, options);
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 3000 });
    if (options.scheduler) await built.context.automations.start();
  } catch (error) {
    await opened.warehouse.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | null = null;
  const onSignal = (): void => {
    void close().then(() => process.exit(0));
  };
  const close = (): Promise<void> => {
    closing ??= (async () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // Requests in flight finish (their ingestion commits) before the database closes; running job
      // attempts are aborted and resume on the next start.
      await built.context.automations.stop();
      await app.close();
      await settleKeyWrites(opened.warehouse);
      await opened.warehouse.close();
    })();
    return closing;
  };
  if (options.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  return { url, app, context: built.context, close };
}
