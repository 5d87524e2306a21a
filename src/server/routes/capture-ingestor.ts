/**
 * The one CaptureQueue of a server, shared by the capture, PostHog and Segment routes so that their
 * calls share one stored-event check at a time, one capture log and one loader (the warehouse takes one
 * write transaction at a time), and their rejects go to the server's one dead-letter file. The log lives
 * beside the database (`<database>.capture/`).
 */

import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { CaptureQueue, type CaptureQueueStats } from '../../data/ingest/capture-queue.ts';
import type { FramedRecord } from '../../data/ingest/readers/types.ts';
import type { RecordCounts } from '../../data/ingest/record-ingestor.ts';
import type { ServerContext } from '../context.ts';

const queues = new WeakMap<ServerContext, Promise<CaptureQueue>>();
const closing = new WeakSet<ServerContext>();
const opened = new WeakMap<ServerContext, CaptureQueue>();
const parsing = new WeakMap<ServerContext, { ms: number }>();

/** The capture totals of a server: its queue's, and the time spent reading request bodies into records. */
export interface CaptureStats extends CaptureQueueStats {
  /** Milliseconds spent gunzipping, parsing and framing bodies, summed over requests. */
  parseMs: number;
}

/**
 * Called by each capture plugin when it registers (hooks cannot be added once the server runs). When
 * the server starts, the context's queue is opened at once if an earlier process left a capture log
 * (so what it answered and did not load is loaded now, not at the next capture); it is closed with the
 * server, after the requests in flight are answered and what they logged is loaded.
 */
export function attachCaptureQueue(app: FastifyInstance, context: ServerContext): void {
  if (closing.has(context)) return;
  closing.add(context);
  app.addHook('onReady', async () => {
    if (existsSync(logDirOf(context))) await queueFor(context);
  });
  app.addHook('onClose', async () => {
    const queue = await queues.get(context)?.catch(() => null);
    queues.delete(context);
    await queue?.close();
  });
}

function logDirOf(context: ServerContext): string {
  return `${context.databasePath}.capture`;
}

/**
 * The context's queue, opened on first use (opening claims the dead-letter file and loads what a
 * crashed server logged and did not load).
 */
function queueFor(context: ServerContext): Promise<CaptureQueue> {
  let queue = queues.get(context);
  if (!queue) {
    queue = CaptureQueue.open({
      store: context.events,
      deadLetterPath: context.deadLetterPath,
      logDir: logDirOf(context),
      limits: context.project.limits,
      ...(context.project.mapping ? { mapping: context.project.mapping } : {}),
      inputs: 'api',
      // Dashboards are told when events are in the warehouse, not when they were answered.
      onLoaded: (projectId, accepted) => context.dataChanged(projectId, accepted),
    });
    queues.set(context, queue);
    queue.then(
      (ready) => opened.set(context, ready),
      () => undefined,
    );
    // A failed open is not kept: the next request tries again (and answers with the error).
    queue.catch(() => queues.delete(context));
  }
  return queue;
}

/** Resolves once every capture answered so far is in the warehouse (at once if nothing was captured). */
export async function captureSettled(context: ServerContext): Promise<void> {
  await (await queues.get(context)?.catch(() => null))?.settled();
}

/**
 * The running totals of the server's capture (calls, commits and the time each took), or null before the
 * first capture: what `npm run bench:server` reads to split a request's latency into its phases.
 */
export function captureStats(context: ServerContext): CaptureStats | null {
  const queue = opened.get(context);
  return queue ? { ...queue.stats(), parseMs: parsing.get(context)?.ms ?? 0 } : null;
}

/** Adds the time one request took to read its body into records (see CaptureStats.parseMs). */
export function countParsing(context: ServerContext, ms: number): void {
  const totals = parsing.get(context);
  if (totals) totals.ms += ms;
  else parsing.set(context, { ms });
}

/**
 * Captures one request's records into the caller's project and answers with their counts once the
 * accepted ones are logged; `source` names the request in the dead-letter file (`POST
 * /api/v1/capture`, ...). Open dashboards are told when the events are loaded.
 */
export async function captureRecords(
  context: ServerContext,
  projectId: string,
  records: readonly FramedRecord[],
  source: string,
): Promise<RecordCounts> {
  const queue = await queueFor(context);
  return queue.capture(projectId, records, source);
}
