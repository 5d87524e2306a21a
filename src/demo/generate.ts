import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SightlineError } from '../errors/index.ts';
import { createRng } from '../math/random.ts';
import { Simulator } from './behaviour.ts';
import { buildGroundTruth } from './build-ground-truth.ts';
import { parseDate } from './calendar.ts';
import { EventBuffer } from './event-buffer.ts';
import type { GroundTruth } from './ground-truth.ts';
import { planDemo } from './plan.ts';
import { createPopulation } from './population.ts';
import { Tally } from './tally.ts';
import { LogWriter } from './write-logs.ts';

export { defaultEndDate } from './calendar.ts';
export type { GroundTruth } from './ground-truth.ts';

export interface DemoOptions {
  /** Users who sign up over the whole period (>= 100). */
  users: number;
  /** Simulated days, ending with endDate (>= 14). */
  days: number;
  seed: number;
  /** 'YYYY-MM-DD', the last simulated day (UTC). */
  endDate: string;
  outDir: string;
  onProgress?: (p: { day: number; days: number; events: number }) => void;
}

export interface DemoResult {
  /** The event files, `<outDir>/events/YYYY-MM-DD.ndjson`, in date order. */
  files: string[];
  /** Valid, distinct events written. */
  events: number;
  /** Lines written: events + duplicate lines + malformed lines. */
  lines: number;
  users: number;
  groundTruthPath: string;
  groundTruth: GroundTruth;
}

export const DEMO_LIMITS = {
  minUsers: 100,
  maxUsers: 2_000_000,
  minDays: 14,
  maxDays: 3660,
  /** Ingestion rejects timestamps before 2000-01-01. */
  earliestStart: '2000-01-01',
} as const;

/** Every problem with the options, empty when they are valid. */
export function demoOptionProblems(options: DemoOptions): string[] {
  const problems: string[] = [];
  const { users, days, seed, endDate, outDir } = options;
  if (!Number.isInteger(users) || users < DEMO_LIMITS.minUsers || users > DEMO_LIMITS.maxUsers) {
    problems.push(
      `users must be an integer from ${DEMO_LIMITS.minUsers} to ${DEMO_LIMITS.maxUsers}, got ${users}`,
    );
  }
  if (!Number.isInteger(days) || days < DEMO_LIMITS.minDays || days > DEMO_LIMITS.maxDays) {
    problems.push(
      `days must be an integer from ${DEMO_LIMITS.minDays} to ${DEMO_LIMITS.maxDays}, got ${days}`,
    );
  }
  if (!Number.isSafeInteger(seed)) problems.push(`seed must be an integer, got ${seed}`);
  const endMs = typeof endDate === 'string' ? parseDate(endDate) : undefined;
  if (endMs === undefined) {
    problems.push(`endDate must be a date written YYYY-MM-DD, got ${JSON.stringify(endDate)}`);
  } else if (
    Number.isInteger(days) &&
    endMs - (days - 1) * 86_400_000 < parseDate(DEMO_LIMITS.earliestStart)!
  ) {
    problems.push(
      `the period (${days} days ending ${endDate}) must start on or after ${DEMO_LIMITS.earliestStart}`,
    );
  } else if (endDate > '9999-12-30') {
    problems.push(`endDate must be before 9999-12-31, got ${endDate}`);
  }
  if (typeof outDir !== 'string' || outDir.trim() === '') problems.push('outDir must be a non-empty path');
  return problems;
}

/**
 * Simulates the demo startup and writes one NDJSON file per day plus ground-truth.json. The output is a
 * function of (seed, users, days, endDate) alone: the same options give byte-identical files.
 *
 * Existing files with the same names are overwritten; other files in outDir are left alone, so a
 * caller that reuses a directory for a different period should clear `events/` first.
 */
export async function generateDemo(options: DemoOptions): Promise<DemoResult> {
  const problems = demoOptionProblems(options);
  if (problems.length > 0) {
    throw new SightlineError('SL_DEMO_INVALID', `invalid demo options: ${problems.join('; ')}`, {
      details: { problems },
    });
  }
  const { users, days, seed, endDate, outDir } = options;
  // Independent streams per concern, so that (for example) a change to the log flaws does not reshuffle
  // who is active on which day.
  const root = createRng(seed);
  const plan = planDemo({ users, days, seed, endDate }, root.fork());
  const pop = createPopulation(plan, root.fork());
  const simRng = root.fork();
  const logRng = root.fork();
  const salt = root.nextUint32();
  const plantRng = root.fork();

  const tally = new Tally(days, users);
  const simulator = new Simulator(plan, pop, simRng, plantRng, tally);
  const writer = new LogWriter(plan, pop, logRng, tally, salt);
  const eventsDir = join(outDir, 'events');
  await mkdir(eventsDir, { recursive: true });

  const buffer = new EventBuffer();
  const files: string[] = [];
  const relative: string[] = [];
  let events = 0;
  for (let day = 0; day < days; day++) {
    simulator.simulateDay(day, buffer);
    const name = `${plan.dates[day]}.ndjson`;
    const path = join(eventsDir, name);
    await writer.writeDay(day, buffer, path);
    files.push(path);
    relative.push(`events/${name}`);
    events += tally.validEvents[day]!;
    options.onProgress?.({ day: day + 1, days, events });
  }

  const groundTruth = buildGroundTruth(plan, pop, tally, { endDate, files: relative });
  const groundTruthPath = join(outDir, 'ground-truth.json');
  await writeFile(groundTruthPath, `${JSON.stringify(groundTruth, null, 2)}\n`);
  return { files, events, lines: groundTruth.totals.lines, users, groundTruthPath, groundTruth };
}
