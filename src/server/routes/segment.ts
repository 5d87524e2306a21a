/**
 * Segment's HTTP tracking API, so Segment's SDKs and their `host` setting work against this server:
 * `POST /v1/batch` (what @segment/analytics-node 3 sends: `{"batch": [...], "writeKey", "sentAt"}`, the
 * write key also as the Basic-auth user name with an empty password) and the single-call endpoints
 * `/v1/track`, `/v1/identify`, `/v1/page`, `/v1/screen`, `/v1/group`, `/v1/alias` (one message, its type
 * given by the path when it has none). The write key is a Sightline editor or admin key.
 *
 * Messages land through the normaliser's Segment layout: `userId` (else `anonymousId`) is the user,
 * `messageId` the event id (a resent batch counts as duplicates), `context.os.name`, `context.campaign`,
 * `context.location` and friends are promoted. Calls without an event name get PostHog's names for the
 * same thing, so dashboards fed by either SDK agree: `page` → `$pageview` (its `name` stays in the
 * properties), `screen` → `$screen`, `identify` → `$identify` (traits `gender` and `age` update the user's
 * row in `users`; the other traits stay in the event's `traits` property), `group` → `$groupidentify`,
 * `alias` → `$create_alias`. A batch's top-level `context` applies to the messages that have none. A
 * message without `timestamp` or `originalTimestamp` is given the time it arrived, as Segment does.
 * The answer is Segment's `{"success": true}`.
 */

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { frameValues } from '../../data/ingest/frame-records.ts';
import { SightlineError } from '../../errors/index.ts';
import type { RoutePlugin } from '../context.ts';
import { bodyBytes, parseJsonBody, readBodiesAsBytes } from './capture-body.ts';
import { attachCaptureQueue, captureRecords } from './capture-ingestor.ts';
import { sdkPrincipal } from './capture-key.ts';

/** The single-call endpoints, by the message type they imply. */
export const SEGMENT_CALLS = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;

export const segmentRoutes: RoutePlugin = (app, context) => {
  attachCaptureQueue(app, context);
  app.register(async (scope: FastifyInstance) => {
    readBodiesAsBytes(scope);
    const endpoints: [string, string | null][] = [
      ['/v1/batch', null],
      ['/v1/import', null],
      ...SEGMENT_CALLS.map((call): [string, string] => [`/v1/${call}`, call]),
    ];
    for (const [url, call] of endpoints) {
      scope.post(
        url,
        {
          // The SDKs cannot send a bearer token: the key is checked in the handler (capture-key.ts).
          config: { public: true },
          schema: {
            summary: `Segment ${call ?? 'batch'} (for Segment SDKs)`,
            description:
              "Segment's HTTP tracking API; the write key (Basic-auth user name) is a Sightline editor key.",
            tags: ['compatibility'],
          },
        },
        async (request) => {
          const body = parseJsonBody(await bodyBytes(request));
          if (body === null || typeof body !== 'object' || Array.isArray(body)) {
            throw new SightlineError('SL_BAD_REQUEST', 'a Segment body must be a JSON object');
          }
          const envelope = body as Record<string, unknown>;
          const principal = await sdkPrincipal(
            context,
            writeKey(request, envelope),
            'the Basic-auth user name (the write key) or "writeKey" in the body',
          );
          const messages = call === null ? batchOf(envelope) : [envelope];
          prepareMessages(messages, call, envelope);
          await captureRecords(context, principal.projectId, frameValues(messages), `POST ${url}`);
          return { success: true };
        },
      );
    }
  });
};

function writeKey(request: FastifyRequest, body: Record<string, unknown>): string | null {
  const basic = /^Basic\s+(.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const user = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
    if (user !== '') return user;
  }
  return typeof body.writeKey === 'string' && body.writeKey !== '' ? body.writeKey : null;
}

function batchOf(envelope: Record<string, unknown>): unknown[] {
  const batch = envelope.batch;
  if (!Array.isArray(batch)) {
    throw new SightlineError('SL_BAD_REQUEST', '"batch" must be an array of messages');
  }
  return batch;
}

/**
 * Gives each message its type (from the path), the batch's context when it has none, and a timestamp
 * when it has none; removes the write key so it is never stored.
 */
function prepareMessages(messages: unknown[], call: string | null, envelope: Record<string, unknown>): void {
  const now = new Date().toISOString();
  const sharedContext = call === null && isObject(envelope.context) ? envelope.context : null;
  for (const message of messages) {
    if (!isObject(message)) continue;
    delete message.writeKey;
    if (call !== null && message.type === undefined) message.type = call;
    if (sharedContext && message.context === undefined) message.context = sharedContext;
    if (message.timestamp === undefined && message.originalTimestamp === undefined) message.timestamp = now;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
