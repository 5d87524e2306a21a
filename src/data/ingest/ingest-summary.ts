import type { RejectReason } from '../events/event.ts';

export interface IngestWarning {
  file: string;
  code: string;
  message: string;
}

export interface FileSummary {
  file: string;
  format: string;
  /** `skipped`: an earlier run committed this exact file completely (use --force to read it again). */
  status: 'read' | 'resumed' | 'skipped';
  /** Records an earlier, interrupted run had already committed (not read again). */
  resumedAfter: number;
  read: number;
  accepted: number;
  rejected: number;
  duplicates: number;
}

/** The run's accounting. Invariant: read = accepted + rejected + duplicates, for the run and each file. */
export interface IngestSummary {
  files: number;
  skippedFiles: number;
  read: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  rejectedByReason: Partial<Record<RejectReason, number>>;
  deadLetter: string;
  warnings: IngestWarning[];
  runId: number;
  durationMs: number;
  perFile: FileSummary[];
}

export interface IngestProgress {
  file: string;
  fileIndex: number;
  files: number;
  /** Bytes of the current file consumed and its size (null for stdin). */
  bytesDone: number;
  bytesTotal: number | null;
  read: number;
  accepted: number;
  rejected: number;
  duplicates: number;
}
