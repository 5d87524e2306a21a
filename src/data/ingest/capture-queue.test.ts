import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../warehouse/event-store.ts';
import { type OpenedWarehouse, openWarehouse } from '../warehouse/open-warehouse.ts';
import { CaptureQueue, type CaptureQueueOptions } from './capture-queue.ts';
import { frameValues } from './frame-records.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sl-capture-'));
let opened: OpenedWarehouse;

beforeAll(async () => {
  opened = await openWarehouse({ path: path.join(dir, 'w.duckdb') });
});

afterAll(async () => {
  await opened.warehouse.close();
  rmSync(dir, { recursive: true, force: true });
});

function event(i: number) {
  return { event_id: `e${i}`, user_id: `u${i % 7}`, event: 'view', timestamp: 1_790_000_000 + i };
}

function events(from: number, to: number) {
  return frameValues(Array.from({ length: to - from }, (_, i) => event(from + i)));
}

async function stored(projectId: string): Promise<number> {
  const [row] = await opened.warehouse.query<{ n: number }>(
    'SELECT count(*) AS n FROM events WHERE project_id = ?',
    [projectId],
  );
  return Number(row!.n);
}

async function distinctStored(projectId: string): Promise<number> {
  const [row] = await opened.warehouse.query<{ n: number }>(
    'SELECT count(DISTINCT event_id) AS n FROM events WHERE project_id = ?',
    [projectId],
  );
  return Number(row!.n);
}

/**
 * The warehouse's store with its commits under the test's control: held until `release()`, or failing
 * (as a warehouse that went away would) while `failing` is set.
 */
function controlledStore() {
  let gate: Promise<void> | null = null;
  let open: () => void = () => undefined;
  const control = {
    failing: false,
    commits: 0,
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release() {
      gate = null;
      open();
    },
  };
  const store: EventStore = Object.create(opened.events);
  store.commit = async (batch) => {
    if (gate) await gate;
    if (control.failing) throw new Error('the warehouse went away');
    control.commits++;
    return opened.events.commit(batch);
  };
  return { store, control };
}

function options(
  name: string,
  store: EventStore,
  extra: Partial<CaptureQueueOptions> = {},
): CaptureQueueOptions {
  return {
    store,
    deadLetterPath: path.join(dir, `${name}.dead-letter.ndjson`),
    logDir: path.join(dir, `${name}.capture`),
    inputs: 'test',
    onLoadError: () => undefined,
    ...extra,
  };
}

function segments(name: string, projectId: string): string[] {
  return readdirSync(path.join(dir, `${name}.capture`, encodeURIComponent(projectId))).sort();
}

describe('CaptureQueue', () => {
  it('answers with exact counts before the load, and counts an event logged or stored once as a duplicate', async () => {
    const { store, control } = controlledStore();
    const queue = await CaptureQueue.open(options('counts', store));
    control.hold();
    const first = await queue.capture('q1', events(0, 10), 'first');
    expect(first).toEqual({ accepted: 10, rejected: 0, duplicates: 0, rejectedByReason: {} });
    // Answered, not yet loaded: the second call's overlap is caught by the keys the first reserved.
    expect(await stored('q1')).toBe(0);
    const second = await queue.capture('q1', events(5, 15), 'second');
    expect(second).toEqual({ accepted: 5, rejected: 0, duplicates: 5, rejectedByReason: {} });
    expect(queue.stats().backlog).toBe(15);
    control.release();
    await queue.settled();
    expect(await stored('q1')).toBe(15);
    // Loaded: the keys are released and the stored check catches the resend.
    const resend = await queue.capture(
      'q1',
      frameValues([event(3), event(14), event(15), { user_id: 'x' }]),
      'resend',
    );
    expect(resend).toEqual({
      accepted: 1,
      rejected: 1,
      duplicates: 2,
      rejectedByReason: { missing_event: 1 },
    });
    await queue.settled();
    expect(await stored('q1')).toBe(16);
    expect(queue.stats().backlog).toBe(0);
    await queue.close();
    // Closed with everything loaded: no segment is left.
    expect(segments('counts', 'q1')).toEqual([]);
  });

  it('answers concurrent overlapping calls so that each event is accepted exactly once', async () => {
    const { store } = controlledStore();
    const queue = await CaptureQueue.open(options('concurrent', store));
    // Call c covers 20c .. 20c+29: every call after the first overlaps the one before by 10.
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, c) => queue.capture('q2', events(20 * c, 20 * c + 30), `call ${c}`)),
    );
    const accepted = results.reduce((sum, r) => sum + r.accepted, 0);
    const duplicates = results.reduce((sum, r) => sum + r.duplicates, 0);
    expect(accepted).toBe(20 * 29 + 30);
    expect(duplicates).toBe(30 * 30 - accepted);
    await queue.settled();
    expect(await stored('q2')).toBe(accepted);
    expect(await distinctStored('q2')).toBe(accepted);
    await queue.close();
  });

  it('checks events stamped after the stored ones in memory, and the others with a read', async () => {
    const { store } = controlledStore();
    const earlier = await CaptureQueue.open(options('horizon', store));
    await earlier.capture('q5', events(0, 10), 'stored before');
    await earlier.close();
    const queue = await CaptureQueue.open(options('horizon', store));
    // 5..9 are at or below the latest stored timestamp (event 9's): read, and found; 10..14 are above.
    expect(await queue.capture('q5', events(5, 15), 'overlaps')).toMatchObject({
      accepted: 5,
      duplicates: 5,
    });
    expect(queue.stats()).toMatchObject({ checkedByRead: 5, checkedInMemory: 5 });
    await queue.settled();
    // 12..14 were loaded by this queue: known in memory, no read.
    expect(await queue.capture('q5', events(12, 16), 'resend')).toMatchObject({ accepted: 1, duplicates: 3 });
    expect(queue.stats()).toMatchObject({ checkedByRead: 5, checkedInMemory: 9 });
    await queue.close();
    expect(await stored('q5')).toBe(16);
    expect(await distinctStored('q5')).toBe(16);
  });

  it('refuses calls with SL_CAPTURE_BACKLOG while the backlog is full, and takes them again once loaded', async () => {
    const { store, control } = controlledStore();
    const queue = await CaptureQueue.open(options('backlog', store, { maxBacklog: 20 }));
    control.hold();
    await queue.capture('q3', events(0, 20), 'fills');
    await expect(queue.capture('q3', events(20, 21), 'refused')).rejects.toMatchObject({
      code: 'SL_CAPTURE_BACKLOG',
      details: { backlog: 20, retryAfterSeconds: 1 },
    });
    control.release();
    await queue.settled();
    expect(await queue.capture('q3', events(20, 21), 'taken')).toMatchObject({ accepted: 1 });
    await queue.close();
    expect(await stored('q3')).toBe(21);
  });

  it('loads after a crash exactly the answered calls whose load did not commit, and nothing twice', async () => {
    const { store, control } = controlledStore();
    // Small segments, so that the calls span several and the marks of each are recorded.
    const first = await CaptureQueue.open(options('crash', store, { maxSegmentBytes: 4000 }));
    // Held, then loaded together: one commit takes calls from several segments.
    control.hold();
    for (let c = 0; c < 6; c++) await first.capture('q4', events(c * 10, c * 10 + 10), `loaded ${c}`);
    control.release();
    await first.settled();
    expect(await stored('q4')).toBe(60);
    const loadedCommits = control.commits;
    // The warehouse goes away: the next calls are answered (they are logged) but never loaded.
    control.failing = true;
    const answered = [];
    for (let c = 6; c < 12; c++)
      answered.push(await first.capture('q4', events(c * 10, c * 10 + 10), `lost ${c}`));
    expect(answered.every((counts) => counts.accepted === 10)).toBe(true);
    await first.close();
    expect(control.commits).toBe(loadedCommits);
    expect(await stored('q4')).toBe(60);
    const left = segments('crash', 'q4');
    expect(left.length).toBeGreaterThan(1);
    // The process died writing one more line: no answer covered it, so it is not loaded.
    const last = path.join(dir, 'crash.capture', 'q4', left.at(-1)!);
    appendFileSync(last, '{"projectId":"q4","events":[{"event_id":"torn"');
    const bytesBefore = readFileSync(last).length;

    control.failing = false;
    const second = await CaptureQueue.open(options('crash', store, { maxSegmentBytes: 4000 }));
    expect(readFileSync(last).length).toBeLessThan(bytesBefore);
    // The backlog's keys are reserved at once: a client resending an answered call gets duplicates.
    expect(await second.capture('q4', events(100, 110), 'resent after the crash')).toMatchObject({
      accepted: 0,
      duplicates: 10,
    });
    await second.settled();
    // Only the six calls whose load did not commit are loaded again.
    expect(second.stats().committedRows).toBe(60);
    expect(await stored('q4')).toBe(120);
    expect(await distinctStored('q4')).toBe(120);
    await second.close();
    expect(segments('crash', 'q4')).toEqual([]);
    const [progress] = await opened.warehouse.query<{ n: number }>(
      `SELECT count(*) AS n FROM meta.capture_log WHERE segment LIKE ?`,
      [`${path.join(dir, 'crash.capture')}%`],
    );
    expect(Number(progress!.n)).toBe(0);

    // A third open finds nothing to load.
    const third = await CaptureQueue.open(options('crash', store));
    expect(third.stats().backlog).toBe(0);
    await third.close();
    expect(await stored('q4')).toBe(120);
  });
});
