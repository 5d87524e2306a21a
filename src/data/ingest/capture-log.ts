/**
 * The capture log: where live capture keeps the calls it has answered until they are loaded into the
 * warehouse. A call is answered once its line is on disk (written and `fdatasync`ed, one sync for every
 * call that arrived while the previous one ran), so the answer never waits for a warehouse commit, and
 * with it for a checkpoint, which stops every writer for as long as it runs.
 *
 * Layout: a folder per project (its id URI-encoded) of numbered segment files, one JSON line per call
 * (`PreparedCall`). A segment is written by one process from its start: a new one is begun on every open
 * (the last one of a crashed process may end in a torn line, which no answer covered) and whenever the
 * current one passes `maxSegmentBytes`. How far each segment is loaded is recorded by the warehouse, in
 * the transaction that loads it (`CaptureLogMark`); a segment fully loaded and no longer written is
 * deleted.
 */

import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import path from 'node:path';
import type { CaptureLogMark } from '../warehouse/event-store.ts';
import type { PreparedCall } from './record-ingestor.ts';

/** A logged call and where its line ends. */
export interface LoggedCall {
  call: PreparedCall;
  mark: CaptureLogMark;
}

export interface CaptureLogOptions {
  /** Bytes after which a project's next call begins a new segment (default 64 MiB). */
  maxSegmentBytes?: number;
}

/** What appending costs, summed since the log opened. */
export interface CaptureLogStats {
  appends: number;
  syncs: number;
  /** Milliseconds from each append to its line being synced, summed. */
  appendMs: number;
}

const SEGMENT = /^(\d{12})\.ndjson$/;

export class CaptureLog {
  private readonly writers = new Map<string, SegmentWriter>();
  /** Writers of segments the log moved past, until their last lines are synced and their files closed. */
  private readonly retiring = new Set<SegmentWriter>();
  private readonly maxSegmentBytes: number;
  private readonly counters: CaptureLogStats = { appends: 0, syncs: 0, appendMs: 0 };

  constructor(
    readonly dir: string,
    options: CaptureLogOptions = {},
  ) {
    this.maxSegmentBytes = options.maxSegmentBytes ?? 64 * 1024 * 1024;
    mkdirSync(dir, { recursive: true });
  }

  stats(): CaptureLogStats {
    return { ...this.counters };
  }

  /**
   * The calls of every segment beyond what `loaded` (segment path → loaded bytes, as the warehouse
   * recorded it) covers, per project in log order; segments loaded to their end are deleted and listed
   * in `finished` so their records can go too. Run before the first append.
   */
  recover(loaded: ReadonlyMap<string, number>): { calls: LoggedCall[]; finished: string[] } {
    const calls: LoggedCall[] = [];
    const finished: string[] = [];
    for (const folder of readdirSync(this.dir, { withFileTypes: true })) {
      if (!folder.isDirectory()) continue;
      const projectDir = path.join(this.dir, folder.name);
      for (const name of readdirSync(projectDir)
        .filter((n) => SEGMENT.test(n))
        .sort()) {
        const segment = path.join(projectDir, name);
        const bytes = readFileSync(segment);
        let offset = loaded.get(segment) ?? 0;
        // Only whole lines: a line without its newline was being written when the process died, and
        // was never answered.
        for (;;) {
          const end = bytes.indexOf(0x0a, offset);
          if (end < 0) break;
          calls.push({
            call: JSON.parse(bytes.subarray(offset, end).toString('utf8')) as PreparedCall,
            mark: { segment, loadedBytes: end + 1 },
          });
          offset = end + 1;
        }
        if (offset < bytes.length) truncateSync(segment, offset);
        if (calls.length === 0 || calls.at(-1)!.mark.segment !== segment) {
          rmSync(segment, { force: true });
          if (loaded.has(segment)) finished.push(segment);
        }
      }
    }
    return { calls, finished };
  }

  /** Appends a call to its project's segment; resolves once the line is synced to disk. */
  append(call: PreparedCall): Promise<CaptureLogMark> {
    let writer = this.writers.get(call.projectId);
    if (!writer || writer.retired || writer.bytes >= this.maxSegmentBytes) {
      if (writer) this.retire(writer);
      writer = new SegmentWriter(this.nextSegment(call.projectId), this.counters);
      this.writers.set(call.projectId, writer);
    }
    return writer.append(`${JSON.stringify(call)}\n`);
  }

  /**
   * Called once the warehouse recorded `mark`: a segment that is no longer written and is loaded to its
   * end is deleted, and its path returned so that its record can go too.
   */
  loaded(mark: CaptureLogMark): string | null {
    const writers = [...this.writers.values(), ...this.retiring];
    const writer = writers.find((w) => w.segment === mark.segment);
    if (writer && !writer.retired) return null;
    if (
      mark.loadedBytes <
      (writer ? writer.bytes : (statSync(mark.segment, { throwIfNoEntry: false })?.size ?? 0))
    ) {
      return null;
    }
    rmSync(mark.segment, { force: true });
    for (const [project, w] of this.writers) if (w === writer) this.writers.delete(project);
    return mark.segment;
  }

  /** Waits for lines being written, and closes the files; their segments take no more lines. */
  async close(): Promise<void> {
    for (const writer of this.writers.values()) {
      writer.retire();
      await writer.close();
    }
    this.writers.clear();
    while (this.retiring.size > 0) await [...this.retiring][0]!.close();
  }

  /** No more appends to `writer`'s segment: its file is closed once its last lines are synced. */
  private retire(writer: SegmentWriter): void {
    writer.retire();
    for (const [project, w] of this.writers) if (w === writer) this.writers.delete(project);
    this.retiring.add(writer);
    void writer.close().finally(() => this.retiring.delete(writer));
  }

  private nextSegment(projectId: string): string {
    const projectDir = path.join(this.dir, encodeURIComponent(projectId));
    mkdirSync(projectDir, { recursive: true });
    const last = readdirSync(projectDir)
      .map((n) => SEGMENT.exec(n)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .reduce((a, b) => Math.max(a, b), 0);
    return path.join(projectDir, `${String(last + 1).padStart(12, '0')}.ndjson`);
  }
}

interface PendingLine {
  text: string;
  queued: number;
  resolve: (mark: CaptureLogMark) => void;
  fail: (error: unknown) => void;
}

/** One segment being written: group commit of lines, one write and one sync per group. */
class SegmentWriter {
  /** Bytes written and synced, plus those of the group being written. */
  bytes = 0;
  retired = false;
  private file: Promise<FileHandle> | null = null;
  private queue: PendingLine[] = [];
  private writing: Promise<void> | null = null;
  private closing: Promise<void> | null = null;

  constructor(
    readonly segment: string,
    private readonly counters: CaptureLogStats,
  ) {}

  append(text: string): Promise<CaptureLogMark> {
    return new Promise((resolve, fail) => {
      this.queue.push({ text, queued: performance.now(), resolve, fail });
      this.writing ??= this.writeQueued();
    });
  }

  /** No more appends: the log begins another segment. */
  retire(): void {
    this.retired = true;
  }

  /** Waits for the lines being written and closes the file (once, however often it is called). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      while (this.writing) await this.writing;
      const file = await this.file?.catch(() => null);
      await file?.close();
    })();
    return this.closing;
  }

  private async writeQueued(): Promise<void> {
    try {
      this.file ??= open(this.segment, 'a');
      const file = await this.file;
      while (this.queue.length > 0) {
        const group = this.queue;
        this.queue = [];
        const buffers = group.map((line) => Buffer.from(line.text, 'utf8'));
        const start = this.bytes;
        const data = Buffer.concat(buffers);
        try {
          await file.write(data, 0, data.length, null);
          await file.datasync();
        } catch (error) {
          // Lines after a failed write cannot be trusted to land at known offsets: fail them all and
          // retire the segment, so the next call begins a new one.
          this.retired = true;
          for (const line of [...group, ...this.queue.splice(0)]) line.fail(error);
          return;
        }
        this.bytes = start + data.length;
        this.counters.syncs++;
        let end = start;
        const now = performance.now();
        for (const [i, line] of group.entries()) {
          end += buffers[i]!.length;
          this.counters.appends++;
          this.counters.appendMs += now - line.queued;
          line.resolve({ segment: this.segment, loadedBytes: end });
        }
      }
    } catch (error) {
      for (const line of this.queue.splice(0)) line.fail(error);
    } finally {
      this.writing = null;
    }
  }
}
