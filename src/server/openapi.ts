/**
 * The OpenAPI document: @fastify/swagger collects every route's schema as it is registered, so it must be
 * registered before the routes. Routes give their bodies' JSON schema (from zod with `z.toJSONSchema`)
 * where cheap; the document then says what each endpoint takes.
 */

import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

export async function addOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Sightline API',
        version,
        description:
          'Product analytics over HTTP. Every route under /api/v1 needs `Authorization: Bearer KEY`; a key sees its own project only. Errors are `{ "error": { "code", "message", "hint" } }` with the codes of docs/errors.md.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'a key from `sightline keys create`' },
        },
      },
      security: [{ bearer: [] }],
    },
  });
}
