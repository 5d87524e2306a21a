/**
 * The `ingest` job: reads a watched folder (or glob) again. Only files not committed before are read: the
 * ingest manifest skips a file an earlier run committed completely and resumes one it did not, and event
 * ids drop repeats, so reading the folder every few minutes costs a directory listing when nothing is new.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ingest } from '../../data/ingest/ingest.ts';
import type { EventStore } from '../../data/warehouse/event-store.ts';
import type { AutomationDeps } from '../project.ts';
import type { ReportDocument } from '../reports/document.ts';
import type { JobAction } from './job.ts';

export interface IngestActionOptions {
  /** Where events are written (the warehouse's event store). */
  readonly events: EventStore;
  /** Rejected records go here. */
  readonly deadLetterPath: string;
  /** The project file's folder: job paths are relative to it. */
  readonly baseDir: string;
}

/** The action of `run: { ingest: … }` jobs; channels are told when records were rejected. */
export function ingestAction(deps: AutomationDeps, options: IngestActionOptions): JobAction {
  return async (context) => {
    const spec = context.job.run;
    if (!('ingest' in spec)) throw new Error(`job ${context.job.name} does not run an ingest`);
    const input = path.resolve(options.baseDir, spec.ingest.path);
    if (existsSync(input) && statSync(input).isDirectory() && readdirSync(input).length === 0)
      return { summary: `no files in ${spec.ingest.path}`, details: { files: 0 } };
    const summary = await ingest({
      inputs: [input],
      ...(spec.ingest.format ? { format: spec.ingest.format } : {}),
      projectId: deps.project.project,
      deadLetterPath: options.deadLetterPath,
      store: options.events,
    });
    const read = summary.files - summary.skippedFiles;
    const counts = {
      files: summary.files,
      skippedFiles: summary.skippedFiles,
      read: summary.read,
      accepted: summary.accepted,
      rejected: summary.rejected,
      duplicates: summary.duplicates,
      rejectedByReason: summary.rejectedByReason,
      deadLetter: summary.deadLetter,
    };
    const line =
      `${read} new file${read === 1 ? '' : 's'} of ${summary.files}: ${summary.accepted.toLocaleString('en-US')} accepted, ` +
      `${summary.rejected.toLocaleString('en-US')} rejected, ${summary.duplicates.toLocaleString('en-US')} duplicates`;
    if (summary.rejected > 0)
      for (const channel of spec.ingest.channels)
        await context.deliver(
          channel,
          rejectedNotice(context.job.name, context.project, context.scheduledAt, line, counts.deadLetter),
        );
    return { summary: line, details: counts };
  };
}

function rejectedNotice(
  job: string,
  project: string,
  at: number,
  line: string,
  deadLetter: string,
): ReportDocument {
  const iso = new Date(at).toISOString();
  return {
    kind: 'report',
    name: job,
    title: `Ingest ${job} rejected records`,
    project,
    period: { from: iso.slice(0, 10), to: iso.slice(0, 10), timezone: 'UTC' },
    generatedAt: iso,
    blocks: [
      { kind: 'paragraph', text: line, tone: 'warning' },
      { kind: 'paragraph', text: `Each rejected record is in ${deadLetter} with its reason.` },
    ],
  };
}
