/**
 * The browsable API reference at `/api/docs` and its document at `/api/docs/json`, both public: they
 * describe the API, not any project's data.
 */

import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

export async function docsRoutes(app: FastifyInstance): Promise<void> {
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true },
  });
}
