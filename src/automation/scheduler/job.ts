/**
 * The `jobs:` key of sightline.yaml, and what a job's action is given when it runs. A job is a cron
 * schedule in a time zone (croner) and one thing to run: a report, an alert rule, a data check or a
 * re-ingest of a watched folder. Every alert rule is also a job of its own (`alert:<rule>`) on the rule's
 * interval, so rules run without being declared twice.
 *
 * ```yaml
 * jobs:
 *   morning_report:
 *     schedule: "0 9 * * *"      # cron: minute hour day month weekday
 *     timezone: Europe/Moscow    # default UTC
 *     run: { report: daily }     # or { alert: RULE } | { check: {...} } | { ingest: {...} }
 *     catchUp: latest            # after downtime: none | latest (the last missed run) | all
 *     retries: 3                 # further attempts after a failed one
 *     retryBackoff: 1m           # first wait; doubles with each attempt
 *     timeout: 10m
 * ```
 */
import { z } from 'zod';
import type { DeliveryReceipt } from '../channels/channel.ts';
import type { ReportDocument } from '../reports/document.ts';

const name = z.string().regex(/^[A-Za-z][A-Za-z0-9_:-]{0,63}$/, 'a letter, then letters, digits, _ : -');

export const checkSchema = z.strictObject({
  /** The newest event must be at most this old when the check runs (a duration: 30m, 2h). */
  maxLag: z.string().optional(),
  /** At least this many events in the `window` before the run. */
  minEvents: z.number().int().min(1).optional(),
  window: z.string().default('1h'),
  /** Told when the check fails. */
  channels: z.array(z.string().min(1)).default([]),
});

export const ingestJobSchema = z.strictObject({
  /** A folder (read recursively) or a glob, relative to the project file. */
  path: z.string().min(1),
  format: z.enum(['ndjson', 'json', 'csv', 'parquet']).optional(),
  /** Told when records are rejected. */
  channels: z.array(z.string().min(1)).default([]),
});

export const jobActionSchema = z.union([
  z.strictObject({ report: name }),
  z.strictObject({ alert: name }),
  z.strictObject({ check: checkSchema }),
  z.strictObject({ ingest: ingestJobSchema }),
]);

export type JobActionSpec = z.infer<typeof jobActionSchema>;

export const jobDefinitionSchema = z.strictObject({
  description: z.string().optional(),
  schedule: z.string().min(1),
  timezone: z.string().min(1).default('UTC'),
  run: jobActionSchema,
  catchUp: z.enum(['none', 'latest', 'all']).default('latest'),
  retries: z.number().int().min(0).max(20).default(2),
  retryBackoff: z.string().default('1m'),
  timeout: z.string().default('10m'),
  enabled: z.boolean().default(true),
});

export type JobDefinitionSource = z.input<typeof jobDefinitionSchema>;

export const jobsSchema = {
  jobs: z.record(name, jobDefinitionSchema).optional(),
};

/** A validated job (durations in ms, the cron checked by croner). */
export interface JobDefinition {
  readonly name: string;
  readonly description: string | undefined;
  readonly schedule: string;
  readonly timezone: string;
  readonly run: JobActionSpec;
  readonly catchUp: 'none' | 'latest' | 'all';
  readonly retries: number;
  readonly retryBackoffMs: number;
  readonly timeoutMs: number;
  readonly enabled: boolean;
  /** Where it was declared: the project file, an alert rule, or the API. */
  readonly origin: 'file' | 'alert-rule' | 'api';
}

/** What a job's action is given for one run. */
export interface RunContext {
  readonly runId: string;
  readonly job: JobDefinition;
  readonly project: string;
  /** The run's scheduled time (epoch ms): the action's clock. Data after it is not read. */
  readonly scheduledAt: number;
  /** 1 on the first attempt. */
  readonly attempt: number;
  /** Aborted on timeout or shutdown. */
  readonly signal: AbortSignal;
  /**
   * Sends a document to a channel of the project file, exactly once per run, channel and `key` (default
   * ''): a repeat of a delivery the ledger records as sent returns the recorded receipt without sending.
   * Throws `DeliveryError` when the channel does not accept it.
   */
  deliver(channel: string, document: ReportDocument, key?: string): Promise<DeliveryReceipt>;
  /** A line for the run's log (shown by `sightline runs --job J`). */
  log(message: string): void;
}

/** What a finished run says about itself; stored with the run. */
export interface RunResult {
  /** One line for people (`sent daily to team (3 messages)`, `2 alerts fired, 1 resolved`). */
  readonly summary: string;
  /** Anything else worth keeping (JSON). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Runs one kind of job. */
export type JobAction = (context: RunContext) => Promise<RunResult>;

/** The action kinds, as the keys of `run:`. */
export type JobActionKind = 'report' | 'alert' | 'check' | 'ingest';

export function actionKind(spec: JobActionSpec): JobActionKind {
  if ('report' in spec) return 'report';
  if ('alert' in spec) return 'alert';
  if ('check' in spec) return 'check';
  return 'ingest';
}
