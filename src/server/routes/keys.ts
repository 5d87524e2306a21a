/**
 * `GET/POST/DELETE /api/v1/keys`: an admin manages the keys of its own project over the API (the CLI's
 * `sightline keys` cannot while the server holds the database).
 */

import { z } from 'zod';
import { SightlineError } from '../../errors/index.ts';
import { requireRole } from '../auth.ts';
import { ROLES, type RoutePlugin } from '../context.ts';
import { createKey, listKeys, revokeKey } from '../keys.ts';

const createBody = z.strictObject({
  role: z.enum(ROLES as [string, ...string[]]),
  name: z.string().min(1).max(200).optional(),
});

const keyInfo = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    projectId: { type: 'string' },
    role: { type: 'string', enum: [...ROLES] },
    name: { type: ['string', 'null'] },
    prefix: { type: 'string', description: 'the first characters of the key, to recognise it' },
    createdAt: { type: 'string' },
    lastUsedAt: { type: ['string', 'null'] },
    revokedAt: { type: ['string', 'null'] },
  },
} as const;

export const keyRoutes: RoutePlugin = (app, context) => {
  app.get(
    '/keys',
    {
      schema: {
        summary: "The project's keys (never the keys themselves)",
        tags: ['keys'],
        response: { 200: { type: 'object', properties: { keys: { type: 'array', items: keyInfo } } } },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      return { keys: await listKeys(context.warehouse, request.principal.projectId) };
    },
  );

  app.post(
    '/keys',
    {
      schema: {
        summary: 'Create a key for this project; the answer is the only time the key is shown',
        tags: ['keys'],
        body: z.toJSONSchema(createBody, { target: 'draft-7' }),
      },
    },
    async (request, reply) => {
      requireRole(request, 'admin');
      const body = createBody.parse(request.body);
      const created = await createKey(context.warehouse, {
        projectId: request.principal.projectId,
        role: body.role as (typeof ROLES)[number],
        name: body.name,
      });
      return reply.status(201).send({
        id: created.id,
        key: created.key,
        project: created.projectId,
        role: created.role,
        name: created.name,
      });
    },
  );

  app.delete(
    '/keys/:id',
    {
      schema: {
        summary: 'Revoke a key of this project',
        tags: ['keys'],
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      },
    },
    async (request) => {
      requireRole(request, 'admin');
      const { id } = request.params as { id: string };
      if (!/^[0-9a-f]{12}$/.test(id)) throw new SightlineError('SL_NOT_FOUND', `no key with id ${id}`);
      return revokeKey(context.warehouse, id, request.principal.projectId);
    },
  );
};
