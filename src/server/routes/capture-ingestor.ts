/**
 * The one RecordIngestor of a server, shared by the capture, PostHog and Segment routes so that all their
 * requests are group-committed together (the warehouse takes one write transaction at a time) and their
 * rejects go to the server's one dead-letter file.
 */

import type { FastifyInstance } from 'fastify';
import type { FramedRecord } from '../../data/ingest/readers/types.ts';
import type { IngestorStats, RecordCounts } from '../../data/ingest/record-ingestor.ts';
import { RecordIngestor } from '../../data/ingest/record-ingestor.ts';
import type { ServerContext } from '../context.ts';

const ingestors = new WeakMap<ServerContext, Promise<RecordIngestor>>();
const closing = new WeakSet<ServerContext>();
const opened = new WeakMap<ServerContext, RecordIngestor>();
const parsing = new WeakMap<ServerContext, { ms: number }>();

/** The capture totals of a server: its ingestor's, and the time spent reading request bodies into records. */
export interface CaptureStats extends IngestorStats {
  /** Milliseconds spent gunzipping, parsing and framing bodies, summed over requests. */
  parseMs: number;
}

/**
 * Called by each capture plugin when it registers (hooks cannot be added once the server runs): the
 * context's ingestor is closed with the server, after the requests in flight are committed.
 */
export function closeIngestorWith(app: FastifyInstance, context: ServerContext): void {
  if (closing.has(context)) return;
  closing.add(context);
  app.addHook('onClose', async () => {
    const ingestor = await ingestors.get(context)?.catch(() => null);
    ingestors.delete(context);
    await ingestor?.close();
  });
}

/** The context's ingestor, opened on first use (opening claims the dead-letter file). */
function ingestorFor(context: ServerContext): Promise<RecordIngestor> {
  let ingestor = ingestors.get(context);
  if (!ingestor) {
    ingestor = RecordIngestor.open({
      store: context.events,
      deadLetterPath: context.deadLetterPath,
      limits: context.project.limits,
      ...(context.project.mapping ? { mapping: context.project.mapping } : {}),
      inputs: 'api',
    });
    ingestors.set(context, ingestor);
    ingestor.then(
      (ready) => opened.set(context, ready),
      () => undefined,
    );
    // A failed open is not kept: the next request tries again (and answers with the error).
    ingestor.catch(() => ingestors.delete(context));
  }
  return ingestor;
}

/**
 * The running totals of the server's capture (calls, commits and the time each took), or null before the
 * first capture: what `npm run bench:server` reads to split a request's latency into its phases.
 */
export function captureStats(context: ServerContext): CaptureStats | null {
  const ingestor = opened.get(context);
  return ingestor ? { ...ingestor.stats(), parseMs: parsing.get(context)?.ms ?? 0 } : null;
}

/** Adds the time one request took to read its body into records (see CaptureStats.parseMs). */
export function countParsing(context: ServerContext, ms: number): void {
  const totals = parsing.get(context);
  if (totals) totals.ms += ms;
  else parsing.set(context, { ms });
}

/**
 * Ingests one request's records into the caller's project and tells open dashboards when any were
 * accepted; `source` names the request in the dead-letter file (`POST /api/v1/capture`, ...).
 */
export async function captureRecords(
  context: ServerContext,
  projectId: string,
  records: readonly FramedRecord[],
  source: string,
): Promise<RecordCounts> {
  const ingestor = await ingestorFor(context);
  const counts = await ingestor.ingest(projectId, records, source);
  if (counts.accepted > 0) context.dataChanged(projectId, counts.accepted);
  return counts;
}
