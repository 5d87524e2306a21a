/**
 * `GET/POST /api/v1/silences`, `DELETE /api/v1/silences/:id`: silences of alert notifications for the
 * key's project (the CLI's `sightline silences` cannot write while the server holds the database).
 * Viewers list them; editors create and expire them.
 */
import { z } from 'zod';
import { parseDurationMs } from '../../analytics/anomalies/alert-rules.ts';
import {
  createSilence,
  expireSilence,
  listSilences,
  silenceJson,
  silenceMatchersSchema,
} from '../../automation/alerts/silences.ts';
import { closest, SightlineError } from '../../errors/index.ts';
import { requireRole } from '../auth.ts';
import type { RoutePlugin } from '../context.ts';

const createBody = z
  .strictObject({
    matchers: silenceMatchersSchema,
    /** ISO 8601; default now. */
    startsAt: z.iso.datetime({ offset: true }).optional(),
    /** ISO 8601, or give `duration`. */
    endsAt: z.iso.datetime({ offset: true }).optional(),
    /** `2h`, `30m`: from `startsAt`. */
    duration: z.string().optional(),
    comment: z.string().max(1000).optional(),
  })
  .refine((b) => (b.endsAt === undefined) !== (b.duration === undefined), {
    message: 'give endsAt or duration (one of them)',
  });

const silenceInfo = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    matchers: { type: 'object', additionalProperties: true },
    startsAt: { type: 'string' },
    endsAt: { type: 'string' },
    createdBy: { type: ['string', 'null'] },
    comment: { type: ['string', 'null'] },
  },
} as const;

export const silenceRoutes: RoutePlugin = (app, context) => {
  app.get(
    '/silences',
    {
      schema: {
        summary: "The project's silences, newest first (`?active=true`: those holding now)",
        tags: ['alerts'],
        querystring: { type: 'object', properties: { active: { type: 'boolean' } } },
        response: {
          200: { type: 'object', properties: { silences: { type: 'array', items: silenceInfo } } },
        },
      },
    },
    async (request) => {
      requireRole(request, 'viewer');
      const { active } = request.query as { active?: boolean };
      const list = await listSilences(
        context.warehouse,
        request.principal.projectId,
        active ? { activeAt: Date.now() } : {},
      );
      return { silences: list.map(silenceJson) };
    },
  );

  app.post(
    '/silences',
    {
      schema: {
        summary: 'Silence alerts that match a rule and/or group labels for a while',
        tags: ['alerts'],
        body: z.toJSONSchema(createBody, { target: 'draft-7' }),
      },
    },
    async (request, reply) => {
      requireRole(request, 'editor');
      const parsed = createBody.safeParse(request.body);
      if (!parsed.success)
        throw new SightlineError(
          'SL_SILENCE_INVALID',
          parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
        );
      const body = parsed.data;
      const rules = context.project.alerts;
      if (body.matchers.rule !== undefined && !rules.has(body.matchers.rule)) {
        const suggestion = closest(body.matchers.rule, [...rules.keys()]);
        throw new SightlineError(
          'SL_SILENCE_INVALID',
          `unknown alert rule "${body.matchers.rule}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
        );
      }
      const now = Date.now();
      const startsAt = body.startsAt === undefined ? now : Date.parse(body.startsAt);
      let endsAt: number;
      if (body.duration !== undefined) {
        const ms = parseDurationMs(body.duration);
        if (ms === undefined || ms <= 0)
          throw new SightlineError(
            'SL_SILENCE_INVALID',
            `duration "${body.duration}" is not a positive duration`,
          );
        endsAt = startsAt + ms;
      } else endsAt = Date.parse(body.endsAt!);
      const silence = await createSilence(
        context.warehouse,
        request.principal.projectId,
        {
          matchers: body.matchers,
          startsAt,
          endsAt,
          createdBy: `key ${request.principal.keyId}`,
          comment: body.comment ?? null,
        },
        now,
      );
      return reply.status(201).send(silenceJson(silence));
    },
  );

  app.delete(
    '/silences/:id',
    {
      schema: {
        summary: 'Expire a silence now (it stays in the list, ended)',
        tags: ['alerts'],
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      },
    },
    async (request) => {
      requireRole(request, 'editor');
      const { id } = request.params as { id: string };
      if (!/^[0-9a-f]{12}$/.test(id)) throw new SightlineError('SL_NOT_FOUND', `no silence with id ${id}`);
      return silenceJson(await expireSilence(context.warehouse, request.principal.projectId, id, Date.now()));
    },
  );
};
