import path from 'node:path';
import {
  DEFAULT_LIMITS,
  type EventRow,
  eventKey,
  type IngestLimits,
  type RejectReason,
} from '../events/event.ts';
import { createNormalizer, type FieldMapping, type Normalizer, type Rejection } from '../events/normalize.ts';
import type { CaptureLogMark, EventStager, EventStore } from '../warehouse/event-store.ts';
import { type DeadLetterEntry, DeadLetterWriter } from './dead-letter.ts';
import { TOO_DEEP } from './frame-records.ts';
import type { BrokenRecord, FramedRecord } from './readers/types.ts';

/** What became of one call's records. Invariant: records = accepted + rejected + duplicates. */
/** How long loadAll stages before letting the event loop run other work. */
const STAGE_SLICE_MS = 4;

export interface RecordCounts {
  accepted: number;
  rejected: number;
  duplicates: number;
  rejectedByReason: Partial<Record<RejectReason, number>>;
}

/** A call validated by `RecordIngestor.prepare`, not yet stored. Plain data: a capture log writes it as JSON. */
export interface PreparedCall {
  projectId: string;
  /** Records the call read. */
  read: number;
  /** Its valid events, each id and timestamp once. */
  events: EventRow[];
  rejects: Omit<DeadLetterEntry, 'runId'>[];
  /** Rejects, and the duplicates found so far (repeats within the call); `accepted` is set by `load`. */
  counts: RecordCounts;
}

export interface RecordIngestorOptions {
  store: EventStore;
  deadLetterPath: string;
  limits?: IngestLimits;
  mapping?: FieldMapping;
  /** How the runs of this ingestor are named in `meta.ingest_runs.inputs`. */
  inputs?: string;
  /** The clock in epoch milliseconds (timestamps more than a day past it are rejected). */
  now?: () => number;
}

/**
 * What an ingestor's calls and commits have cost since it opened, summed, so that a load test can tell
 * the time on the event loop (validating and staging) from the time in the database (commits) and from
 * the time calls spend waiting for their commit.
 */
export interface IngestorStats {
  calls: number;
  records: number;
  /** Milliseconds spent normalising, de-duplicating within the batch and staging calls (event loop). */
  stageMs: number;
  commits: number;
  /** Rows handed to the store (staged, before the store's duplicate check). */
  committedRows: number;
  /** Milliseconds from a commit's start (flushing the staged rows) to its outcome, summed and the longest. */
  commitMs: number;
  maxCommitMs: number;
  /** Milliseconds from each call's arrival to its answer, summed. */
  answerMs: number;
}

/** One call waiting for its batch to commit. */
interface Waiting {
  arrived: number;
  staged: number;
  knownDuplicates: number;
  counts: RecordCounts;
  log: CaptureLogMark | undefined;
  resolve: (counts: RecordCounts) => void;
  fail: (error: unknown) => void;
}

/** A project's batch being built, and its run. */
interface ProjectBatch {
  readonly projectId: string;
  runId: number | null;
  stager: EventStager;
  /** Events staged in this batch, by id and timestamp: a repeat is a duplicate the database need not see. */
  keys: Set<string>;
  waiting: Waiting[];
  rejects: Omit<DeadLetterEntry, 'runId'>[];
  totals: { calls: number; read: number; accepted: number; rejected: number; duplicates: number };
}

/**
 * Ingests records that are already in memory (HTTP request bodies) with the validation, de-duplication,
 * dead-letter accounting and derived tables of `sightline ingest`, and answers each call with its own
 * counts once they are committed.
 *
 * Calls are validated and staged as they arrive; commits are serialised (the warehouse takes one write
 * transaction at a time, and two batches' MERGEs into `users` would conflict) and each commit takes every call that arrived while the
 * previous one ran, one segment per call: group commit. At low load a call commits alone and at once;
 * under load a commit's fixed cost (the duplicate anti-join, three MERGEs) is shared by the calls of a
 * whole commit interval, which is what lets the throughput grow with the load instead of being capped
 * at one commit per call.
 *
 * Crash safety is that of `ingest`: a batch's events, derived rows and the dead-letter file's committed
 * length commit together, and a call is answered only after its batch committed, so a client that got
 * no answer sends again and its events are then counted as duplicates (ids are the client's or a hash
 * of the record).
 */
export class RecordIngestor {
  private readonly projects = new Map<string, ProjectBatch>();
  /** A normaliser reading the clock once: made per call, so "now" stays current on a long-running server. */
  private readonly normalizer: () => Normalizer;
  private readonly limits: IngestLimits;
  private deadLetter: DeadLetterWriter;
  private committedBytes: number;
  private draining: Promise<void> | null = null;
  /** loadAll calls staging; no commit starts meanwhile. */
  private staging = 0;
  private closed = false;
  private readonly counters: IngestorStats = {
    calls: 0,
    records: 0,
    stageMs: 0,
    commits: 0,
    committedRows: 0,
    commitMs: 0,
    maxCommitMs: 0,
    answerMs: 0,
  };

  private constructor(
    private readonly options: RecordIngestorOptions,
    readonly deadLetterPath: string,
    committedBytes: number,
  ) {
    this.limits = options.limits ?? DEFAULT_LIMITS;
    const now = options.now ?? Date.now;
    this.normalizer = () =>
      createNormalizer({
        limits: this.limits,
        nowUs: now() * 1000,
        ...(options.mapping ? { mapping: options.mapping } : {}),
      });
    this.committedBytes = committedBytes;
    this.deadLetter = DeadLetterWriter.open(deadLetterPath, committedBytes);
  }

  /**
   * Opens the ingestor: claims the dead-letter file (cutting off what a crashed process wrote past the
   * last committed batch), so it runs before the first call.
   */
  static async open(options: RecordIngestorOptions): Promise<RecordIngestor> {
    const deadLetterPath = path.resolve(options.deadLetterPath);
    const committed = await options.store.claimDeadLetter(
      deadLetterPath,
      DeadLetterWriter.currentBytes(deadLetterPath),
    );
    return new RecordIngestor(options, deadLetterPath, committed);
  }

  /** A copy of the running totals (see IngestorStats). */
  stats(): IngestorStats {
    return { ...this.counters };
  }

  /**
   * Validates `records` (framed as by `frameValues` / `frameNdjson`) into `projectId` and resolves with
   * their counts once the batch holding them has committed; rejects if that commit failed (then nothing
   * of the call is stored and its dead-letter entries are cut off again).
   */
  ingest(projectId: string, records: readonly FramedRecord[], source: string): Promise<RecordCounts> {
    return this.load(this.prepare(projectId, records, source));
  }

  /**
   * Validates a call's records without touching any batch: its events (in order, without repeats of an
   * id at the same timestamp within the call), its rejects as dead-letter entries, and their counts.
   * `load` stores what it returns; a capture log keeps it in between.
   */
  prepare(projectId: string, records: readonly FramedRecord[], source: string): PreparedCall {
    const started = performance.now();
    const counts: RecordCounts = { accepted: 0, rejected: 0, duplicates: 0, rejectedByReason: {} };
    const events: EventRow[] = [];
    const rejects: PreparedCall['rejects'] = [];
    const seen = new Set<string>();
    const at = new Date().toISOString();
    const normalize = this.normalizer();
    for (const record of records) {
      let result: EventRow | Rejection | BrokenRecord | typeof TOO_DEEP;
      if ('reject' in record) result = record;
      else {
        try {
          result = normalize(record);
        } catch (error) {
          // Serialising the properties recurses: a record nested thousands of levels deep overflows it.
          if (!(error instanceof RangeError)) throw error;
          result = TOO_DEEP;
        }
      }
      if ('reject' in result) {
        rejects.push({
          file: source,
          line: record.line,
          reason: result.reject,
          ...(result.detail ? { detail: result.detail } : {}),
          raw: rawOf(record),
          ...('rawTruncated' in record && record.rawTruncated
            ? { rawTruncated: true, bytes: record.bytes }
            : {}),
          project: projectId,
          at,
        });
        counts.rejected++;
        counts.rejectedByReason[result.reject] = (counts.rejectedByReason[result.reject] ?? 0) + 1;
        continue;
      }
      const key = eventKey(result);
      if (seen.has(key)) {
        counts.duplicates++;
        continue;
      }
      seen.add(key);
      events.push(result);
    }
    this.counters.calls++;
    this.counters.records += records.length;
    this.counters.stageMs += performance.now() - started;
    return { projectId, read: records.length, events, rejects, counts };
  }

  /**
   * Stores a prepared call: stages its events into the project's next batch and resolves with the call's
   * counts once that batch has committed. With `log`, the commit also records that the capture log is
   * loaded up to that mark (see CaptureLogMark), so the call's events and the log's progress commit
   * together.
   */
  load(call: PreparedCall, log?: CaptureLogMark): Promise<RecordCounts> {
    if (this.closed) return Promise.reject(new Error('the record ingestor is closed'));
    const answer = this.stage(call, log);
    this.drain();
    return answer;
  }

  /**
   * Loads many prepared calls, in order, as `load` would one by one, but yields to the event loop every
   * few milliseconds while staging them (a live server's loader stages 10,000s of events at once, and
   * other requests wait while it does), and lets the commit start only once all are staged.
   */
  async loadAll(calls: readonly { call: PreparedCall; log?: CaptureLogMark }[]): Promise<RecordCounts[]> {
    if (this.closed) throw new Error('the record ingestor is closed');
    const answers: Promise<RecordCounts>[] = [];
    let slice = performance.now();
    this.staging++;
    try {
      for (const { call, log } of calls) {
        answers.push(this.stage(call, log));
        if (performance.now() - slice > STAGE_SLICE_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          slice = performance.now();
        }
      }
    } finally {
      this.staging--;
      this.drain();
    }
    return Promise.all(answers);
  }

  /** Stages a call's events into its project's next batch; the promise settles when that batch commits. */
  private stage(call: PreparedCall, log: CaptureLogMark | undefined): Promise<RecordCounts> {
    const arrived = performance.now();
    const batch = this.project(call.projectId);
    const segment = batch.waiting.length;
    let staged = 0;
    let knownDuplicates = call.counts.duplicates;
    for (const event of call.events) {
      const key = eventKey(event);
      if (batch.keys.has(key)) {
        knownDuplicates++;
        continue;
      }
      batch.keys.add(key);
      batch.stager.add(event, segment);
      staged++;
    }
    batch.rejects.push(...call.rejects);
    const counts: RecordCounts = { ...call.counts, rejectedByReason: { ...call.counts.rejectedByReason } };
    this.counters.stageMs += performance.now() - arrived;
    return new Promise<RecordCounts>((resolve, fail) => {
      batch.waiting.push({ arrived, staged, knownDuplicates, counts, log, resolve, fail });
      batch.totals.calls++;
      batch.totals.read += call.read;
    });
  }

  /** Waits for every pending call, records each project's run as completed, and releases the files. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.draining) await this.draining;
    for (const batch of this.projects.values()) {
      if (batch.runId !== null) {
        await this.options.store.finishRun({
          runId: batch.runId,
          status: 'completed',
          files: batch.totals.calls,
          read: batch.totals.read,
          accepted: batch.totals.accepted,
          rejected: batch.totals.rejected,
          duplicates: batch.totals.duplicates,
        });
      }
      await batch.stager.dispose();
    }
    this.deadLetter.close();
  }

  private project(projectId: string): ProjectBatch {
    let batch = this.projects.get(projectId);
    if (!batch) {
      batch = {
        projectId,
        runId: null,
        stager: this.options.store.createStager(),
        keys: new Set(),
        waiting: [],
        rejects: [],
        totals: { calls: 0, read: 0, accepted: 0, rejected: 0, duplicates: 0 },
      };
      this.projects.set(projectId, batch);
    }
    return batch;
  }

  /** Starts the commit loop unless it runs. */
  private drain(): void {
    if (!this.draining) this.draining = this.commitWaiting();
  }

  /**
   * Commits until no project has a call waiting. The loop marks itself finished in the same synchronous
   * step that finds nothing waiting: were that left to a later `finally`, a call arriving in between
   * would see the loop still running and wait forever (it did, under sequential callers).
   */
  private async commitWaiting(): Promise<void> {
    // Let the calls already in this turn of the event loop join the first commit.
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (;;) {
      const ready = [...this.projects.values()].filter((b) => b.waiting.length > 0);
      // While loadAll stages (across turns of the event loop) a commit would take half of its calls;
      // loadAll starts the loop again when it is done.
      if (ready.length === 0 || this.staging > 0) {
        this.draining = null;
        return;
      }
      // commit() answers its calls with any error instead of throwing.
      for (const batch of ready) await this.commit(batch);
    }
  }

  /** Commits a project's waiting calls as one batch and answers each of them. */
  private async commit(batch: ProjectBatch): Promise<void> {
    const store = this.options.store;
    const waiting = batch.waiting;
    const rejects = batch.rejects;
    batch.waiting = [];
    batch.rejects = [];
    batch.keys = new Set();
    // Calls arrive in the order of their log, so each segment's last mark covers its calls here.
    const logMarks = new Map<string, CaptureLogMark>();
    for (const { log } of waiting) if (log) logMarks.set(log.segment, log);
    const started = performance.now();
    try {
      // The stager's current file holds exactly these calls' rows: calls arriving from here on stage
      // into its other file, for the next commit.
      const rows = await batch.stager.flush();
      if (batch.runId === null) {
        await store.ensureProject(batch.projectId);
        batch.runId = await store.startRun(
          batch.projectId,
          this.options.inputs ?? 'api',
          this.deadLetterPath,
        );
      }
      const runId = batch.runId;
      for (const entry of rejects) this.deadLetter.add({ ...entry, runId });
      const mark = this.deadLetter.flush();
      const outcome = await store.commit({
        projectId: batch.projectId,
        runId,
        receivedAtUs: Date.now() * 1000,
        rows,
        // A resend repeats the record's timestamp; see EventBatch.duplicates for the cost this saves.
        duplicates: 'id-and-time',
        segments: waiting.map((w) => ({
          staged: w.staged,
          knownDuplicates: w.knownDuplicates,
          rejected: w.counts.rejected,
        })),
        // The committed length changes only when this batch wrote entries; otherwise the statement that
        // records it is one of the commit's fixed costs for nothing.
        ...(mark.written > 0
          ? { deadLetter: { path: this.deadLetterPath, committedBytes: mark.bytes, rejected: mark.written } }
          : {}),
        ...(logMarks.size > 0 ? { captureLog: [...logMarks.values()] } : {}),
      });
      this.committedBytes = mark.bytes;
      const finished = performance.now();
      const c = this.counters;
      c.commits++;
      c.committedRows += rows.count;
      c.commitMs += finished - started;
      c.maxCommitMs = Math.max(c.maxCommitMs, finished - started);
      for (const [i, w] of waiting.entries()) {
        c.answerMs += finished - w.arrived;
        const { accepted, duplicates } = outcome.segments[i]!;
        w.counts.accepted = accepted;
        w.counts.duplicates = duplicates;
        batch.totals.accepted += accepted;
        batch.totals.duplicates += duplicates;
        batch.totals.rejected += w.counts.rejected;
        w.resolve(w.counts);
      }
    } catch (error) {
      // Entries of a batch that did not commit must not stay: the client sends them again.
      this.deadLetter.close();
      this.deadLetter = DeadLetterWriter.open(this.deadLetterPath, this.committedBytes);
      for (const w of waiting) w.fail(error);
    }
  }
}

/** The text a reject keeps: the reader's raw text, else the value re-serialised (empty if it cannot be). */
function rawOf(record: FramedRecord): string {
  if ('raw' in record && record.raw !== undefined) return record.raw;
  try {
    return JSON.stringify((record as { value: unknown }).value) ?? 'undefined';
  } catch {
    return '';
  }
}
