import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingest } from '../src/data/ingest/ingest.ts';
import { type OpenedWarehouse, openWarehouse } from '../src/data/warehouse/open-warehouse.ts';
import { tempDir } from './helpers/cli.ts';

const NOW_US = Date.UTC(2026, 10, 22, 12) * 1000;

let dir: string;
let cleanup: () => void;
let opened: OpenedWarehouse;

beforeEach(async () => {
  ({ dir, cleanup } = tempDir('sl-ingest-'));
  opened = await openWarehouse({ path: path.join(dir, 'wh.duckdb') });
});
afterEach(async () => {
  await opened.warehouse.close();
  cleanup();
});

function write(name: string, lines: readonly (string | object)[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return file;
}

function run(inputs: string[], extra: Partial<Parameters<typeof ingest>[0]> = {}) {
  return ingest({
    inputs,
    projectId: 'default',
    deadLetterPath: path.join(dir, 'dead.ndjson'),
    store: opened.events,
    nowUs: NOW_US,
    ...extra,
  });
}

function deadLetter(): { file: string; line: number; reason: string; raw: string }[] {
  try {
    return readFileSync(path.join(dir, 'dead.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}

const base = { user_id: 'u1', event: 'view', timestamp: '2026-10-01T10:00:00Z' };

/** Every reject reason once, valid records, an in-file duplicate: the accounting must be exact. */
const MIXED: (string | object)[] = [
  { ...base, event_id: 'e1', os: 'Android', country: 'RU', age: 31, post_id: 7, colour: 'red' },
  { ...base, event_id: 'e2', user_id: 42, event: 'like', timestamp: 1790000000 },
  { ...base, event_id: 'e1', os: 'Android', country: 'RU', age: 31, post_id: 7, colour: 'red' },
  '{"event_id": "e3", "user_id": ',
  '[1, 2, 3]',
  { ...base, event_id: 'e4', user_id: '' },
  { ...base, event_id: 'e5', event: '   ' },
  { event_id: 'e6', user_id: 'u2', event: 'view' },
  { ...base, event_id: 'e7', timestamp: 'yesterday at noon' },
  { ...base, event_id: 'e8', timestamp: '1999-12-31T23:59:59Z' },
  { ...base, event_id: 'e9', timestamp: '2026-11-24T12:00:00Z' },
  { event_id: 'e10', user_id: 'u1', action: 'message', ts: '2026-10-01T12:30:00+03:00', receiver_id: 'u9' },
  { ...base, event_id: 'e11', age: 'thirty' },
];

describe('ingest accounting', () => {
  it('accepts, rejects with a reason, or counts as duplicate every record read, exactly', async () => {
    const file = write('mixed.ndjson', MIXED);
    const s = await run([file]);
    expect({ read: s.read, accepted: s.accepted, rejected: s.rejected, duplicates: s.duplicates }).toEqual({
      read: 13,
      accepted: 3,
      rejected: 9,
      duplicates: 1,
    });
    expect(s.rejectedByReason).toEqual({
      invalid_json: 1,
      not_an_object: 1,
      missing_user_id: 1,
      missing_event: 1,
      missing_timestamp: 1,
      invalid_timestamp: 1,
      timestamp_out_of_range: 2,
      invalid_field: 1,
    });
    const dl = deadLetter();
    expect(dl.map((d) => [d.line, d.reason])).toEqual([
      [4, 'invalid_json'],
      [5, 'not_an_object'],
      [6, 'missing_user_id'],
      [7, 'missing_event'],
      [8, 'missing_timestamp'],
      [9, 'invalid_timestamp'],
      [10, 'timestamp_out_of_range'],
      [11, 'timestamp_out_of_range'],
      [13, 'invalid_field'],
    ]);
    expect(dl[0]!.raw).toBe('{"event_id": "e3", "user_id": ');
    expect(dl[0]!.file).toBe(file);
  });

  it('stores promoted dimensions in their columns, the rest in properties, times in UTC', async () => {
    await run([write('mixed.ndjson', MIXED)]);
    const rows = await opened.warehouse.query(
      `SELECT event_id, user_id, event, ts, os, country, age, post_id, receiver_id, properties::VARCHAR AS properties
       FROM events ORDER BY event_id`,
    );
    expect(rows).toEqual([
      {
        event_id: 'e1',
        user_id: 'u1',
        event: 'view',
        ts: '2026-10-01T10:00:00.000000Z',
        os: 'Android',
        country: 'RU',
        age: 31,
        post_id: '7',
        receiver_id: null,
        properties: '{"colour":"red"}',
      },
      {
        event_id: 'e10',
        user_id: 'u1',
        event: 'message',
        ts: '2026-10-01T09:30:00.000000Z',
        os: null,
        country: null,
        age: null,
        post_id: null,
        receiver_id: 'u9',
        properties: null,
      },
      {
        event_id: 'e2',
        user_id: '42',
        event: 'like',
        ts: '2026-09-21T14:13:20.000000Z',
        os: null,
        country: null,
        age: null,
        post_id: null,
        receiver_id: null,
        properties: null,
      },
    ]);
  });

  it('re-ingesting a file adds nothing; --force reads it again and counts every record as a duplicate or reject', async () => {
    const file = write('mixed.ndjson', MIXED);
    await run([file]);
    const again = await run([file]);
    expect(again).toMatchObject({ read: 0, accepted: 0, skippedFiles: 1 });
    const forced = await run([file], { force: true });
    expect(forced).toMatchObject({ read: 13, accepted: 0, rejected: 9, duplicates: 4 });
    expect(await opened.warehouse.query('SELECT count(*) AS n FROM events')).toEqual([{ n: 3 }]);
  });

  it('a record without event_id gets a hash of its canonical form, so a re-sent copy is a duplicate', async () => {
    const a = {
      user_id: 'u1',
      event: 'view',
      timestamp: '2026-10-01T10:00:00Z',
      os: 'iOS',
      extra: { b: 1, a: 2 },
    };
    const b = { extra: { a: 2, b: 1 }, os: 'iOS', timestamp: 1790848800000, event: 'view', user_id: 'u1' };
    const s = await run([write('noid.ndjson', [a, b, { ...a, os: 'Android' }])]);
    expect(s).toMatchObject({ read: 3, accepted: 2, duplicates: 1, rejected: 0 });
  });

  it('counts a record seen in an earlier run of another file as a duplicate', async () => {
    await run([write('one.ndjson', [{ ...base, event_id: 'x1' }])]);
    const s = await run([
      write('two.ndjson', [
        { ...base, event_id: 'x1' },
        { ...base, event_id: 'x2' },
      ]),
    ]);
    expect(s).toMatchObject({ read: 2, accepted: 1, duplicates: 1 });
  });
});

describe('derived tables', () => {
  /** Events spread over users, days and batches, with out-of-order times across batches. */
  function population(): object[] {
    const out: object[] = [];
    for (let i = 0; i < 400; i++) {
      const day = (i * 7) % 9;
      out.push({
        event_id: `p${i}`,
        user_id: `u${i % 23}`,
        event: ['view', 'like', 'message', '$exposure'][i % 4],
        timestamp: new Date(Date.UTC(2026, 9, 1 + day, (i * 5) % 24, i % 60)).toISOString(),
        os: i % 3 === 0 ? 'iOS' : 'Android',
        country: i % 5 === 0 ? null : ['RU', 'DE', 'BR'][i % 3],
        source: i % 2 ? 'ads' : 'organic',
        ...(i % 4 === 3 ? { experiment: 'feed', variant: i % 8 === 3 ? 'control' : 'treatment' } : {}),
      });
    }
    return out;
  }

  it('users, exposures and the daily rollup equal a from-scratch recomputation, however the batches fall', async () => {
    const file = write('pop.ndjson', population());
    await run([file], { batchRows: 37 });
    const w = opened.warehouse;
    const rollup = await w.query(
      'SELECT day, user_id, event, events, first_ts, last_ts FROM user_daily ORDER BY ALL',
    );
    const reference = await w.query(
      `SELECT ts::DATE AS day, user_id, event, count(*) AS events, min(ts) AS first_ts, max(ts) AS last_ts
       FROM events GROUP BY ALL ORDER BY ALL`,
    );
    expect(rollup).toEqual(reference);
    expect(rollup.length).toBeGreaterThan(100);

    const users = await w.query(
      'SELECT user_id, first_seen, last_seen, first_event, source, country, os, events FROM users ORDER BY user_id',
    );
    const usersReference = await w.query(
      `SELECT user_id, min(ts) AS first_seen, max(ts) AS last_seen, arg_min(event, ts) AS first_event,
              arg_min(source, ts) FILTER (source IS NOT NULL) AS source,
              arg_max(country, ts) FILTER (country IS NOT NULL) AS country,
              arg_max(os, ts) FILTER (os IS NOT NULL) AS os, count(*) AS events
       FROM events GROUP BY user_id ORDER BY user_id`,
    );
    expect(users).toEqual(usersReference);
    expect(users).toHaveLength(23);

    const exposures = await w.query(
      'SELECT experiment, variant, user_id, first_exposure FROM exposures ORDER BY user_id',
    );
    const exposuresReference = await w.query(
      `SELECT properties->>'experiment' AS experiment, arg_min(properties->>'variant', ts) AS variant, user_id,
              min(ts) AS first_exposure
       FROM events WHERE event = '$exposure' GROUP BY ALL ORDER BY user_id`,
    );
    expect(exposures).toEqual(exposuresReference);
    expect(exposures.length).toBeGreaterThan(0);
  });

  it('gives identical tables whether loaded in one batch or in many', async () => {
    const file = write('pop.ndjson', population());
    await run([file], { batchRows: 1_000_000 });
    const snapshot = async () => ({
      events: await opened.warehouse.query('SELECT * EXCLUDE (received_at) FROM events ORDER BY event_id'),
      users: await opened.warehouse.query('SELECT * FROM users ORDER BY user_id'),
      daily: await opened.warehouse.query('SELECT * FROM user_daily ORDER BY ALL'),
    });
    const one = await snapshot();
    await opened.warehouse.close();
    opened = await openWarehouse({ path: path.join(dir, 'wh2.duckdb') });
    await run([file], { batchRows: 13 });
    expect(await snapshot()).toEqual(one);
  });
});

describe('batches that span files', () => {
  it('keeps per-file accounting and manifest rows exact when one transaction holds several files', async () => {
    const a = write('a.ndjson', [{ ...base, event_id: 'a1' }, { ...base, event_id: 'a2' }, '{oops']);
    const b = write('b.ndjson', [
      { ...base, event_id: 'a1' },
      { ...base, event_id: 'b1' },
      { ...base, event_id: 'b1' },
    ]);
    const c = write('c.ndjson', [
      { ...base, event_id: 'c1', user_id: '' },
      { ...base, event_id: 'c2' },
    ]);
    const s = await run([a, b, c], { batchRows: 1_000_000 });
    expect(
      s.perFile.map(({ read, accepted, rejected, duplicates }) => ({ read, accepted, rejected, duplicates })),
    ).toEqual([
      { read: 3, accepted: 2, rejected: 1, duplicates: 0 },
      { read: 3, accepted: 1, rejected: 0, duplicates: 2 },
      { read: 2, accepted: 1, rejected: 1, duplicates: 0 },
    ]);
    const manifest = await opened.warehouse.query(
      'SELECT complete, records_committed, accepted, rejected, duplicates FROM meta.ingest_files ORDER BY path',
    );
    expect(manifest).toEqual([
      { complete: true, records_committed: 3, accepted: 2, rejected: 1, duplicates: 0 },
      { complete: true, records_committed: 3, accepted: 1, rejected: 0, duplicates: 2 },
      { complete: true, records_committed: 2, accepted: 1, rejected: 1, duplicates: 0 },
    ]);
    const [run1] = await opened.warehouse.query(
      'SELECT read, accepted, rejected, duplicates, status FROM meta.ingest_runs',
    );
    expect(run1).toEqual({ read: 8, accepted: 4, rejected: 2, duplicates: 2, status: 'completed' });
  });
});
