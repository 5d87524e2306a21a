/**
 * Builds the `ServerContext` every route receives: the shared warehouse, data versions and their
 * notifications, and `run` (the query time limit and the result cache).
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import type { FastifyReply } from 'fastify';
import { Automations } from '../automation/automation.ts';
import { readEnvironment } from '../config/env.ts';
import type { ProjectFile } from '../config/project-file.ts';
import type { OpenedWarehouse } from '../data/warehouse/open-warehouse.ts';
import { type CacheOptions, type CacheOutcome, ResultCache } from './cache.ts';
import type { ServerContext } from './context.ts';
import { DataEvents } from './data-events.ts';
import { withTimeLimit } from './limits.ts';

export const CACHE_HEADER = 'x-sightline-cache';

/**
 * The reply of the request being handled, set around every API handler by app.ts, so `run` can say
 * whether the answer came from the cache without route authors passing the reply along.
 */
export const replyScope = new AsyncLocalStorage<{ reply: FastifyReply; outcome?: CacheOutcome }>();

export interface ServerContextOptions {
  databasePath: string;
  project: ProjectFile;
  deadLetterPath: string;
  /** The public address of the server, for links and hosted chart images in reports. */
  publicUrl?: string;
  /** The time limit of one `run` (default 30 s). */
  queryTimeoutMs?: number;
  cache?: CacheOptions;
}

export interface BuiltContext {
  context: ServerContext;
  cache: ResultCache;
  data: DataEvents;
}

export async function createServerContext(
  opened: OpenedWarehouse,
  options: ServerContextOptions,
): Promise<BuiltContext> {
  const { warehouse, events } = opened;
  const cache = new ResultCache(options.cache);
  const data = await DataEvents.load(warehouse);
  const timeoutMs = options.queryTimeoutMs ?? 30_000;
  const automations = new Automations(
    {
      warehouse,
      project: options.project,
      variables: readEnvironment().variables,
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    },
    {
      ingest: {
        events,
        deadLetterPath: options.deadLetterPath,
        baseDir: options.project.file ? path.dirname(options.project.file) : process.cwd(),
      },
      log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
    },
  );
  const context: ServerContext = {
    automations,
    warehouse,
    events,
    databasePath: options.databasePath,
    project: options.project,
    deadLetterPath: options.deadLetterPath,
    dataVersion: (projectId) => data.version(projectId),
    dataChanged: (projectId, accepted) => data.changed(projectId, accepted),
    onDataChange: (projectId, listener) => data.subscribe(projectId, listener),
    async run<T>(projectId: string, cacheKey: unknown, compute: () => Promise<T>): Promise<T> {
      const limited = () => withTimeLimit(warehouse, timeoutMs, compute);
      if (cacheKey === null || cacheKey === undefined) return limited();
      const key = ResultCache.key(projectId, data.version(projectId), cacheKey);
      const { value, outcome } = await cache.getOrCompute(key, limited);
      const scope = replyScope.getStore();
      if (scope && scope.outcome !== 'miss') {
        // A request that ran several queries is a hit only if every one was.
        scope.outcome = outcome;
        if (!scope.reply.sent) scope.reply.header(CACHE_HEADER, outcome);
      }
      return value;
    },
  };
  return { context, cache, data };
}
