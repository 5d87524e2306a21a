/**
 * Live capture: answers each call once its events are checked and logged, and loads them into the
 * warehouse behind the answer.
 *
 * A call is validated (`RecordIngestor.prepare`), its events are checked against those logged but not
 * yet loaded (reserved keys, in memory) and against those stored: in memory for events stamped after
 * what the project held when the queue began serving it (`LoadedKeys`: live traffic), else with one
 * read for every call that arrived while the previous read ran (reads run beside commits and
 * checkpoints). The rest are appended to the capture log and synced, and the call is answered with
 * exact counts. A single loader then takes each project's
 * logged calls in log order, as many as arrived, and commits them with everything `sightline ingest`
 * derives (users, exposures, the rollup, the dead-letter entries) and the log's mark, in one transaction.
 *
 * Why: a warehouse commit takes 100 ms or more for a few thousand events on the 18M-event demo, and a
 * DuckDB checkpoint holds every commit for as long as it runs (0.2-3 s); an answer that waited for its
 * commit waited for those too. The price is that events become visible a moment after the answer (a
 * load's duration); `settled()` waits for that.
 *
 * Exactly once: a logged call is loaded exactly once, since the mark commits with its events and a
 * restart replays the log from the recorded mark (`open` queues that backlog ahead of new calls). An
 * event is logged once: its key (`eventKey`) stays reserved in memory from its check until its load has
 * committed, after which the stored check sees it.
 */

import { SightlineError } from '../../errors/index.ts';
import { type EventRow, eventKey } from '../events/event.ts';
import type { CaptureLogMark } from '../warehouse/event-store.ts';
import { CaptureLog, type CaptureLogStats, type LoggedCall } from './capture-log.ts';
import { LoadedKeys } from './loaded-keys.ts';
import {
  type IngestorStats,
  type PreparedCall,
  type RecordCounts,
  RecordIngestor,
  type RecordIngestorOptions,
} from './record-ingestor.ts';

export interface CaptureQueueOptions extends RecordIngestorOptions {
  /** The capture log's folder. */
  logDir: string;
  /** Events logged and not yet loaded beyond which calls are refused with SL_CAPTURE_BACKLOG (default 500,000). */
  maxBacklog?: number;
  /** Keys of loaded events kept in memory per project for the duplicate check (default 500,000; see LoadedKeys). */
  maxLoadedKeys?: number;
  /** Events one load takes at most (default 100,000). */
  maxLoadEvents?: number;
  /** Bytes after which the log begins a new segment (default 64 MiB). */
  maxSegmentBytes?: number;
  /** Called after each load that stored events. */
  onLoaded?: (projectId: string, accepted: number) => void;
  /** Called when a load fails (it is retried); default: written to standard error. */
  onLoadError?: (error: unknown) => void;
}

/** The queue's running totals, beside the loader's (`IngestorStats`) and the log's. */
export interface CaptureQueueStats extends IngestorStats, CaptureLogStats {
  /** Stored-event checks (each for every call that arrived while the previous one ran) and their time. */
  checks: number;
  checkMs: number;
  /** Events checked against the keys of loaded events in memory, and with a read. */
  checkedInMemory: number;
  checkedByRead: number;
  /** Milliseconds from each call's arrival to its answer, summed (the loader's `answerMs` is its loads'). */
  answerMs: number;
  /** Events logged and not yet loaded, now and at most. */
  backlog: number;
  maxBacklog: number;
  loadFailures: number;
}

interface CheckRequest {
  events: EventRow[];
  resolve: (stored: Set<string>) => void;
  fail: (error: unknown) => void;
}

/** Per project: keys reserved, calls waiting for their load, and the stored check's queue. */
interface ProjectQueue {
  reserved: Set<string>;
  logged: LoggedCall[];
  checks: CheckRequest[];
  checking: boolean;
  /** The mark of the last load that committed. */
  lastLoaded?: CaptureLogMark;
  /** The events this queue loaded above the project's horizon. */
  loaded: Promise<LoadedKeys>;
}

export class CaptureQueue {
  private readonly projects = new Map<string, ProjectQueue>();
  private readonly maxBacklog: number;
  private readonly maxLoadEvents: number;
  private backlog = 0;
  private loading: Promise<void> | null = null;
  private readonly inFlight = new Set<Promise<unknown>>();
  private settledWaiters: (() => void)[] = [];
  private closed = false;
  private readonly totals = {
    checks: 0,
    checkMs: 0,
    checkedInMemory: 0,
    checkedByRead: 0,
    answerMs: 0,
    maxBacklog: 0,
    loadFailures: 0,
  };

  private constructor(
    private readonly options: CaptureQueueOptions,
    private readonly ingestor: RecordIngestor,
    private readonly log: CaptureLog,
  ) {
    this.maxBacklog = options.maxBacklog ?? 500_000;
    this.maxLoadEvents = options.maxLoadEvents ?? 100_000;
  }

  /**
   * Opens the log and queues what an earlier process logged and did not load (its calls were answered)
   * for loading ahead of new calls; their keys are reserved at once, so a client retrying a call that
   * was answered before a crash gets duplicates back, not a second copy.
   */
  static async open(options: CaptureQueueOptions): Promise<CaptureQueue> {
    const ingestor = await RecordIngestor.open(options);
    const log = new CaptureLog(options.logDir, {
      ...(options.maxSegmentBytes ? { maxSegmentBytes: options.maxSegmentBytes } : {}),
    });
    const queue = new CaptureQueue(options, ingestor, log);
    try {
      const { calls, finished } = log.recover(await options.store.captureLogProgress(log.dir));
      await options.store.forgetCaptureLog(finished);
      for (const logged of calls) queue.enqueue(logged, true);
    } catch (error) {
      await queue.close().catch(() => undefined);
      throw error;
    }
    return queue;
  }

  stats(): CaptureQueueStats {
    return {
      ...this.ingestor.stats(),
      ...this.log.stats(),
      ...this.totals,
      backlog: this.backlog,
    };
  }

  /**
   * Validates `records` into `projectId` and resolves with their counts once the accepted ones are
   * logged; they are in the warehouse a load later (`settled`).
   */
  capture(
    projectId: string,
    records: Parameters<RecordIngestor['prepare']>[1],
    source: string,
  ): Promise<RecordCounts> {
    if (this.closed) return Promise.reject(new Error('the capture queue is closed'));
    if (this.backlog >= this.maxBacklog) {
      return Promise.reject(
        new SightlineError(
          'SL_CAPTURE_BACKLOG',
          `${this.backlog} captured events are waiting to be loaded into the warehouse`,
          { details: { backlog: this.backlog, retryAfterSeconds: 1 } },
        ),
      );
    }
    const work = this.accept(projectId, records, source);
    this.inFlight.add(work);
    const forget = () => this.inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** Resolves once every call answered so far is loaded. */
  settled(): Promise<void> {
    if (this.backlogCalls() === 0 && !this.loading) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /**
   * Takes no more calls, answers those in flight, loads what is logged (a load that keeps failing is
   * left in the log for the next open) and closes the files.
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    while (this.loading) await this.loading;
    await this.ingestor.close();
    await this.log.close();
    // The segments now written to their end and loaded go, rather than wait for the next open.
    const finished: string[] = [];
    for (const project of this.projects.values()) {
      const segment =
        project.lastLoaded && project.logged.length === 0 ? this.log.loaded(project.lastLoaded) : null;
      if (segment) finished.push(segment);
    }
    await this.options.store.forgetCaptureLog(finished).catch(() => undefined);
  }

  private async accept(
    projectId: string,
    records: Parameters<RecordIngestor['prepare']>[1],
    source: string,
  ): Promise<RecordCounts> {
    const arrived = performance.now();
    const call = this.ingestor.prepare(projectId, records, source);
    const project = this.project(projectId);
    const fresh: EventRow[] = [];
    for (const event of call.events) {
      const key = eventKey(event);
      if (project.reserved.has(key)) continue;
      project.reserved.add(key);
      fresh.push(event);
    }
    let kept = fresh;
    let mark: CaptureLogMark;
    try {
      // Events stamped above the horizon of the events this server loaded are checked in memory; the
      // others (a backfill, a late resend) with one read.
      const loaded = await project.loaded;
      const stored = new Set<string>();
      const toRead: EventRow[] = [];
      for (const event of fresh) {
        if (!loaded.covers(event.ts_us)) toRead.push(event);
        else if (loaded.has(event)) stored.add(eventKey(event));
      }
      this.totals.checkedInMemory += fresh.length - toRead.length;
      this.totals.checkedByRead += toRead.length;
      for (const key of await this.checkStored(project, projectId, toRead)) stored.add(key);
      if (stored.size > 0) {
        kept = [];
        for (const event of fresh) {
          const key = eventKey(event);
          if (stored.has(key)) project.reserved.delete(key);
          else kept.push(event);
        }
      }
      const counts: RecordCounts = {
        ...call.counts,
        accepted: kept.length,
        duplicates: call.counts.duplicates + (call.events.length - kept.length),
      };
      const logged: PreparedCall = { ...call, events: kept, counts };
      mark = await this.log.append(logged);
      this.enqueue({ call: logged, mark }, false);
      this.totals.answerMs += performance.now() - arrived;
      return { ...counts, rejectedByReason: { ...counts.rejectedByReason } };
    } catch (error) {
      for (const event of kept) project.reserved.delete(eventKey(event));
      throw error;
    }
  }

  private project(projectId: string): ProjectQueue {
    let project = this.projects.get(projectId);
    if (!project) {
      // Read before any call of the project is logged, so before any of its loads: every event stored
      // above this horizon is one that this queue loads (see LoadedKeys). A failed read covers nothing.
      const loaded = this.options.store.latestEventTime(projectId).then(
        (latest) => new LoadedKeys(latest ?? Number.NEGATIVE_INFINITY, this.options.maxLoadedKeys),
        () => new LoadedKeys(Number.POSITIVE_INFINITY),
      );
      project = { reserved: new Set(), logged: [], checks: [], checking: false, loaded };
      this.projects.set(projectId, project);
    }
    return project;
  }

  /** The keys of `events` the project stores, from one read shared with the calls queued beside it. */
  private checkStored(project: ProjectQueue, projectId: string, events: EventRow[]): Promise<Set<string>> {
    if (events.length === 0) return Promise.resolve(new Set());
    return new Promise((resolve, fail) => {
      project.checks.push({ events, resolve, fail });
      if (!project.checking) void this.runChecks(project, projectId);
    });
  }

  private async runChecks(project: ProjectQueue, projectId: string): Promise<void> {
    project.checking = true;
    while (project.checks.length > 0) {
      const group = project.checks.splice(0);
      const started = performance.now();
      try {
        const stored = await this.options.store.storedEvents(
          projectId,
          group.flatMap((request) => request.events),
        );
        for (const request of group) request.resolve(stored);
      } catch (error) {
        for (const request of group) request.fail(error);
      }
      this.totals.checks++;
      this.totals.checkMs += performance.now() - started;
    }
    project.checking = false;
  }

  /** Queues a logged call for loading; a call `replayed` from the log reserves its keys here. */
  private enqueue(logged: LoggedCall, replayed: boolean): void {
    const project = this.project(logged.call.projectId);
    project.logged.push(logged);
    if (replayed) for (const event of logged.call.events) project.reserved.add(eventKey(event));
    this.backlog += logged.call.events.length;
    this.totals.maxBacklog = Math.max(this.totals.maxBacklog, this.backlog);
    this.loading ??= this.loadLogged();
  }

  private backlogCalls(): number {
    let calls = 0;
    for (const project of this.projects.values()) calls += project.logged.length;
    return calls;
  }

  /**
   * Loads each project's logged calls, oldest first, as many at a time as `maxLoadEvents` allows; a
   * failed load is retried with the same calls (their order is what keeps the log's mark exact), after
   * a pause that doubles up to 5 s. While closing, a load that fails three times is left in the log for the
   * next open.
   */
  private async loadLogged(): Promise<void> {
    let failures = 0;
    for (;;) {
      const entry = [...this.projects].find(([, p]) => p.logged.length > 0);
      if (!entry) break;
      const [projectId, project] = entry;
      let events = 0;
      let take = 0;
      while (take < project.logged.length && (take === 0 || events < this.maxLoadEvents)) {
        events += project.logged[take]!.call.events.length;
        take++;
      }
      const calls = project.logged.slice(0, take);
      try {
        const loaded = await this.ingestor.loadAll(calls.map(({ call, mark }) => ({ call, log: mark })));
        failures = 0;
        project.logged.splice(0, take);
        // Known as stored before they stop being reserved: no check can miss them in between.
        const loadedKeys = await project.loaded;
        for (const { call } of calls) loadedKeys.add(call.events);
        for (const { call } of calls) {
          for (const event of call.events) project.reserved.delete(eventKey(event));
        }
        this.backlog -= events;
        const accepted = loaded.reduce((sum, counts) => sum + counts.accepted, 0);
        project.lastLoaded = calls.at(-1)!.mark;
        const lastMarks = new Map(calls.map(({ mark }) => [mark.segment, mark]));
        const finished = [...lastMarks.values()]
          .map((mark) => this.log.loaded(mark))
          .filter((s) => s !== null);
        if (finished.length > 0) await this.options.store.forgetCaptureLog(finished).catch(() => undefined);
        if (accepted > 0) this.options.onLoaded?.(projectId, accepted);
      } catch (error) {
        failures++;
        this.totals.loadFailures++;
        (this.options.onLoadError ?? defaultLoadError)(error);
        if (this.closed && failures >= 3) break;
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 100 * 2 ** failures)));
      }
    }
    this.loading = null;
    for (const resolve of this.settledWaiters.splice(0)) resolve();
  }
}

function defaultLoadError(error: unknown): void {
  process.stderr.write(
    `sightline: loading captured events failed, retrying: ${error instanceof Error ? error.message : String(error)}\n`,
  );
}
