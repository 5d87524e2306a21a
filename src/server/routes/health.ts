/** `GET /healthz`: public liveness for load balancers and `serve`'s own test; it touches the database. */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';

/** The package's root folder (where package.json and web/dist are). */
export const PACKAGE_ROOT = path.resolve(import.meta.dirname, '../../..');

export const VERSION: string = (
  JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

export function healthRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        summary: 'Liveness',
        tags: ['server'],
        security: [],
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['ok'] },
              version: { type: 'string' },
              database: { type: 'string' },
            },
          },
        },
      },
    },
    async () => {
      // A query, so a server whose database went away does not answer "ok".
      await context.warehouse.query('SELECT 1');
      return { status: 'ok', version: VERSION, database: context.databasePath };
    },
  );
}
