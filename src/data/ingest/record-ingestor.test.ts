import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenedWarehouse, openWarehouse } from '../warehouse/open-warehouse.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';
import { frameNdjson, frameValues } from './frame-records.ts';
import { RecordIngestor } from './record-ingestor.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sl-records-'));
const deadLetter = path.join(dir, 'dead.ndjson');
let opened: OpenedWarehouse;
let ingestor: RecordIngestor;

beforeAll(async () => {
  opened = await openWarehouse({ path: path.join(dir, 'w.duckdb') });
  ingestor = await RecordIngestor.open({ store: opened.events, deadLetterPath: deadLetter, inputs: 'test' });
});

afterAll(async () => {
  await opened.warehouse.close();
  rmSync(dir, { recursive: true, force: true });
});

function event(i: number, extra: Record<string, unknown> = {}) {
  return { event_id: `e${i}`, user_id: `u${i % 7}`, event: 'view', timestamp: 1_790_000_000 + i, ...extra };
}

async function count(w: Warehouse, sql: string): Promise<number> {
  const [row] = await w.query<{ n: number }>(sql);
  return Number(row!.n);
}

describe('RecordIngestor', () => {
  it('counts every record of a call as accepted, rejected or duplicate, and stores the accepted ones', async () => {
    const records = frameValues([
      event(1),
      event(2),
      event(2),
      { user_id: 'u1' },
      42,
      event(3, { age: 'x' }),
    ]);
    const counts = await ingestor.ingest('p1', records, 'test call');
    expect(counts).toEqual({
      accepted: 2,
      rejected: 3,
      duplicates: 1,
      rejectedByReason: { missing_event: 1, not_an_object: 1, invalid_field: 1 },
    });
    expect(await count(opened.warehouse, `SELECT count(*) AS n FROM events WHERE project_id = 'p1'`)).toBe(2);
    expect(await count(opened.warehouse, `SELECT count(*) AS n FROM users WHERE project_id = 'p1'`)).toBe(2);
    const lines = readFileSync(deadLetter, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.file, l.line, l.reason, l.project])).toEqual([
      ['test call', 4, 'missing_event', 'p1'],
      ['test call', 5, 'not_an_object', 'p1'],
      ['test call', 6, 'invalid_field', 'p1'],
    ]);
    expect(lines[1].raw).toBe('42');
  });

  it('counts a resent call as duplicates and stores nothing twice', async () => {
    const counts = await ingestor.ingest('p1', frameValues([event(1), event(2)]), 'resend');
    expect(counts).toEqual({ accepted: 0, rejected: 0, duplicates: 2, rejectedByReason: {} });
    expect(await count(opened.warehouse, `SELECT count(*) AS n FROM events WHERE project_id = 'p1'`)).toBe(2);
  });

  it('answers concurrent calls each with its own counts, across projects, in shared commits', async () => {
    const calls = Array.from({ length: 20 }, (_, c) =>
      ingestor.ingest(
        c % 2 === 0 ? 'p2' : 'p3',
        frameValues(Array.from({ length: 50 }, (_, i) => event(100 + c * 40 + i))),
        `call ${c}`,
      ),
    );
    const results = await Promise.all(calls);
    // Consecutive calls of a project share ids (call c covers 100+40c .. 100+40c+49): each call's
    // expected split is computed from the ids its project had seen before it, in call order.
    const seen = new Map<string, Set<number>>();
    let expectedAccepted = 0;
    for (let c = 0; c < 20; c++) {
      const project = c % 2 === 0 ? 'p2' : 'p3';
      const ids = seen.get(project) ?? new Set<number>();
      seen.set(project, ids);
      let fresh = 0;
      for (let i = 0; i < 50; i++) {
        const id = 100 + c * 40 + i;
        if (!ids.has(id)) fresh++;
        ids.add(id);
      }
      expect(results[c]!.accepted).toBe(fresh);
      expect(results[c]!.duplicates).toBe(50 - fresh);
      expectedAccepted += fresh;
    }
    const stored = await count(
      opened.warehouse,
      `SELECT count(*) AS n FROM events WHERE project_id IN ('p2', 'p3')`,
    );
    expect(stored).toBe(expectedAccepted);
    expect(
      await count(
        opened.warehouse,
        `SELECT count(DISTINCT event_id) AS n FROM events WHERE project_id = 'p2'`,
      ),
    ).toBe(seen.get('p2')!.size);
  });

  it('counts a stored id as a duplicate at the same timestamp only (a resend repeats its time)', async () => {
    const first = await ingestor.ingest('p5', frameValues([event(1)]), 'first');
    const resent = await ingestor.ingest('p5', frameValues([event(1)]), 'resend');
    const moved = await ingestor.ingest(
      'p5',
      frameValues([{ ...event(1), timestamp: 1_790_000_500 }]),
      'moved',
    );
    expect([first.accepted, resent.duplicates, moved.accepted]).toEqual([1, 1, 1]);
  });

  it('commits a call made just after the previous one was answered (the commit loop was ending)', async () => {
    for (let i = 0; i < 5; i++) {
      const [counts] = await Promise.all([
        ingestor.ingest('p4', frameValues([event(1000 + i)]), 'sequential'),
      ]);
      expect(counts!.accepted).toBe(1);
    }
  });

  it('counts every call, record and commit in its totals; calls arriving together share one commit', async () => {
    const own = await RecordIngestor.open({
      store: opened.events,
      deadLetterPath: path.join(dir, 'stats.ndjson'),
      inputs: 'test',
    });
    const together = Array.from({ length: 10 }, (_, c) =>
      own.ingest(
        'p6',
        frameValues(Array.from({ length: 30 }, (_, i) => event(5000 + c * 30 + i))),
        `call ${c}`,
      ),
    );
    await Promise.all(together);
    // One accepted record, its repeat (dropped before staging) and a reject.
    await own.ingest('p6', frameValues([event(9000), event(9000), { user_id: 'u1' }]), 'alone');
    const stats = own.stats();
    await own.close();
    expect({
      calls: stats.calls,
      records: stats.records,
      commits: stats.commits,
      committedRows: stats.committedRows,
    }).toEqual({ calls: 11, records: 303, commits: 2, committedRows: 301 });
    // Each commit answers at least one call, which waited at least as long as that commit ran.
    expect(stats.answerMs).toBeGreaterThanOrEqual(stats.commitMs);
    expect(stats.maxCommitMs).toBeLessThanOrEqual(stats.commitMs);
  });

  it('loadAll stages across turns of the event loop and commits its calls once, each answered with its counts', async () => {
    const own = await RecordIngestor.open({
      store: opened.events,
      deadLetterPath: path.join(dir, 'load-all.ndjson'),
      inputs: 'test',
    });
    // 300 calls of 100 events take well over one 4 ms slice to stage; calls c and c+1 share 20 events.
    const calls = Array.from({ length: 300 }, (_, c) => ({
      call: own.prepare(
        'p8',
        frameValues(Array.from({ length: 100 }, (_, i) => event(20_000 + c * 80 + i))),
        `c${c}`,
      ),
    }));
    // Timers that ran while the calls were being staged saw part of the staging time.
    const before = own.stats().stageMs;
    const seen: number[] = [];
    const ticker = setInterval(() => seen.push(own.stats().stageMs), 0);
    const counts = await own.loadAll(calls);
    clearInterval(ticker);
    const stats = own.stats();
    await own.close();
    expect(seen.filter((ms) => ms > before && ms < stats.stageMs).length).toBeGreaterThan(0);
    expect(stats.commits).toBe(1);
    expect(counts[0]).toEqual({ accepted: 100, rejected: 0, duplicates: 0, rejectedByReason: {} });
    expect(counts.slice(1).every((c) => c.accepted === 80 && c.duplicates === 20)).toBe(true);
    expect(await count(opened.warehouse, `SELECT count(*) AS n FROM events WHERE project_id = 'p8'`)).toBe(
      100 + 299 * 80,
    );
  });

  it('keeps one users row per user across batches: first touch from the earliest event, attributes from the latest', async () => {
    const at = (i: number, extra: Record<string, unknown>) => ({
      event_id: `r${i}`,
      user_id: 'ru',
      event: i === 0 ? 'sign_up' : 'view',
      timestamp: 1_790_000_000 + i * 60,
      ...extra,
    });
    await ingestor.ingest('p7', frameValues([at(5, { os: 'iOS', source: 'ads' })]), 'b1');
    await ingestor.ingest('p7', frameValues([at(9, { os: 'Android' }), at(7, { country: 'DE' })]), 'b2');
    // An earlier event arriving late moves the first touch, not the latest attributes.
    await ingestor.ingest('p7', frameValues([at(0, { os: 'Web', source: 'organic' })]), 'b3');
    await ingestor.ingest(
      'p7',
      frameValues([{ event_id: 'other', user_id: 'rv', event: 'view', timestamp: 1_790_000_000 }]),
      'b4',
    );
    const rows = await opened.warehouse.query(
      `SELECT user_id, first_event, source, os, country, events, epoch(first_seen)::BIGINT AS first, epoch(last_seen)::BIGINT AS last
       FROM users WHERE project_id = 'p7' ORDER BY user_id`,
    );
    expect(rows).toEqual([
      {
        user_id: 'ru',
        first_event: 'sign_up',
        source: 'organic',
        os: 'Android',
        country: 'DE',
        events: 4,
        first: 1_790_000_000,
        last: 1_790_000_540,
      },
      {
        user_id: 'rv',
        first_event: 'view',
        source: null,
        os: null,
        country: null,
        events: 1,
        first: 1_790_000_000,
        last: 1_790_000_000,
      },
    ]);
  });

  it('frames NDJSON with blank lines, CRLF, broken JSON and bad UTF-8 by line', () => {
    const body = Buffer.concat([
      Buffer.from('{"a":1}\r\n\n  \n{"a":\n'),
      Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d, 0x0a]),
      Buffer.from('[1]'),
    ]);
    const records = frameNdjson(body);
    expect(records.map((r) => [r.ordinal, r.line, 'reject' in r ? r.reject : 'ok'])).toEqual([
      [0, 1, 'ok'],
      [1, 4, 'invalid_json'],
      [2, 5, 'invalid_utf8'],
      [3, 6, 'ok'],
    ]);
    expect(records[0]).toMatchObject({ value: { a: 1 }, bytes: 7 });
  });
});
