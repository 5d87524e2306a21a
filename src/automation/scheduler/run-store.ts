/**
 * Runs in `meta.job_runs` and the per-job cursors in `meta.job_cursors`, for one project. Every value is
 * bound. A run is claimed by inserting its row (`ON CONFLICT DO NOTHING`: the unique key on project, job,
 * trigger and scheduled time makes a second claim of the same time insert nothing), and an attempt is
 * started by a conditional update from `queued` to `running`, so neither can happen twice.
 */
import { createHash } from 'node:crypto';
import type { Warehouse } from '../../data/warehouse/warehouse.ts';

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped';
/** `schedule`: a due time of the job's cron; `manual`: `sightline run`, the API's run. */
export type RunTrigger = 'schedule' | 'manual';

export interface RunRecord {
  readonly runId: string;
  readonly project: string;
  readonly job: string;
  readonly trigger: RunTrigger;
  /** Epoch ms. */
  readonly scheduledAt: number;
  readonly status: RunStatus;
  readonly attempts: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly nextAttemptAt: number | null;
  readonly error: string | null;
  readonly summary: string | null;
  readonly details: Record<string, unknown> | null;
  readonly log: readonly string[];
}

/** A run to insert: `queued` to be run, `skipped` to record that a due time was passed over and why. */
export interface Claim {
  readonly job: string;
  readonly scheduledAt: number;
  readonly trigger: RunTrigger;
  readonly status: 'queued' | 'skipped';
  readonly summary?: string;
}

export interface Finish {
  readonly status: 'queued' | 'succeeded' | 'failed';
  readonly at: number;
  readonly summary: string | null;
  readonly error: string | null;
  readonly details: Record<string, unknown> | null;
  readonly log: readonly string[];
  /** For `queued`: when the next attempt may start. */
  readonly nextAttemptAt?: number;
}

/** The run id: a hash of what makes a run unique, so the same scheduled run always has the same id. */
export function runIdOf(project: string, job: string, trigger: RunTrigger, scheduledAt: number): string {
  return createHash('sha256')
    .update(`${project}\0${job}\0${trigger}\0${scheduledAt}`)
    .digest('hex')
    .slice(0, 16);
}

const COLUMNS = `run_id, project_id, job, trigger, scheduled_at, status, attempts, started_at, finished_at,
  next_attempt_at, error, summary, details, log`;

/** Rows per INSERT of a claim batch: 1,000 due jobs are a handful of statements, not 1,000. */
const CLAIM_BATCH = 250;

export class RunStore {
  constructor(
    readonly warehouse: Warehouse,
    readonly project: string,
  ) {}

  /** Per job, the latest scheduled time already considered (epoch ms). */
  async cursors(): Promise<Map<string, number>> {
    const rows = await this.warehouse.query<{ job: string; t: string }>(
      'SELECT job, considered_through AS t FROM meta.job_cursors WHERE project_id = ?',
      [this.project],
    );
    return new Map(rows.map((r) => [r.job, toMs(r.t)!]));
  }

  /**
   * Inserts the claims and moves the cursors in one transaction (a crash between the two would otherwise
   * lose the claimed runs or claim them again); returns the ids of the runs this call inserted.
   */
  async claim(claims: readonly Claim[], cursors: ReadonlyMap<string, number>): Promise<string[]> {
    if (claims.length === 0 && cursors.size === 0) return [];
    return this.warehouse.transaction(async () => {
      const inserted: string[] = [];
      for (let i = 0; i < claims.length; i += CLAIM_BATCH) {
        const batch = claims.slice(i, i + CLAIM_BATCH);
        const params = batch.flatMap((c) => [
          runIdOf(this.project, c.job, c.trigger, c.scheduledAt),
          this.project,
          c.job,
          c.trigger,
          new Date(c.scheduledAt),
          c.status,
          c.summary ?? null,
          c.status === 'skipped' ? new Date(c.scheduledAt) : null,
        ]);
        const rows = await this.warehouse.query<{ run_id: string }>(
          `INSERT INTO meta.job_runs (run_id, project_id, job, trigger, scheduled_at, status, attempts, summary, finished_at, log)
           VALUES ${batch.map(() => "(?, ?, ?, ?, ?, ?, 0, ?, ?, '[]')").join(', ')}
           ON CONFLICT DO NOTHING RETURNING run_id`,
          params,
        );
        inserted.push(...rows.map((r) => r.run_id));
      }
      const entries = [...cursors];
      for (let i = 0; i < entries.length; i += CLAIM_BATCH) {
        const batch = entries.slice(i, i + CLAIM_BATCH);
        await this.warehouse.execute(
          `INSERT INTO meta.job_cursors (project_id, job, considered_through)
           VALUES ${batch.map(() => '(?, ?, ?)').join(', ')}
           ON CONFLICT (project_id, job) DO UPDATE SET considered_through = excluded.considered_through`,
          batch.flatMap(([job, t]) => [this.project, job, new Date(t)]),
        );
      }
      return inserted;
    });
  }

  /** Jobs with a run queued or running: a new due time of theirs waits (no overlap of a job with itself). */
  async busyJobs(): Promise<Set<string>> {
    const rows = await this.warehouse.query<{ job: string }>(
      "SELECT DISTINCT job FROM meta.job_runs WHERE project_id = ? AND status IN ('queued', 'running')",
      [this.project],
    );
    return new Set(rows.map((r) => r.job));
  }

  /**
   * Queued runs whose next attempt may start at `now`: the oldest of each job not in `exclude` (a job runs
   * one run at a time), oldest scheduled time first, at most `limit`.
   */
  async dueRuns(now: number, limit: number, exclude: Iterable<string> = []): Promise<RunRecord[]> {
    const excluded = [...exclude];
    const notIn = excluded.length > 0 ? `AND job NOT IN (${excluded.map(() => '?').join(', ')})` : '';
    return this.select(
      `status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ${notIn}
       QUALIFY row_number() OVER (PARTITION BY job ORDER BY scheduled_at) = 1
       ORDER BY scheduled_at, job LIMIT ${Math.max(1, Math.floor(limit))}`,
      [new Date(now), ...excluded],
    );
  }

  /** The earliest time a queued run waits for (a retry's backoff), or null. */
  async nextAttemptAt(): Promise<number | null> {
    const rows = await this.warehouse.query<{ t: string | null }>(
      "SELECT min(next_attempt_at) AS t FROM meta.job_runs WHERE project_id = ? AND status = 'queued'",
      [this.project],
    );
    return toMs(rows[0]?.t ?? null);
  }

  /**
   * Moves queued runs to running and counts their attempt, in one statement; returns the runs it moved
   * (a run no longer queued, already taken, is left out).
   */
  async startAttempts(runIds: readonly string[], now: number): Promise<RunRecord[]> {
    if (runIds.length === 0) return [];
    const rows = await this.warehouse.query<Record<string, unknown>>(
      `UPDATE meta.job_runs SET status = 'running', attempts = attempts + 1, started_at = ?, next_attempt_at = NULL
       WHERE project_id = ? AND status = 'queued' AND run_id IN (${runIds.map(() => '?').join(', ')})
       RETURNING ${COLUMNS}`,
      [new Date(now), this.project, ...runIds],
    );
    return rows.map(toRecord);
  }

  /**
   * Records how an attempt ended. Finishes that arrive while a write is in progress are written together
   * in one statement (a group commit): each commit of the file costs milliseconds, and 1,000 jobs due in
   * the same minute would otherwise spend most of their time there. Resolves once this one is written.
   */
  finish(runId: string, finish: Finish): Promise<void> {
    return new Promise((resolve, reject) => {
      this.finishing.push({ runId, finish, resolve, reject });
      if (!this.writing) void this.writeFinishes();
    });
  }

  private finishing: { runId: string; finish: Finish; resolve: () => void; reject: (e: unknown) => void }[] =
    [];
  private writing = false;

  private async writeFinishes(): Promise<void> {
    this.writing = true;
    while (this.finishing.length > 0) {
      const batch = this.finishing.splice(0, CLAIM_BATCH);
      try {
        await this.warehouse.execute(
          `UPDATE meta.job_runs AS r SET status = v.status, finished_at = v.finished_at, summary = v.summary,
             error = v.error, details = v.details, log = v.log, next_attempt_at = v.next_attempt_at
           FROM (VALUES ${batch.map(() => '(?, ?, ?::TIMESTAMP, ?::VARCHAR, ?::VARCHAR, ?::VARCHAR, ?::VARCHAR, ?::TIMESTAMP)').join(', ')})
             AS v(run_id, status, finished_at, summary, error, details, log, next_attempt_at)
           WHERE r.project_id = ? AND r.run_id = v.run_id`,
          [
            ...batch.flatMap(({ runId, finish }) => [
              runId,
              finish.status,
              finish.status === 'queued' ? null : new Date(finish.at),
              finish.summary,
              finish.error,
              finish.details ? JSON.stringify(finish.details) : null,
              JSON.stringify(finish.log),
              finish.nextAttemptAt !== undefined ? new Date(finish.nextAttemptAt) : null,
            ]),
            this.project,
          ],
        );
        for (const item of batch) item.resolve();
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }
    this.writing = false;
  }

  /**
   * Runs left `running` by a process that died: queued again to be resumed with the next attempt when the
   * job has attempts left (`retriesOf` its retries), failed otherwise. Returns what became of each.
   */
  async recoverInterrupted(
    retriesOf: (job: string) => number | undefined,
    now: number,
  ): Promise<{ resumed: RunRecord[]; failed: RunRecord[] }> {
    const stale = await this.select("status = 'running' ORDER BY scheduled_at", []);
    const resumed: RunRecord[] = [];
    const failed: RunRecord[] = [];
    for (const run of stale) {
      const retries = retriesOf(run.job);
      const line = `attempt ${run.attempts} was interrupted (the process stopped during it)`;
      if (retries !== undefined && run.attempts <= retries) {
        await this.finish(run.runId, {
          status: 'queued',
          at: now,
          summary: run.summary,
          error: line,
          details: run.details,
          log: [...run.log, line],
        });
        resumed.push(run);
      } else {
        const why =
          retries === undefined ? `${line}; the job is no longer defined` : `${line}; no retries left`;
        await this.finish(run.runId, {
          status: 'failed',
          at: now,
          summary: run.summary,
          error: why,
          details: run.details,
          log: [...run.log, why],
        });
        failed.push(run);
      }
    }
    return { resumed, failed };
  }

  async get(runId: string): Promise<RunRecord | null> {
    return (await this.select('run_id = ?', [runId]))[0] ?? null;
  }

  /** History, newest scheduled time first. */
  async list(options: { job?: string; limit?: number } = {}): Promise<RunRecord[]> {
    const limit = Math.max(1, Math.min(options.limit ?? 50, 10_000));
    return options.job === undefined
      ? this.select(`TRUE ORDER BY scheduled_at DESC, job LIMIT ${limit}`, [])
      : this.select(`job = ? ORDER BY scheduled_at DESC LIMIT ${limit}`, [options.job]);
  }

  /** The latest run of each job (for listings). */
  async latestByJob(): Promise<Map<string, RunRecord>> {
    const runs = await this.select(
      'TRUE QUALIFY row_number() OVER (PARTITION BY job ORDER BY scheduled_at DESC) = 1',
      [],
    );
    return new Map(runs.map((r) => [r.job, r]));
  }

  private async select(where: string, params: readonly (string | Date)[]): Promise<RunRecord[]> {
    const rows = await this.warehouse.query<Record<string, unknown>>(
      `SELECT ${COLUMNS} FROM meta.job_runs WHERE project_id = ? AND ${where}`,
      [this.project, ...params],
    );
    return rows.map(toRecord);
  }
}

function toRecord(row: Record<string, unknown>): RunRecord {
  return {
    runId: String(row['run_id']),
    project: String(row['project_id']),
    job: String(row['job']),
    trigger: row['trigger'] as RunTrigger,
    scheduledAt: toMs(row['scheduled_at'] as string)!,
    status: row['status'] as RunStatus,
    attempts: Number(row['attempts']),
    startedAt: toMs(row['started_at'] as string | null),
    finishedAt: toMs(row['finished_at'] as string | null),
    nextAttemptAt: toMs(row['next_attempt_at'] as string | null),
    error: (row['error'] as string | null) ?? null,
    summary: (row['summary'] as string | null) ?? null,
    details: row['details'] ? (JSON.parse(row['details'] as string) as Record<string, unknown>) : null,
    log: row['log'] ? (JSON.parse(row['log'] as string) as string[]) : [],
  };
}

/** A TIMESTAMP as the warehouse returns it (ISO 8601 UTC with microseconds) to epoch ms. */
export function toMs(value: string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new Error(`not a timestamp: ${value}`);
  return t;
}

/** A run as `sightline runs --json` and the API print it: times in ISO 8601 UTC. */
export function runJson(run: RunRecord): Record<string, unknown> {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    runId: run.runId,
    job: run.job,
    trigger: run.trigger,
    scheduledAt: iso(run.scheduledAt),
    status: run.status,
    attempts: run.attempts,
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    nextAttemptAt: iso(run.nextAttemptAt),
    summary: run.summary,
    error: run.error,
    details: run.details,
    log: run.log,
  };
}
