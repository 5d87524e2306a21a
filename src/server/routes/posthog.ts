/**
 * PostHog's capture endpoints, mounted at the server's root so that PostHog SDKs work with `host` set to
 * this server, unchanged:
 *
 * - `POST /batch/` is what posthog-node 5 sends (read in `@posthog/core`'s `sendBatch`): a body
 *   `{"api_key", "batch": [{"event", "distinct_id", "properties", "timestamp", "uuid"}], "sent_at"}`,
 *   gzip-compressed with `Content-Encoding: gzip` unless compression is disabled; any 2xx is success.
 * - `POST /e/`, `/capture/`, `/i/v0/e/`, `/track/` take what posthog-js and the other SDKs send there:
 *   one event, an array of events, or the same `{batch}` envelope; gzip by header or
 *   `?compression=gzip-js`; or a form body `data=<JSON or base64 JSON>` (older SDKs).
 *
 * The project key is PostHog's `api_key`/`token` in the body (else `properties.token` of the first event,
 * `?token=` / `?api_key=`, or a bearer token): a Sightline editor or admin key. Events land in the key's
 * project through the normaliser's PostHog layout: `distinct_id` is the user, `uuid` the event id (so a
 * resent batch is counted as duplicates), `$os`, `$geoip_*`, `$session_id`, `utm_*` are promoted and the
 * other properties, `$set` included, stay in `properties`. An event without a timestamp is given
 * `sent_at` (or now) minus its `offset` in milliseconds, as PostHog does; timestamps that are given are
 * stored as sent (PostHog's clock-skew correction by `sent_at` is not applied, so a resend keeps its time).
 * The answer is PostHog's `{"status": 1}`.
 */

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { frameValues } from '../../data/ingest/frame-records.ts';
import { SightlineError } from '../../errors/index.ts';
import type { RoutePlugin } from '../context.ts';
import { bodyBytes, eventsOf, mediaType, parseJsonBody, readBodiesAsBytes } from './capture-body.ts';
import { attachCaptureQueue, captureRecords } from './capture-ingestor.ts';
import { sdkPrincipal } from './capture-key.ts';

/** The paths PostHog SDKs post events to, each also without its trailing slash. */
export const POSTHOG_PATHS = ['/batch/', '/e/', '/capture/', '/i/v0/e/', '/track/'] as const;

export const posthogRoutes: RoutePlugin = (app, context) => {
  attachCaptureQueue(app, context);
  app.register(async (scope: FastifyInstance) => {
    readBodiesAsBytes(scope);
    const paths = POSTHOG_PATHS.flatMap((p) => [p, p.slice(0, -1)]);
    for (const url of paths) {
      scope.post(
        url,
        {
          // The SDKs cannot send a bearer token: the key is checked in the handler (capture-key.ts).
          config: { public: true },
          schema: {
            summary: 'PostHog capture (for PostHog SDKs)',
            description:
              'PostHog\'s capture API: {"api_key", "batch": [...]} or events; the key is a Sightline editor key.',
            tags: ['compatibility'],
          },
        },
        async (request) => {
          const body = postHogBody(request, await bodyBytes(request));
          const events = eventsOf(body);
          const principal = await sdkPrincipal(
            context,
            postHogKey(request, body, events),
            'api_key in the body (the SDK does this with the project API key)',
          );
          prepareEvents(events, body);
          await captureRecords(context, principal.projectId, frameValues(events), `POST ${url}`);
          return { status: 1 };
        },
      );
    }
  });
};

/** The JSON of a PostHog body: plain or gzipped JSON, or a form with `data` (JSON or base64 of it). */
function postHogBody(request: FastifyRequest, bytes: Buffer): unknown {
  if (mediaType(request) !== 'application/x-www-form-urlencoded') return parseJsonBody(bytes);
  const data = new URLSearchParams(bytes.toString('utf8')).get('data');
  if (data === null)
    throw new SightlineError('SL_BAD_REQUEST', 'a form body must carry the events in "data"');
  const text = /^\s*[[{]/.test(data) ? data : Buffer.from(data, 'base64').toString('utf8');
  return parseJsonBody(Buffer.from(text));
}

function postHogKey(request: FastifyRequest, body: unknown, events: unknown[]): string | null {
  const envelope = isObject(body) ? body : {};
  const query = (request.query ?? {}) as Record<string, unknown>;
  const first = isObject(events[0]) ? events[0] : {};
  const firstProperties = isObject(first.properties) ? first.properties : {};
  const bearer = /^Bearer\s+(.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
  for (const candidate of [
    envelope.api_key,
    envelope.token,
    first.api_key,
    first.token,
    firstProperties.token,
    query.token,
    query.api_key,
    bearer,
  ]) {
    if (typeof candidate === 'string' && candidate !== '') return candidate;
  }
  return null;
}

/**
 * Drops the project key from each event (posthog-js puts it in `properties.token`; stored, it would be
 * readable by every viewer of the project) and gives an event without a timestamp PostHog's: the time it
 * was sent, less its `offset` in milliseconds.
 */
function prepareEvents(events: unknown[], body: unknown): void {
  const sentAt = isObject(body) && typeof body.sent_at === 'string' ? Date.parse(body.sent_at) : Number.NaN;
  const base = Number.isFinite(sentAt) ? sentAt : Date.now();
  for (const event of events) {
    if (!isObject(event)) continue;
    delete event.api_key;
    delete event.token;
    if (isObject(event.properties)) delete event.properties.token;
    if (event.timestamp !== undefined) continue;
    const offset = typeof event.offset === 'number' && Number.isFinite(event.offset) ? event.offset : 0;
    event.timestamp = new Date(base - offset).toISOString();
    delete event.offset;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
