import type { EventRow, RejectReason } from '../events/event.ts';
import type { EventStager, EventStore, ManifestUpdate } from '../warehouse/event-store.ts';
import type { DeadLetterWriter } from './dead-letter.ts';
import type { FileSummary, IngestSummary } from './ingest-summary.ts';
import type { FramedRecord } from './readers/types.ts';

interface RunContext {
  projectId: string;
  runId: number;
  receivedAtUs: number;
}

/**
 * Collects accepted rows and rejects, and commits them batch by batch. A batch's commit runs in the
 * database's threads while the caller goes on validating the next batch; the next `submit` waits for it,
 * so batches commit strictly in order and at most one is in flight.
 */
export class PipelinedCommitter {
  private inFlight: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private file: FileSummary | null = null;
  private summary: IngestSummary | null = null;
  private batchRejects = 0;
  /** Event ids staged in the current batch: a repeat is a duplicate the database need not see. */
  private batchIds = new Set<string>();
  private batchDuplicates = 0;

  constructor(
    private readonly store: EventStore,
    private readonly stager: EventStager,
    private readonly deadLetter: DeadLetterWriter,
    private readonly run: RunContext,
  ) {}

  get staged(): number {
    return this.stager.count;
  }

  get stagedBytes(): number {
    return this.stager.bytes;
  }

  startFile(file: FileSummary, summary: IngestSummary): void {
    this.file = file;
    this.summary = summary;
  }

  add(row: EventRow): void {
    if (this.batchIds.has(row.event_id)) {
      this.batchDuplicates++;
      return;
    }
    this.batchIds.add(row.event_id);
    this.stager.add(row);
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
    this.batchRejects++;
    this.file!.rejected++;
    this.summary!.rejected++;
    this.summary!.rejectedByReason[reason] = (this.summary!.rejectedByReason[reason] ?? 0) + 1;
  }

  /** Hands the current batch to the store; returns once the previous batch has committed. */
  async submit(manifest: ManifestUpdate | undefined): Promise<void> {
    await this.inFlight;
    this.throwIfFailed();
    const rows = await this.stager.flush();
    const mark = this.deadLetter.flush();
    const rejected = this.batchRejects;
    const knownDuplicates = this.batchDuplicates;
    this.batchRejects = 0;
    this.batchDuplicates = 0;
    this.batchIds = new Set();
    const file = this.file!;
    const summary = this.summary!;
    this.inFlight = this.store
      .commit({
        projectId: this.run.projectId,
        runId: this.run.runId,
        receivedAtUs: this.run.receivedAtUs,
        rows,
        knownDuplicates,
        ...(manifest ? { manifest: { ...manifest, rejected } } : {}),
        deadLetter: { path: this.deadLetter.path, committedBytes: mark.bytes, rejected: mark.written },
      })
      .then(
        (outcome) => {
          file.accepted += outcome.accepted;
          file.duplicates += outcome.duplicates;
          summary.accepted += outcome.accepted;
          summary.duplicates += outcome.duplicates;
        },
        (error: unknown) => {
          this.failure = error;
        },
      );
  }

  /** Waits for the batch in flight; throws if any commit failed. */
  async drain(): Promise<void> {
    await this.inFlight;
    this.throwIfFailed();
  }

  async dispose(): Promise<void> {
    await this.inFlight;
    await this.stager.dispose();
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.failure;
  }
}
