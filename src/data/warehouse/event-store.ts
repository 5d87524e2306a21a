import type { EventRow } from '../events/event.ts';

/** Progress of one input file, written in the same transaction as the batch that reached it. */
export interface ManifestUpdate {
  path: string;
  size: number;
  mtimeMs: number;
  headSha256: string;
  format: string;
  /** Records of the file (by ordinal) covered once this batch commits. */
  recordsCommitted: number;
  complete: boolean;
}

/** What the manifest knows a file by. */
export type FileIdentityKey = Pick<ManifestUpdate, 'path' | 'size' | 'mtimeMs' | 'headSha256'>;

/** What earlier runs committed of a file. */
export interface FileProgress {
  recordsCommitted: number;
  complete: boolean;
  accepted: number;
  rejected: number;
  duplicates: number;
}

/** The dead-letter file's length once this batch's rejects are in it. */
export interface DeadLetterMark {
  path: string;
  committedBytes: number;
  rejected: number;
}

/**
 * How far a capture log (see `src/data/ingest/capture-log.ts`) is loaded once this batch commits: the
 * bytes of its segment file up to the end of the batch's last entry. Recorded in the batch's transaction,
 * so a restart replays exactly the entries whose events did not commit.
 */
export interface CaptureLogMark {
  segment: string;
  loadedBytes: number;
}

/**
 * The part of a batch that came from one input. A batch spans inputs, so that many small files do not
 * each pay a transaction; staged rows carry their segment's index.
 */
export interface BatchSegment {
  /** Absent for standard input, which has no manifest. */
  manifest?: ManifestUpdate;
  /** Rows staged from this input. */
  staged: number;
  /** Records dropped before staging because their id repeated one earlier in the batch. */
  knownDuplicates: number;
  rejected: number;
}

/**
 * A batch of validated events on its way into the warehouse. Staged rows have distinct event ids but may
 * hold ids stored earlier; the store keeps the new ones and counts the rest as duplicates.
 */
export interface EventBatch {
  projectId: string;
  runId: number;
  receivedAtUs: number;
  rows: StagedRows;
  segments: BatchSegment[];
  deadLetter?: DeadLetterMark;
  /**
   * When a staged row duplicates a stored one: `id` (the default) when the project has its event id;
   * `id-and-time` when it has the id at the same timestamp. A resent record always repeats its
   * timestamp, and the timestamp lets the engine skip every stored block outside the batch's time range
   * (the anti-join by id alone reads the whole event_id column: 520 ms a batch on the 18M-event demo,
   * 9 ms with the timestamp), which is what lets small batches of live capture commit fast. PostHog
   * de-duplicates the same way (its key includes the event's day).
   */
  duplicates?: 'id' | 'id-and-time';
  /** The capture log's progress once the batch commits: the last mark of each segment it loads from. */
  captureLog?: CaptureLogMark[];
}

/** Accepted and duplicate counts, per segment of the batch. */
export interface BatchOutcome {
  segments: { accepted: number; duplicates: number }[];
}

/** Rows already serialised by the engine's stager, with their count. */
export interface StagedRows {
  count: number;
  /** Engine-specific payload (for DuckDB: the path of a CSV file of the rows). */
  payload: string;
  /** Bytes of the longest staged row, so the reader's buffers fit it and no more. */
  longestRow: number;
}

/** Serialises events for an engine's bulk path. `add` is called once per row on the hot path. */
export interface EventStager {
  /** Stages a row of the batch's segment `segment`. */
  add(row: EventRow, segment: number): void;
  readonly count: number;
  readonly bytes: number;
  /** Finishes the current batch (writing it out) and starts an empty one. */
  flush(): Promise<StagedRows>;
  dispose(): Promise<void>;
}

export interface IngestRunRecord {
  runId: number;
  status: 'running' | 'completed' | 'failed' | 'interrupted';
  files: number;
  read: number;
  accepted: number;
  rejected: number;
  duplicates: number;
}

/** Ingestion's view of the warehouse: what an engine must provide to load events with exactly-once semantics. */
export interface EventStore {
  createStager(): EventStager;
  /** Stores a batch, its rollups and its manifest progress in one transaction. */
  commit(batch: EventBatch): Promise<BatchOutcome>;
  ensureProject(projectId: string): Promise<void>;
  startRun(projectId: string, inputs: string, deadLetter: string): Promise<number>;
  finishRun(run: IngestRunRecord): Promise<void>;
  /** The committed progress of a file, if an earlier run saw exactly this file. */
  fileProgress(projectId: string, identity: FileIdentityKey): Promise<FileProgress | null>;
  /**
   * Bytes of a dead-letter file that belong to committed batches. The first time a file is seen, its
   * current length is recorded as committed (it may hold a user's earlier content we must never cut).
   */
  claimDeadLetter(path: string, currentBytes: number): Promise<number>;
  /**
   * Which of these events the project already stores, as `eventKey`s (the id at the same timestamp):
   * live capture's duplicate check, a read that runs beside the commits.
   */
  storedEvents(
    projectId: string,
    events: readonly Pick<EventRow, 'event_id' | 'ts_us'>[],
  ): Promise<Set<string>>;
  /** The latest timestamp the project stores, in microseconds, or null when it stores no event. */
  latestEventTime(projectId: string): Promise<number | null>;
  /** The loaded bytes of each capture log segment under `prefix` (a directory), by segment path. */
  captureLogProgress(prefix: string): Promise<Map<string, number>>;
  /** Forgets segments whose files were deleted once loaded. */
  forgetCaptureLog(segments: readonly string[]): Promise<void>;
}
