import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingest } from '../src/data/ingest/ingest.ts';
import { DuckDBWarehouse } from '../src/data/warehouse/duckdb/duckdb-warehouse.ts';
import { type OpenedWarehouse, openWarehouse } from '../src/data/warehouse/open-warehouse.ts';
import { tempDir } from './helpers/cli.ts';

const NOW_US = Date.UTC(2026, 10, 22, 12) * 1000;
let dir: string;
let cleanup: () => void;
let opened: OpenedWarehouse;

beforeEach(async () => {
  ({ dir, cleanup } = tempDir('sl-inputs-'));
  opened = await openWarehouse({ path: path.join(dir, 'wh.duckdb') });
});
afterEach(async () => {
  await opened.warehouse.close();
  cleanup();
});

const ev = (id: string, extra: object = {}) =>
  JSON.stringify({
    event_id: id,
    user_id: `u-${id}`,
    event: 'view',
    timestamp: '2026-10-01T10:00:00Z',
    ...extra,
  });

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function run(inputs: string[], format?: 'ndjson' | 'json' | 'csv' | 'parquet') {
  const s = await ingest({
    inputs,
    ...(format ? { format } : {}),
    projectId: 'default',
    deadLetterPath: path.join(dir, 'dead.ndjson'),
    store: opened.events,
    nowUs: NOW_US,
  });
  expect(s.read).toBe(s.accepted + s.rejected + s.duplicates);
  return s;
}

describe('malformed and unusual inputs, end to end', () => {
  it('a truncated gzip stream keeps every record before the cut and reports the damage', async () => {
    const whole = gzipSync(
      Buffer.from(Array.from({ length: 5000 }, (_, i) => ev(`g${i}`)).join('\n') + '\n'),
    );
    const s = await run([file('cut.ndjson.gz', whole.subarray(0, Math.floor(whole.length * 0.6)))]);
    expect(s.accepted).toBeGreaterThan(1000);
    expect(s.accepted).toBeLessThan(5000);
    expect(s.warnings.map((w) => w.code)).toEqual(['SL_INGEST_TRUNCATED_INPUT']);
    expect(s.rejected).toBeLessThanOrEqual(1);
    const [{ n }] = (await opened.warehouse.query('SELECT count(*) AS n FROM events')) as [{ n: number }];
    expect(n).toBe(s.accepted);
  });

  it('a 10 MB single line is rejected as record_too_large without stopping the file', async () => {
    const huge = ev('big', { blob: 'x'.repeat(10 * 1024 * 1024) });
    const s = await run([file('huge.ndjson', `${ev('a')}\n${huge}\n${ev('b')}\n`)]);
    expect(s).toMatchObject({ read: 3, accepted: 2, rejected: 1, rejectedByReason: { record_too_large: 1 } });
  });

  it('an empty file reads nothing and is not an error', async () => {
    const s = await run([file('empty.ndjson', '')]);
    expect(s).toMatchObject({ files: 1, read: 0, accepted: 0 });
  });

  it('a BOM, CRLF line ends and blank lines are accepted; invalid UTF-8 is rejected by line', async () => {
    const bad = Buffer.concat([
      Buffer.from('{"event_id":"bad","user_id":"u","event":"v\xff'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","timestamp":"2026-10-01T10:00:00Z"}'),
    ]);
    const content = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`${ev('a')}\r\n\r\n${ev('b')}\r\n`),
      bad,
      Buffer.from(`\r\n${ev('c')}\r\n`),
    ]);
    const s = await run([file('bom.ndjson', content)]);
    expect(s).toMatchObject({ read: 4, accepted: 3, rejected: 1, rejectedByReason: { invalid_utf8: 1 } });
  });

  it('mixed time zones and epoch units land on the same UTC instant', async () => {
    const lines = [
      ev('z', { timestamp: '2026-10-01T10:00:00Z' }),
      ev('plus', { timestamp: '2026-10-01T13:00:00+03:00' }),
      ev('minus', { timestamp: '2026-10-01T05:00:00-05:00' }),
      ev('naive', { timestamp: '2026-10-01 10:00:00' }),
      ev('s', { timestamp: 1790848800 }),
      ev('ms', { timestamp: 1790848800000 }),
      ev('us', { timestamp: '1790848800000000' }),
    ];
    await run([file('tz.ndjson', lines.join('\n'))]);
    const rows = await opened.warehouse.query('SELECT DISTINCT ts FROM events');
    expect(rows).toEqual([{ ts: '2026-10-01T10:00:00.000000Z' }]);
    expect(await opened.warehouse.query('SELECT count(*) AS n FROM events')).toEqual([{ n: 7 }]);
  });

  it('reads a JSON array, CSV, Parquet, a directory and a glob with the same results', async () => {
    const records = [
      { event_id: 'x1', user_id: 'u1', event: 'view', timestamp: '2026-10-01T10:00:00Z', os: 'iOS', age: 30 },
      {
        event_id: 'x2',
        user_id: 'u2',
        event: 'like',
        timestamp: '2026-10-01T11:00:00Z',
        os: 'Android',
        age: 41,
      },
    ];
    const expected = [
      { event_id: 'x1', user_id: 'u1', event: 'view', os: 'iOS', age: 30 },
      { event_id: 'x2', user_id: 'u2', event: 'like', os: 'Android', age: 41 },
    ];
    const query = 'SELECT event_id, user_id, event, os, age FROM events ORDER BY event_id';
    const csv = `event_id,user_id,event,timestamp,os,age\n${records.map((r) => Object.values(r).join(',')).join('\n')}\n`;
    const sources: [string, string, ((p: string) => Promise<void>) | null][] = [
      ['array.json', JSON.stringify(records, null, 2), null],
      ['rows.csv', csv, null],
      [
        'rows.parquet',
        '',
        async (p) => {
          const w = await DuckDBWarehouse.open(':memory:');
          await w.execute(
            `COPY (SELECT * FROM read_csv('${path.join(dir, 'rows.csv')}', header = true, all_varchar = true)) TO '${p}' (FORMAT parquet)`,
          );
          await w.close();
        },
      ],
    ];
    for (const [name, content, make] of sources) {
      const p = path.join(dir, name);
      if (make) await make(p);
      else writeFileSync(p, content);
      await opened.warehouse.close();
      opened = await openWarehouse({ path: path.join(dir, `${name}.duckdb`) });
      const s = await run([p]);
      expect(s, name).toMatchObject({ read: 2, accepted: 2 });
      expect(await opened.warehouse.query(query), name).toEqual(expected);
    }
    await opened.warehouse.close();
    opened = await openWarehouse({ path: path.join(dir, 'glob.duckdb') });
    const globbed = await run([path.join(dir, '*.{json,csv}')]);
    expect(globbed).toMatchObject({ files: 2, read: 4, accepted: 2, duplicates: 2 });
    await opened.warehouse.close();
    opened = await openWarehouse({ path: path.join(dir, 'dir.duckdb') });
    const whole = await run([dir]);
    expect(whole).toMatchObject({ files: 3, read: 6, accepted: 2, duplicates: 4 });
  });
});
