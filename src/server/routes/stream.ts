/**
 * `GET /api/v1/events/stream`: server-sent events that tell an open dashboard its project has new data
 * (`event: data`, `{"version", "accepted"}`), so it refetches instead of polling. A comment line every
 * 15 s keeps proxies from closing an idle stream.
 */

import type { FastifyInstance } from 'fastify';
import type { RoutePlugin } from '../context.ts';

const HEARTBEAT_MS = 15_000;

export const streamRoutes: RoutePlugin = (app: FastifyInstance, context) => {
  const open = new Set<() => void>();
  // Open streams never go idle, so the server would wait for them on close; end them first.
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });
  app.get(
    '/events/stream',
    {
      // EventSource cannot set headers, so this route alone also takes the key as ?key= (see auth.ts).
      config: { keyInQuery: true },
      schema: {
        summary: 'Live updates: an `event: data` each time new data lands in the project',
        tags: ['live'],
        querystring: { type: 'object', properties: { key: { type: 'string' } } },
      },
    },
    (request, reply) => {
      const { projectId } = request.principal;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // nginx buffers responses by default, which would hold events back.
        'x-accel-buffering': 'no',
      });
      res.write(
        `retry: 3000\nevent: hello\ndata: ${JSON.stringify({ version: context.dataVersion(projectId) })}\n\n`,
      );
      const unsubscribe = context.onDataChange(projectId, (change) => {
        res.write(
          `event: data\ndata: ${JSON.stringify({ version: change.version, accepted: change.accepted })}\n\n`,
        );
      });
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
      const end = (): void => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(end);
        if (!res.writableEnded) res.end();
      };
      open.add(end);
      request.raw.on('close', end);
      res.on('close', end);
    },
  );
};
