/**
 * What keeps one caller from taking the server: a request budget per key, and a time limit per query
 * that cancels the database work rather than only the response. (The body size limit is fastify's
 * `bodyLimit`, answered as 413 `SL_BODY_TOO_LARGE` by the error handler.)
 */

import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Warehouse } from '../data/warehouse/warehouse.ts';
import { SightlineError } from '../errors/index.ts';

/**
 * Capture gets this many times the query budget, counted apart: one key sends every client's events (as
 * a PostHog project key does), so at the query budget of 600 a minute capture would stop at 1,000 events
 * a second in batches of 100, below what one server ingests.
 */
export const CAPTURE_BUDGET_FACTOR = 50;

function isCapture(request: FastifyRequest): boolean {
  return request.routeOptions.url?.endsWith('/capture') === true;
}

/**
 * Limits requests per key and minute in `app`'s scope. It runs after the auth hook (route hooks follow
 * the scope's), so the budget is the key's wherever it is used from; a request without a principal (a
 * public route) is counted by address. Capture has a budget of its own (`CAPTURE_BUDGET_FACTOR`), so a
 * busy ingestion does not lock a key out of its dashboards.
 */
export async function addRateLimit(app: FastifyInstance, perMinute: number): Promise<void> {
  await app.register(rateLimit, {
    max: (request) => (isCapture(request) ? perMinute * CAPTURE_BUDGET_FACTOR : perMinute),
    timeWindow: 60_000,
    hook: 'onRequest',
    keyGenerator: (request: FastifyRequest) =>
      `${request.principal?.keyId ?? `ip:${request.ip}`}${isCapture(request) ? ':capture' : ''}`,
    errorResponseBuilder: (_request, context) =>
      new SightlineError(
        'SL_RATE_LIMITED',
        `this key sent more than ${context.max} requests in a minute; retry in ${context.after}`,
        { details: { limit: context.max, retryAfterSeconds: Math.ceil(context.ttl / 1000) } },
      ),
  });
}

/**
 * Runs `compute` with at most `timeoutMs` of the database's time. On expiry every query `compute` has
 * running is interrupted in the engine (so the connection is free again at once), later ones fail at
 * once, and `SL_QUERY_TIMEOUT` is thrown without waiting for JavaScript still working on the result.
 */
export async function withTimeLimit<T>(
  warehouse: Warehouse,
  timeoutMs: number,
  compute: () => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timeout = new SightlineError(
    'SL_QUERY_TIMEOUT',
    `the query ran longer than the server's limit of ${timeoutMs / 1000} s and was cancelled`,
  );
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(timeout);
      reject(timeout);
    }, timeoutMs);
  });
  const work = warehouse.interruptible ? warehouse.interruptible(controller.signal, compute) : compute();
  // The loser of the race must not surface as an unhandled rejection.
  work.catch(() => undefined);
  expired.catch(() => undefined);
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
