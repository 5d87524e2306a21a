import type { EventRow, RejectReason } from '../events/event.ts';
import type { BatchSegment, EventStager, EventStore, ManifestUpdate } from '../warehouse/event-store.ts';
import type { DeadLetterWriter } from './dead-letter.ts';
import type { FileSummary, IngestSummary } from './ingest-summary.ts';
import type { FramedRecord } from './readers/types.ts';

interface RunContext {
  projectId: string;
  runId: number;
  receivedAtUs: number;
}

/** One input's share of the batch being built. */
interface OpenSegment extends BatchSegment {
  file: FileSummary;
  /** The input's identity for the manifest; null for standard input. */
  identity: Omit<ManifestUpdate, 'recordsCommitted' | 'complete'> | null;
}

/**
 * Collects accepted rows and rejects, and commits them batch by batch. A batch may span several inputs
 * (one segment each), so many small files share a transaction. A batch's commit runs in the database's
 * threads while the caller goes on validating the next batch; the next `submit` waits for it, so batches
 * commit strictly in order and at most one is in flight.
 */
export class PipelinedCommitter {
  private inFlight: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private segments: OpenSegment[] = [];
  private current: OpenSegment | null = null;
  /** Event ids staged in the current batch: a repeat is a duplicate the database need not see. */
  private batchIds = new Set<string>();

  constructor(
    private readonly store: EventStore,
    private readonly stager: EventStager,
    private readonly deadLetter: DeadLetterWriter,
    private readonly summary: IngestSummary,
    private readonly run: RunContext,
  ) {}

  get staged(): number {
    return this.stager.count;
  }

  get stagedBytes(): number {
    return this.stager.bytes;
  }

  /** Starts the segment of a new input; `recordsCommitted` starts where an earlier run left off. */
  startFile(file: FileSummary, identity: OpenSegment['identity'], recordsCommitted: number): void {
    this.current = this.openSegment(file, identity, recordsCommitted);
  }

  /** Records that the current input was read to its end. */
  endFile(recordsRead: number): void {
    const segment = this.current!;
    if (segment.manifest) {
      segment.manifest.recordsCommitted = recordsRead;
      segment.manifest.complete = true;
    }
    this.current = null;
  }

  /** Notes how far into the current input the batch now reaches. */
  reached(recordsRead: number): void {
    if (this.current?.manifest) this.current.manifest.recordsCommitted = recordsRead;
  }

  add(row: EventRow): void {
    const segment = this.current!;
    if (this.batchIds.has(row.event_id)) {
      segment.knownDuplicates++;
      return;
    }
    this.batchIds.add(row.event_id);
    this.stager.add(row, this.segments.length - 1);
    segment.staged++;
  }

  reject(record: FramedRecord, file: string, reason: RejectReason, detail: string | undefined): void {
    const raw =
      'raw' in record && record.raw !== undefined
        ? record.raw
        : JSON.stringify((record as { value: unknown }).value);
    this.deadLetter.add({
      file,
      line: record.line,
      reason,
      ...(detail ? { detail } : {}),
      raw,
      ...('rawTruncated' in record && record.rawTruncated ? { rawTruncated: true, bytes: record.bytes } : {}),
      project: this.run.projectId,
      runId: this.run.runId,
      at: new Date().toISOString(),
    });
    const segment = this.current!;
    segment.rejected++;
    segment.file.rejected++;
    this.summary.rejected++;
    this.summary.rejectedByReason[reason] = (this.summary.rejectedByReason[reason] ?? 0) + 1;
  }

  /** Hands the current batch to the store; returns once the previous batch has committed. */
  async submit(): Promise<void> {
    await this.inFlight;
    this.throwIfFailed();
    const segments = this.segments;
    if (segments.length === 0) return;
    const rows = await this.stager.flush();
    const mark = this.deadLetter.flush();
    // A still-open input continues in a fresh segment of the next batch.
    const open = this.current;
    this.segments = [];
    this.batchIds = new Set();
    if (open) this.current = this.openSegment(open.file, open.identity, open.manifest?.recordsCommitted ?? 0);
    const summary = this.summary;
    this.inFlight = this.store
      .commit({
        projectId: this.run.projectId,
        runId: this.run.runId,
        receivedAtUs: this.run.receivedAtUs,
        rows,
        segments: segments.map(({ manifest, staged, knownDuplicates, rejected }) => ({
          ...(manifest ? { manifest: { ...manifest } } : {}),
          staged,
          knownDuplicates,
          rejected,
        })),
        deadLetter: { path: this.deadLetter.path, committedBytes: mark.bytes, rejected: mark.written },
      })
      .then(
        (outcome) => {
          for (const [i, { accepted, duplicates }] of outcome.segments.entries()) {
            const file = segments[i]!.file;
            file.accepted += accepted;
            file.duplicates += duplicates;
            summary.accepted += accepted;
            summary.duplicates += duplicates;
          }
        },
        (error: unknown) => {
          this.failure = error;
        },
      );
  }

  /** Commits what is left and waits for it; throws if any commit failed. */
  async finish(): Promise<void> {
    await this.submit();
    await this.inFlight;
    this.throwIfFailed();
  }

  /** Waits for the batch in flight without throwing (its failure, if any, was already recorded). */
  async settle(): Promise<void> {
    await this.inFlight;
  }

  async dispose(): Promise<void> {
    await this.settle();
    await this.stager.dispose();
  }

  private openSegment(
    file: FileSummary,
    identity: OpenSegment['identity'],
    recordsCommitted: number,
  ): OpenSegment {
    const segment: OpenSegment = {
      file,
      identity,
      ...(identity ? { manifest: { ...identity, recordsCommitted, complete: false } } : {}),
      staged: 0,
      knownDuplicates: 0,
      rejected: 0,
    };
    this.segments.push(segment);
    return segment;
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }
}
