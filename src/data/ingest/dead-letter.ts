import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  statSync,
  writeSync,
} from 'node:fs';
import { SightlineError } from '../../errors/index.ts';
import type { RejectReason } from '../events/event.ts';

/** One line of the dead-letter file. */
export interface DeadLetterEntry {
  file: string;
  line: number;
  reason: RejectReason;
  detail?: string;
  raw: string;
  rawTruncated?: boolean;
  bytes?: number;
  project: string;
  runId: number;
  at: string;
}

/**
 * The dead-letter file: rejected records as NDJSON, appended in the order they were read.
 *
 * Entries are buffered per batch and written (and fsynced) before that batch commits; the batch's
 * transaction records the file's length. After a crash, `open` cuts off whatever was written past the
 * last committed length, and the re-run writes those records again: each reject appears exactly once.
 */
export class DeadLetterWriter {
  private pending: string[] = [];
  private pendingCount = 0;
  private fd: number | null = null;

  private constructor(
    readonly path: string,
    private size: number,
  ) {}

  /** The file's current length, before any claim. */
  static currentBytes(path: string): number {
    return existsSync(path) ? statSync(path).size : 0;
  }

  /** `committedBytes` is the length the warehouse recorded as committed. */
  static open(path: string, committedBytes: number): DeadLetterWriter {
    try {
      const current = DeadLetterWriter.currentBytes(path);
      if (current > committedBytes) {
        const fd = openSync(path, 'r+');
        ftruncateSync(fd, committedBytes);
        closeSync(fd);
        return new DeadLetterWriter(path, committedBytes);
      }
      return new DeadLetterWriter(path, current);
    } catch (error) {
      throw new SightlineError(
        'SL_INGEST_DEAD_LETTER_FAILED',
        `cannot prepare the dead-letter file ${path}`,
        { cause: error },
      );
    }
  }

  /** Bytes of the file once everything added so far is flushed. */
  get bytes(): number {
    return this.size;
  }

  add(entry: DeadLetterEntry): void {
    const line = `${JSON.stringify(entry)}\n`;
    this.pending.push(line);
    this.pendingCount++;
  }

  /** Writes and fsyncs the buffered entries; returns the file's length and how many entries were written. */
  flush(): { bytes: number; written: number } {
    const written = this.pendingCount;
    if (written > 0) {
      try {
        this.fd ??= openSync(this.path, 'a');
        const buffer = Buffer.from(this.pending.join(''));
        writeSync(this.fd, buffer);
        fsyncSync(this.fd);
        this.size = fstatSync(this.fd).size;
      } catch (error) {
        throw new SightlineError(
          'SL_INGEST_DEAD_LETTER_FAILED',
          `cannot write the dead-letter file ${this.path}`,
          {
            cause: error,
          },
        );
      }
      this.pending = [];
      this.pendingCount = 0;
    }
    return { bytes: this.size, written };
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
