/**
 * `POST /capture`: events into the caller's project with the accounting of `sightline ingest`. The body
 * is a JSON array of events, `{"batch": [...]}`, one event object, or NDJSON
 * (`Content-Type: application/x-ndjson`), optionally gzip-compressed (`Content-Encoding: gzip`); every
 * layout `sightline ingest` reads (flat, Segment, PostHog) is accepted. The answer comes after the commit.
 */

import type { FastifyInstance } from 'fastify';
import { REJECT_REASONS } from '../../data/events/event.ts';
import { requireRole } from '../auth.ts';
import type { RoutePlugin } from '../context.ts';
import { bodyBytes, captureRecordsOf, readBodiesAsBytes } from './capture-body.ts';
import { attachCaptureQueue, captureRecords, countParsing } from './capture-ingestor.ts';

const countsSchema = {
  type: 'object',
  required: ['accepted', 'rejected', 'duplicates', 'rejectedByReason'],
  properties: {
    accepted: { type: 'integer', description: 'new events stored' },
    rejected: { type: 'integer', description: 'records written to the dead-letter file with a reason' },
    duplicates: {
      type: 'integer',
      description: 'events whose id the project already had (or repeated in the body)',
    },
    rejectedByReason: {
      type: 'object',
      properties: Object.fromEntries(
        Object.entries(REJECT_REASONS).map(([reason, description]) => [
          reason,
          { type: 'integer', description },
        ]),
      ),
    },
  },
} as const;

export const captureRoutes: RoutePlugin = (app, context) => {
  attachCaptureQueue(app, context);
  // An encapsulated scope: its raw-bytes body parser must not reach the other routes' JSON bodies.
  app.register(async (scope: FastifyInstance) => {
    readBodiesAsBytes(scope);
    scope.post(
      '/capture',
      {
        schema: {
          summary: 'Send events',
          description:
            'A JSON array of events, {"batch": [...]}, one event, or NDJSON (Content-Type: application/x-ndjson); ' +
            'Content-Encoding: gzip accepted. Flat, Segment and PostHog layouts, validated, de-duplicated and ' +
            'accounted as by `sightline ingest`; rejected records go to the dead-letter file. Needs an editor key.',
          tags: ['capture'],
          response: { 200: countsSchema },
        },
      },
      async (request) => {
        requireRole(request, 'editor');
        const started = performance.now();
        const records = captureRecordsOf(request, await bodyBytes(request));
        countParsing(context, performance.now() - started);
        return captureRecords(context, request.principal.projectId, records, 'POST /api/v1/capture');
      },
    );
  });
};
