/**
 * Request bodies of the capture endpoints, read as bytes: they may be gzip-compressed (which fastify's
 * JSON parser does not undo), NDJSON, or JSON, and the framing into records must be that of the file
 * readers so a bad line costs only that line.
 */

import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { frameNdjson, frameValues } from '../../data/ingest/frame-records.ts';
import type { FramedRecord } from '../../data/ingest/readers/types.ts';
import { SightlineError } from '../../errors/index.ts';

const gunzipAsync = promisify(gunzip);

/**
 * How large a compressed body may expand: 64 MiB (about 200,000 events), or the body limit when that is
 * larger. JSON events compress about tenfold, a zip bomb a thousandfold; the cap bounds the memory one
 * request can take.
 */
const MAX_EXPANDED_BYTES = 64 * 1024 * 1024;

/**
 * Makes every body of the routes in `scope` (an encapsulated plugin) arrive as a Buffer, whatever its
 * content type, so compression and framing are decided here and not by fastify's JSON parser.
 */
export function readBodiesAsBytes(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
}

/**
 * The body's bytes, gunzipped when `Content-Encoding: gzip` says so, when PostHog's browser SDK says so
 * in the query (`?compression=gzip-js`), or when the bytes start with gzip's magic number (some clients
 * compress without saying). An empty body is an empty buffer.
 */
export async function bodyBytes(request: FastifyRequest): Promise<Buffer> {
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const encoding = String(request.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const query = request.query as Record<string, unknown> | undefined;
  const gzipped =
    encoding === 'gzip' ||
    encoding === 'x-gzip' ||
    query?.compression === 'gzip-js' ||
    query?.compression === 'gzip' ||
    (body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b);
  if (!gzipped) {
    if (encoding !== '' && encoding !== 'identity') {
      throw new SightlineError('SL_UNSUPPORTED_MEDIA_TYPE', `unsupported Content-Encoding "${encoding}"`, {
        hint: 'send the body uncompressed or with Content-Encoding: gzip',
      });
    }
    return body;
  }
  const limit = Math.max(request.routeOptions.bodyLimit ?? 0, MAX_EXPANDED_BYTES);
  try {
    return await gunzipAsync(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new SightlineError('SL_BODY_TOO_LARGE', `the body expands to more than ${limit} bytes`, {
        hint: 'split the data into smaller batches',
      });
    }
    throw new SightlineError('SL_BAD_REQUEST', 'the body is declared gzip but is not a valid gzip stream', {
      hint: 'compress the whole body with gzip, or drop the Content-Encoding header',
    });
  }
}

/** The JSON value of a body, or SL_BAD_JSON (a 400) naming the parser's complaint. */
export function parseJsonBody(bytes: Buffer): unknown {
  if (bytes.length === 0) throw new SightlineError('SL_BAD_JSON', 'the body is empty');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new SightlineError('SL_BAD_JSON', `the body is not valid JSON: ${(error as Error).message}`);
  }
}

const NDJSON_TYPES = new Set([
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonlines',
  'application/jsonlines',
]);
const JSON_TYPES = new Set(['', 'application/json', 'text/plain', 'text/json']);

/** The media type of a request, without parameters, lower-cased ('' when absent). */
export function mediaType(request: FastifyRequest): string {
  return String(request.headers['content-type'] ?? '')
    .split(';', 1)[0]!
    .trim()
    .toLowerCase();
}

/**
 * The records of a `POST /api/v1/capture` body: NDJSON by its content type (one record per line), else a
 * JSON array of events, `{"batch": [...]}` (Segment's and PostHog's envelope), or one event object.
 */
export function captureRecordsOf(request: FastifyRequest, bytes: Buffer): FramedRecord[] {
  const type = mediaType(request);
  if (NDJSON_TYPES.has(type)) return frameNdjson(bytes);
  if (!JSON_TYPES.has(type)) {
    throw new SightlineError('SL_UNSUPPORTED_MEDIA_TYPE', `cannot read a capture body of type "${type}"`, {
      hint: 'send Content-Type: application/json (an array of events or {"batch": [...]}) or application/x-ndjson',
    });
  }
  return frameValues(eventsOf(parseJsonBody(bytes)));
}

/** The events of a parsed JSON body: the array itself, the `batch` array of an envelope, or one event. */
export function eventsOf(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (body !== null && typeof body === 'object') {
    const batch = (body as Record<string, unknown>).batch;
    if (batch === undefined) return [body];
    if (Array.isArray(batch)) return batch;
    throw new SightlineError('SL_BAD_REQUEST', `"batch" must be an array of events, not ${describe(batch)}`);
  }
  throw new SightlineError(
    'SL_BAD_REQUEST',
    `the body must be an array of events, {"batch": [...]}, an event object or NDJSON, not ${describe(body)}`,
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
