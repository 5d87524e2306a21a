/**
 * When a job is due: its cron in its time zone (croner, which also decides the DST cases: a time that
 * does not exist that day runs at the first minute after the gap, and a time that occurs twice runs once),
 * and which of the times missed since the job's cursor are run, per its `catchUp`.
 */
import { Cron } from 'croner';
import type { JobDefinition } from './job.ts';

/** A due time counts as "now" for this long after it (catchUp none, and a job seen for the first time). */
export const GRACE_MS = 60_000;

/** catchUp all runs at most this many missed times (the latest ones); older ones are dropped and logged. */
export const MAX_CATCH_UP = 100;

export interface DuePlan {
  /** Scheduled times to run, oldest first. */
  readonly run: readonly number[];
  /** Scheduled times passed over and recorded as skipped (catchUp none while the job is still running). */
  readonly skip: readonly number[];
  /** The cursor after this plan: the latest time considered; null leaves the cursor where it was. */
  readonly consideredThrough: number | null;
  /** Missed times neither run nor recorded: older than the catch-up cap, or past the grace with none. */
  readonly dropped: number;
}

const crons = new Map<string, Cron>();

/** A paused croner instance for the job's schedule and time zone (cached: they are pure calculators). */
export function cronOf(job: Pick<JobDefinition, 'schedule' | 'timezone'>): Cron {
  const key = `${job.timezone}\0${job.schedule}`;
  let cron = crons.get(key);
  if (!cron) {
    cron = new Cron(job.schedule, { timezone: job.timezone, paused: true });
    crons.set(key, cron);
  }
  return cron;
}

/** The job's due times in (since, now], oldest first: at most `limit`, the latest ones; `more` when cut. */
export function dueTimes(
  job: Pick<JobDefinition, 'schedule' | 'timezone'>,
  since: number,
  now: number,
  limit: number,
): { times: number[]; more: boolean } {
  // previousRuns counts back from the reference, exclusive; +1 ms makes a time due exactly now included.
  const back = cronOf(job)
    .previousRuns(limit + 1, new Date(now + 1))
    .map((d) => d.getTime())
    .filter((t) => t > since);
  back.reverse();
  const more = back.length > limit;
  return { times: more ? back.slice(1) : back, more };
}

/** The job's next due time strictly after `now` (epoch ms), or null when its cron has none. */
export function nextDueAt(job: Pick<JobDefinition, 'schedule' | 'timezone'>, now: number): number | null {
  return cronOf(job).nextRun(new Date(now))?.getTime() ?? null;
}

/**
 * Which of the times due since `since` to run now. `busy`: the job has a run queued or running, so a new
 * time waits for it (latest, all: the cursor stays, and the times are planned again once it is free) or,
 * with catchUp none, is recorded as skipped.
 */
export function planDue(job: JobDefinition, since: number, now: number, busy: boolean): DuePlan {
  const limit = job.catchUp === 'all' ? MAX_CATCH_UP : 1;
  const { times, more } = dueTimes(job, since, now, limit);
  const latest = times.at(-1);
  if (latest === undefined) return { run: [], skip: [], consideredThrough: null, dropped: 0 };
  const first = times[0]!;
  const older = times.length - 1 + (more ? countBetween(job, since, first) : 0);
  if (job.catchUp === 'none') {
    const current = now - latest <= GRACE_MS;
    if (!current) return { run: [], skip: [], consideredThrough: latest, dropped: older + 1 };
    return busy
      ? { run: [], skip: [latest], consideredThrough: latest, dropped: older }
      : { run: [latest], skip: [], consideredThrough: latest, dropped: older };
  }
  if (busy) return { run: [], skip: [], consideredThrough: null, dropped: 0 };
  if (job.catchUp === 'latest') return { run: [latest], skip: [], consideredThrough: latest, dropped: older };
  return {
    run: times,
    skip: [],
    consideredThrough: latest,
    dropped: more ? countBetween(job, since, first) : 0,
  };
}

/** Due times in (since, until), counted one by one (only after a downtime longer than the cap). */
function countBetween(job: JobDefinition, since: number, until: number): number {
  const cron = cronOf(job);
  let count = 0;
  for (let t = cron.nextRun(new Date(since)); t && t.getTime() < until; t = cron.nextRun(t)) count++;
  return count;
}
