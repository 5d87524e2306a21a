import path from 'node:path';
import { DEFAULT_LIMITS, type IngestLimits } from '../events/event.ts';
import { createNormalizer, type FieldMapping } from '../events/normalize.ts';
import type { EventStore } from '../warehouse/event-store.ts';
import { DeadLetterWriter } from './dead-letter.ts';
import { fileIdentity } from './file-identity.ts';
import type { FileSummary, IngestProgress, IngestSummary } from './ingest-summary.ts';
import { PipelinedCommitter } from './pipelined-committer.ts';
import { createReader } from './readers/create-reader.ts';
import { expandInputs } from './readers/expand-inputs.ts';
import type { InputFormat } from './readers/types.ts';

export interface IngestOptions {
  inputs: string[];
  format?: InputFormat;
  projectId: string;
  deadLetterPath: string;
  store: EventStore;
  limits?: IngestLimits;
  mapping?: FieldMapping;
  /** Read files again even when the manifest says an earlier run committed them completely. */
  force?: boolean;
  /** The clock, in epoch microseconds (timestamps more than a day past it are rejected). */
  nowUs?: number;
  /** A batch is committed when it reaches this many rows or staged bytes. */
  batchRows?: number;
  batchBytes?: number;
  onProgress?: (progress: IngestProgress) => void;
}

const STDIN_LABEL = '<stdin>';

/**
 * Reads every input, validates and normalises each record, and commits batches so that every record read
 * is accepted, rejected into the dead-letter file with a reason, or counted as a duplicate, exactly once,
 * even across crashes: a batch's events, rollups, manifest progress and dead-letter length commit together.
 */
export async function ingest(options: IngestOptions): Promise<IngestSummary> {
  const started = performance.now();
  const limits = options.limits ?? DEFAULT_LIMITS;
  const store = options.store;
  const sources = await expandInputs(options.inputs, options.format);
  const deadLetterPath = path.resolve(options.deadLetterPath);
  await store.ensureProject(options.projectId);
  const committedBytes = await store.claimDeadLetter(
    deadLetterPath,
    DeadLetterWriter.currentBytes(deadLetterPath),
  );
  const deadLetter = DeadLetterWriter.open(deadLetterPath, committedBytes);
  const runId = await store.startRun(options.projectId, options.inputs.join(' '), deadLetterPath);
  const normalize = createNormalizer({
    limits,
    nowUs: options.nowUs ?? Date.now() * 1000,
    ...(options.mapping ? { mapping: options.mapping } : {}),
  });
  const summary: IngestSummary = {
    files: sources.length,
    skippedFiles: 0,
    read: 0,
    accepted: 0,
    rejected: 0,
    duplicates: 0,
    rejectedByReason: {},
    deadLetter: deadLetterPath,
    warnings: [],
    runId,
    durationMs: 0,
    perFile: [],
  };
  const committer = new PipelinedCommitter(store, store.createStager(), deadLetter, summary, {
    projectId: options.projectId,
    runId,
    receivedAtUs: Date.now() * 1000,
  });
  const batchRows = options.batchRows ?? 200_000;
  const batchBytes = options.batchBytes ?? 48 * 1024 * 1024;
  try {
    for (const [fileIndex, source] of sources.entries()) {
      const label = source.path === '-' ? STDIN_LABEL : path.resolve(source.path);
      const identity = source.path === '-' ? null : fileIdentity(source.path);
      const earlier = identity ? await store.fileProgress(options.projectId, identity) : null;
      const file: FileSummary = {
        file: label,
        format: source.format,
        status: 'read',
        resumedAfter: 0,
        read: 0,
        accepted: 0,
        rejected: 0,
        duplicates: 0,
      };
      summary.perFile.push(file);
      if (earlier?.complete && !options.force) {
        file.status = 'skipped';
        summary.skippedFiles++;
        continue;
      }
      const skip = earlier && !earlier.complete && !options.force ? earlier.recordsCommitted : 0;
      if (skip > 0) {
        file.status = 'resumed';
        file.resumedAfter = skip;
      }
      committer.startFile(file, identity ? { ...identity, format: source.format } : null, skip);
      const reader = createReader(source, { skip, maxRecordBytes: limits.maxRecordBytes });
      let nextOrdinal = skip;
      const report = (): void =>
        options.onProgress?.({
          file: label,
          fileIndex,
          files: sources.length,
          bytesDone: reader.bytesConsumed,
          bytesTotal: identity?.size ?? null,
          read: summary.read,
          accepted: summary.accepted,
          rejected: summary.rejected,
          duplicates: summary.duplicates,
        });
      for await (const records of reader) {
        for (const record of records) {
          file.read++;
          summary.read++;
          nextOrdinal = record.ordinal + 1;
          if ('reject' in record) {
            committer.reject(record, label, record.reject, record.detail);
            continue;
          }
          const row = normalize(record);
          if ('reject' in row) committer.reject(record, label, row.reject, row.detail);
          else committer.add(row);
        }
        committer.reached(nextOrdinal);
        if (committer.staged >= batchRows || committer.stagedBytes >= batchBytes) await committer.submit();
        report();
      }
      for (const warning of reader.warnings) summary.warnings.push({ file: label, ...warning });
      committer.endFile(nextOrdinal);
      report();
    }
    await committer.finish();
    summary.durationMs = Math.round(performance.now() - started);
    await store.finishRun({ runId, status: 'completed', ...countsOf(summary) });
    return summary;
  } catch (error) {
    // The run's record shares the connection with the batch in flight: let that end first.
    await committer.settle();
    await store.finishRun({ runId, status: 'failed', ...countsOf(summary) }).catch(() => undefined);
    throw error;
  } finally {
    deadLetter.close();
    await committer.dispose();
  }
}

function countsOf(s: IngestSummary) {
  return {
    files: s.files,
    read: s.read,
    accepted: s.accepted,
    rejected: s.rejected,
    duplicates: s.duplicates,
  };
}
