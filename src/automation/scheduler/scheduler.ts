/**
 * The scheduler: turns the jobs' cron schedules into runs recorded in the warehouse, runs them with
 * retries, a timeout and no overlap of a job with itself, and gives each run a `deliver` that goes through
 * the delivery ledger so a report reaches each channel once per scheduled run, across crashes.
 *
 * Time comes from a `Clock`: `tick(now)` does one round (claim what is due, start what may start), and
 * `start()` loops on it, sleeping until the next due time (at most 30 s). State lives in the warehouse
 * (`run-store.ts`, `delivery-ledger.ts`), so a restart resumes from the cursors, the queued retries and
 * the runs a killed process left `running`.
 */
import { SightlineError } from '../../errors/index.ts';
import type { Channel, ChartImage } from '../channels/channel.ts';
import { DeliveryError } from '../channels/channel.ts';
import type { AutomationDeps } from '../project.ts';
import type { ReportDocument } from '../reports/document.ts';
import type { Clock } from './clock.ts';
import { systemClock } from './clock.ts';
import { DeliveryLedger } from './delivery-ledger.ts';
import { GRACE_MS, nextDueAt, planDue } from './due-times.ts';
import {
  actionKind,
  type JobAction,
  type JobActionKind,
  type JobDefinition,
  type RunContext,
  type RunResult,
} from './job.ts';
import { RunDeliveries } from './run-deliveries.ts';
import { type Claim, type RunRecord, RunStore, runIdOf } from './run-store.ts';

export interface SchedulerOptions {
  readonly deps: AutomationDeps;
  /** Every job: the project file's and those created through the API (read on every tick). */
  readonly jobs: () => readonly JobDefinition[];
  readonly actions: Readonly<Record<JobActionKind, JobAction>>;
  /** The channel of the project file named so (throws on an unknown name). */
  readonly channel: (name: string) => Channel;
  /** Draws a document's charts (once per document and run, shared by all its channels). */
  readonly images: (document: ReportDocument) => Promise<ChartImage[]>;
  readonly clock?: Clock;
  /** One line per event worth seeing (a run claimed, finished, retried). */
  readonly log?: (line: string) => void;
  /** Runs executed at the same time (default 4; each job still runs one at a time). */
  readonly concurrency?: number;
}

export interface TickReport {
  /** Runs inserted by this tick (queued). */
  readonly claimed: number;
  /** Due times recorded as skipped (catchUp none while the job was still running). */
  readonly skipped: number;
  /** Runs whose attempt this tick started. */
  readonly started: number;
}

/** How long the loop sleeps at most between ticks (jobs created through the API are seen this fast). */
const MAX_SLEEP_MS = 30_000;

export class Scheduler {
  readonly runs: RunStore;
  readonly ledger: DeliveryLedger;
  private readonly deliveries: RunDeliveries;
  readonly clock: Clock;
  private readonly options: SchedulerOptions;
  private readonly concurrency: number;
  /** Job name → the attempt running in this process. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Every promise idle() waits for: attempts and the dispatches they chain. */
  private readonly pending = new Set<Promise<unknown>>();
  private stopping = new AbortController();
  private wakeUp = new AbortController();
  private loop: Promise<void> | null = null;

  constructor(options: SchedulerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.runs = new RunStore(options.deps.warehouse, options.deps.project.project);
    this.ledger = new DeliveryLedger(options.deps.warehouse);
    this.deliveries = new RunDeliveries(this.ledger, options.channel, options.images, this.clock);
  }

  get project(): string {
    return this.options.deps.project.project;
  }

  /** The jobs by name, as `jobs()` gives them now. */
  jobs(): Map<string, JobDefinition> {
    return new Map(this.options.jobs().map((j) => [j.name, j]));
  }

  /**
   * One round at `now`: claims the due times of every enabled job since its cursor (per its catchUp; a
   * job seen for the first time starts from now), then starts the queued runs that may start. Returns
   * once the claims are recorded and the attempts started; `idle()` waits for them to finish.
   */
  async tick(now: number = this.clock.now()): Promise<TickReport> {
    const jobs = [...this.jobs().values()].filter((j) => j.enabled);
    const cursors = await this.runs.cursors();
    const busy = await this.runs.busyJobs();
    for (const job of this.inFlight.keys()) busy.add(job);
    const claims: Claim[] = [];
    const moved = new Map<string, number>();
    for (const job of jobs) {
      const cursor = cursors.get(job.name);
      const plan = planDue(job, cursor ?? now - GRACE_MS, now, busy.has(job.name));
      for (const t of plan.run)
        claims.push({ job: job.name, scheduledAt: t, trigger: 'schedule', status: 'queued' });
      for (const t of plan.skip)
        claims.push({
          job: job.name,
          scheduledAt: t,
          trigger: 'schedule',
          status: 'skipped',
          summary: 'skipped: the previous run was still running (catchUp none)',
        });
      if (plan.dropped > 0)
        this.say(
          `${job.name}: ${plan.dropped} missed run${plan.dropped === 1 ? '' : 's'} not run (catchUp ${job.catchUp}${job.catchUp === 'all' ? `, at most the latest ${plan.run.length}` : ''})`,
        );
      const through = plan.consideredThrough ?? (cursor === undefined ? now - GRACE_MS : null);
      if (through !== null) moved.set(job.name, through);
    }
    const inserted = await this.runs.claim(claims, moved);
    for (const claim of claims)
      if (claim.status === 'skipped')
        this.say(`${claim.job} ${iso(claim.scheduledAt)}: skipped (still running)`);
    const started = await this.dispatch(now, true);
    const skipped = claims.filter((c) => c.status === 'skipped').length;
    return { claimed: inserted.length - skipped, skipped, started };
  }

  /** Resolves when no attempt is running in this process (and none they chained is left to start). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /**
   * Resumes what a previous process left (runs `running` when it died are queued again with their next
   * attempt, or failed when none is left), then loops: tick, sleep until the next due time or retry (at
   * most 30 s, woken early when a run ends). Returns once the loop is running.
   */
  start(): Promise<void> {
    this.starting ??= (async () => {
      this.stopping = new AbortController();
      await this.recover();
      this.loop = this.run();
    })();
    return this.starting;
  }

  private starting: Promise<void> | null = null;

  /** Stops the loop, aborts the running attempts (they are queued to resume on the next start) and waits. */
  async stop(): Promise<void> {
    await this.starting;
    this.stopping.abort(new Error('the scheduler is stopping'));
    await this.loop;
    this.loop = null;
    this.starting = null;
    await this.idle();
  }

  /** Runs left `running` by a process that died: resumed with the next attempt, or failed. */
  async recover(): Promise<{ resumed: number; failed: number }> {
    const jobs = this.jobs();
    const { resumed, failed } = await this.runs.recoverInterrupted(
      (name) => jobs.get(name)?.retries,
      this.clock.now(),
    );
    for (const run of resumed)
      this.say(`${run.job} ${iso(run.scheduledAt)}: resuming after an interrupted attempt ${run.attempts}`);
    for (const run of failed)
      this.say(`${run.job} ${iso(run.scheduledAt)}: failed (interrupted, no attempts left)`);
    return { resumed: resumed.length, failed: failed.length };
  }

  /**
   * A manual run of `jobName` at the clock's now, its own row (trigger `manual`), run here and awaited.
   * One attempt unless `retry` (then the job's retries, waiting each backoff on the clock).
   */
  async runNow(jobName: string, options: { retry?: boolean } = {}): Promise<RunRecord> {
    const job = this.jobs().get(jobName);
    if (!job) throw new SightlineError('SL_JOB_NOT_FOUND', `no job "${jobName}" in project ${this.project}`);
    if (this.inFlight.has(jobName) || (await this.runs.busyJobs()).has(jobName))
      throw new SightlineError('SL_JOB_BUSY', `job "${jobName}" has a run in progress`);
    // The job is held for the whole manual run (backoffs included), so no tick starts it meanwhile.
    let release!: () => void;
    this.inFlight.set(jobName, new Promise<void>((resolve) => (release = resolve)));
    try {
      let at = this.clock.now();
      const claim = (t: number): Claim => ({
        job: jobName,
        scheduledAt: t,
        trigger: 'manual',
        status: 'queued',
      });
      // Two manual runs in the same millisecond get the next one: each is its own row.
      while ((await this.runs.claim([claim(at)], new Map())).length === 0) at++;
      const runId = runIdOf(this.project, jobName, 'manual', at);
      const retries = options.retry ? job.retries : 0;
      for (;;) {
        const [started] = await this.runs.startAttempts([runId], this.clock.now());
        if (started) {
          const attempt = this.attempt(started, job, retries);
          this.hold(attempt);
          await attempt;
        }
        const run = await this.runs.get(runId);
        if (!run) throw new Error(`run ${runId} vanished from meta.job_runs`);
        if (run.status !== 'queued') return run;
        await this.clock.sleep(
          Math.max(0, (run.nextAttemptAt ?? 0) - this.clock.now()),
          this.stopping.signal,
        );
        if (this.stopping.signal.aborted) return run;
      }
    } finally {
      this.inFlight.delete(jobName);
      release();
    }
  }

  /** The next time anything is due: a job's cron or a queued retry (null when nothing ever is). */
  async nextWakeAt(now: number): Promise<number | null> {
    let next: number | null = null;
    for (const job of this.jobs().values()) {
      if (!job.enabled) continue;
      const t = nextDueAt(job, now);
      if (t !== null && (next === null || t < next)) next = t;
    }
    const retry = await this.runs.nextAttemptAt();
    if (retry !== null && retry > now && (next === null || retry < next)) next = retry;
    return next;
  }

  private async run(): Promise<void> {
    const stop = this.stopping.signal;
    while (!stop.aborted) {
      try {
        await this.tick(this.clock.now());
      } catch (error) {
        this.say(`tick failed: ${message(error)}`);
      }
      if (stop.aborted) break;
      const now = this.clock.now();
      const next = await this.nextWakeAt(now).catch(() => null);
      const wait = next === null ? MAX_SLEEP_MS : Math.min(Math.max(next - now, 0), MAX_SLEEP_MS);
      this.wakeUp = new AbortController();
      await this.clock.sleep(wait, AbortSignal.any([stop, this.wakeUp.signal]));
    }
  }

  /**
   * Starts queued runs that are due, one per job, up to the concurrency; returns how many it started.
   * The due runs are read once per tick (at most 256) and handed out from memory as slots free up: this
   * process is the only writer, and reading them again after every run cost more than the run itself
   * with 1,000 jobs due at once.
   */
  private async dispatch(now: number, refresh = false): Promise<number> {
    if (this.stopping.signal.aborted) return 0;
    let free = this.concurrency - this.inFlight.size;
    if (free <= 0) return 0;
    if (refresh || this.ready.length === 0)
      this.ready = await this.runs.dueRuns(now, 256, this.inFlight.keys());
    const jobs = this.jobs();
    const chosen: RunRecord[] = [];
    const rest: RunRecord[] = [];
    for (const run of this.ready) {
      const take = free > 0 && jobs.get(run.job)?.enabled && !this.inFlight.has(run.job);
      if (take && !chosen.some((c) => c.job === run.job)) {
        chosen.push(run);
        free--;
      } else rest.push(run);
    }
    this.ready = rest;
    const started = await this.runs.startAttempts(
      chosen.map((r) => r.runId),
      now,
    );
    for (const run of started) {
      const job = jobs.get(run.job)!;
      const attempt = this.track(job.name, this.attempt(run, job, job.retries));
      // When it ends, the next queued run (of this job, or one held back by the concurrency) may start.
      this.hold(attempt.then(() => this.redispatch()));
    }
    return started.length;
  }

  /** Due runs read by the last dispatch and not started yet. */
  private ready: RunRecord[] = [];

  private async redispatch(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    try {
      await this.dispatch(this.clock.now());
    } catch (error) {
      this.say(`dispatch failed: ${message(error)}`);
    }
    this.wakeUp.abort();
  }

  private track(job: string, attempt: Promise<void>): Promise<void> {
    const tracked = attempt.finally(() => this.inFlight.delete(job));
    this.inFlight.set(job, tracked);
    this.hold(tracked);
    return tracked;
  }

  private hold(promise: Promise<unknown>): void {
    const held = promise.catch(() => undefined);
    this.pending.add(held);
    void held.finally(() => this.pending.delete(held));
  }

  /**
   * One attempt of a queued run: running, the action under the job's timeout, then succeeded, queued for
   * a retry after `retryBackoffMs × 2^(attempt−1)`, or failed. A delivery the receiver refused for good
   * (a wrong token) fails the run at once: retrying would be refused again.
   */
  private async attempt(run: RunRecord, job: JobDefinition, retries: number): Promise<void> {
    const { runId, attempts: attempt } = run;
    const lines = [...run.log];
    const controller = new AbortController();
    const stop = (): void => controller.abort(this.stopping.signal.reason);
    this.stopping.signal.addEventListener('abort', stop, { once: true });
    const timer = new AbortController();
    void this.clock.sleep(job.timeoutMs, timer.signal).then(() => {
      if (!timer.signal.aborted)
        controller.abort(
          new Error(`timed out after ${formatMs(job.timeoutMs)} (timeout of job ${job.name})`),
        );
    });
    const log = (line: string): void => {
      lines.push(`${iso(this.clock.now())} ${line}`);
      this.say(`${job.name} ${iso(run.scheduledAt)}: ${line}`);
    };
    let delivered = false;
    const context: RunContext = {
      runId,
      job,
      project: this.project,
      scheduledAt: run.scheduledAt,
      attempt,
      signal: controller.signal,
      log,
      deliver: (channel, document, key = '') => {
        delivered = true;
        return this.deliveries.deliver(runId, channel, document, key, controller.signal, log);
      },
    };
    this.say(`${job.name} ${iso(run.scheduledAt)}: attempt ${attempt} started`);
    let result: RunResult | undefined;
    let failure: unknown;
    try {
      const action = this.options.actions[actionKind(job.run)];
      result = await Promise.race([action(context), aborted(controller.signal)]);
    } catch (error) {
      failure = error;
    } finally {
      timer.abort();
      this.stopping.signal.removeEventListener('abort', stop);
    }
    const now = this.clock.now();
    const deliveries = delivered || attempt > 1 ? await this.deliveries.summaries(runId) : undefined;
    if (failure === undefined && result) {
      await this.runs.finish(runId, {
        status: 'succeeded',
        at: now,
        summary: result.summary,
        error: null,
        details: { ...result.details, ...(deliveries ? { deliveries } : {}) },
        log: lines,
      });
      this.say(`${job.name} ${iso(run.scheduledAt)}: succeeded: ${result.summary}`);
      return;
    }
    const error = message(failure);
    lines.push(`${iso(now)} attempt ${attempt} failed: ${error}`);
    const shutdown = this.stopping.signal.aborted;
    const final = failure instanceof DeliveryError && !failure.retryable;
    const details = deliveries ? { deliveries } : null;
    if (!final && (attempt <= retries || shutdown)) {
      const backoff = shutdown ? 0 : job.retryBackoffMs * 2 ** (attempt - 1);
      await this.runs.finish(runId, {
        status: 'queued',
        at: now,
        summary: null,
        error,
        details,
        log: lines,
        nextAttemptAt: now + backoff,
      });
      this.say(
        shutdown
          ? `${job.name} ${iso(run.scheduledAt)}: attempt ${attempt} stopped by shutdown; resumes on the next start`
          : `${job.name} ${iso(run.scheduledAt)}: attempt ${attempt} failed (${error}); retry at ${iso(now + backoff)}`,
      );
      return;
    }
    await this.runs.finish(runId, { status: 'failed', at: now, summary: null, error, details, log: lines });
    this.say(
      `${job.name} ${iso(run.scheduledAt)}: failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${error}`,
    );
  }

  private say(line: string): void {
    this.options.log?.(line);
  }
}

/** Never resolves; rejects with the signal's reason when it aborts (raced against the action). */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function iso(t: number): string {
  return new Date(t).toISOString();
}

function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
