/**
 * The HTTP app: public health and docs, Prometheus metrics for admins, the API under `/api/v1` behind
 * keys and a per-key rate limit, the PostHog and Segment compatibility routes at the root (their SDKs
 * post there), and the web app's static files with `index.html` for the app's own paths.
 */

import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { addAuthHook, requireRole } from './auth.ts';
import type { RoutePlugin } from './context.ts';
import { handleError, sendNotFound } from './errors.ts';
import { addRateLimit } from './limits.ts';
import { addOpenApi } from './openapi.ts';
import { RequestMetrics } from './prometheus.ts';
import { anomalyRoutes } from './routes/anomalies.ts';
import { captureRoutes } from './routes/capture.ts';
import { docsRoutes } from './routes/docs.ts';
import { experimentRoutes } from './routes/experiments.ts';
import { forecastRoutes } from './routes/forecasts.ts';
import { healthRoutes, PACKAGE_ROOT, VERSION } from './routes/health.ts';
import { imageRoutes } from './routes/images.ts';
import { insightRoutes } from './routes/insights.ts';
import { jobRoutes } from './routes/jobs.ts';
import { keyRoutes } from './routes/keys.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { posthogRoutes } from './routes/posthog.ts';
import { savedRoutes } from './routes/saved.ts';
import { segmentRoutes } from './routes/segment.ts';
import { silenceRoutes } from './routes/silences.ts';
import { sqlRoutes } from './routes/sql.ts';
import { streamRoutes } from './routes/stream.ts';
import type { BuiltContext } from './server-context.ts';
import { replyScope } from './server-context.ts';

/** The API's route files, registered under /api/v1 behind keys. */
const API_ROUTES: readonly RoutePlugin[] = [
  keyRoutes,
  streamRoutes,
  captureRoutes,
  insightRoutes,
  experimentRoutes,
  forecastRoutes,
  anomalyRoutes,
  metricsRoutes,
  sqlRoutes,
  savedRoutes,
  jobRoutes,
  silenceRoutes,
];

/** Routes at the server's root that authenticate by their own project key (SDK compatibility), or by
 * an unguessable id in the URL (hosted report images, which Slack fetches without a key). */
const ROOT_ROUTES: readonly RoutePlugin[] = [posthogRoutes, segmentRoutes, imageRoutes];

export interface ServerOptions {
  /** Largest request body in bytes (default 10 MB); larger ones get 413 `SL_BODY_TOO_LARGE`. */
  bodyLimitBytes?: number;
  /** Requests per key and minute (default 600); more get 429 `SL_RATE_LIMITED` with Retry-After. */
  rateLimitPerMinute?: number;
  /** The built web app (default `web/dist` of the package); null serves no static files. */
  staticDir?: string | null;
  /** Fastify's logger option (default off: the CLI prints its own lines). */
  logger?: FastifyServerOptions['logger'];
  /** Extra API routes, for tests that need a route the product does not have (a deliberately slow query). */
  extraRoutes?: readonly RoutePlugin[];
}

export const DEFAULT_STATIC_DIR = path.join(PACKAGE_ROOT, 'web/dist');

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sightline</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto">
<h1>Sightline</h1>
<p>The API is running, but the dashboard is not built. Build it with <code>npm run build:web</code>
(<code>npm ci</code> does this too) and reload.</p>
<p>The API reference is at <a href="/api/docs">/api/docs</a>.</p>
</body></html>
`;

/** Builds the app around a context (see server-context.ts); `startServer` listens on it. */
export async function buildApp(built: BuiltContext, options: ServerOptions = {}): Promise<FastifyInstance> {
  const { context } = built;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimitBytes ?? 10 * 1024 * 1024,
    // Dashboards open several requests at once; fastify's defaults are fine otherwise.
    forceCloseConnections: true,
  });
  const metrics = new RequestMetrics();
  const routes: RouteInfo[] = [];
  registered.set(app, routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const isPublic = Boolean((route.config as { public?: boolean } | undefined)?.public);
    for (const method of methods) routes.push({ method, url: route.url, public: isPublic });
  });
  app.setErrorHandler(handleError);
  app.addHook('onResponse', async (request, reply) => {
    metrics.observe(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });

  await addOpenApi(app, VERSION);
  await app.register(docsRoutes);
  healthRoutes(app, context);
  for (const plugin of ROOT_ROUTES) await app.register(async (scope) => plugin(scope, context));

  // Everything below needs a key: the API and the metrics.
  await app.register(async (secured) => {
    addAuthHook(secured, context.warehouse);
    await addRateLimit(secured, options.rateLimitPerMinute ?? 600);
    // Admin only: the figures are the whole server's (every project's traffic and volumes), which no
    // single project's viewer should see; Prometheus sends a key with `authorization: { credentials }`.
    secured.get(
      '/metrics',
      { schema: { summary: 'Prometheus metrics (admin key)', tags: ['server'] } },
      async (request, reply) => {
        requireRole(request, 'admin');
        return reply.type('text/plain; version=0.0.4; charset=utf-8').send(
          metrics.render({
            cacheHits: built.cache.hits,
            cacheMisses: built.cache.misses,
            cacheEntries: built.cache.size,
            cacheBytes: built.cache.approximateBytes,
            eventsCaptured: built.data.acceptedTotal,
            streamSubscribers: built.data.subscribers,
          }),
        );
      },
    );
    await secured.register(
      async (api) => {
        // Each handler runs inside a scope holding its reply, so context.run can set the cache header.
        api.addHook('onRoute', (route) => {
          const handler = route.handler;
          route.handler = function (request, reply) {
            return replyScope.run({ reply }, () => handler.call(this, request, reply));
          };
        });
        for (const plugin of [...API_ROUTES, ...(options.extraRoutes ?? [])]) {
          await api.register(async (scope) => plugin(scope, context));
        }
      },
      { prefix: '/api/v1' },
    );
  });

  const staticDir = options.staticDir === undefined ? DEFAULT_STATIC_DIR : options.staticDir;
  const hasStatic = staticDir !== null && existsSync(path.join(staticDir, 'index.html'));
  if (hasStatic) {
    await app.register(fastifyStatic, { root: staticDir, wildcard: false, index: 'index.html' });
  } else {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html').send(NOT_BUILT_PAGE),
    );
  }
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? '';
    const isApi = pathname.startsWith('/api/') || pathname === '/api' || pathname === '/metrics';
    if (request.method === 'GET' && !isApi) {
      // The web app routes in the browser: its paths are answered with index.html.
      return hasStatic ? reply.sendFile('index.html') : reply.type('text/html').send(NOT_BUILT_PAGE);
    }
    return sendNotFound(request, reply);
  });
  return app;
}

export interface RouteInfo {
  method: string;
  url: string;
  public: boolean;
}

const registered = new WeakMap<FastifyInstance, RouteInfo[]>();

/** Every route of an app built by `buildApp` (the isolation test walks them, so new routes are covered). */
export function routesOf(app: FastifyInstance): readonly RouteInfo[] {
  return registered.get(app) ?? [];
}
