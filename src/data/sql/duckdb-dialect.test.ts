import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBWarehouse } from '../warehouse/duckdb/duckdb-warehouse.ts';
import type { SqlValue } from '../warehouse/warehouse.ts';
import { capabilityError } from './dialect.ts';
import { dialectFor } from './dialects.ts';
import { duckdbDialect as d } from './duckdb-dialect.ts';
import { ident, join, raw, sql } from './sql.ts';

let w: DuckDBWarehouse;
beforeAll(async () => {
  w = await DuckDBWarehouse.open(':memory:');
});
afterAll(async () => {
  await w.close();
});

async function one(fragment: ReturnType<typeof sql>): Promise<unknown> {
  const [row] = await w.query(`SELECT ${d.render(fragment)} AS v`);
  return row?.v;
}

describe('the DuckDB escaper', () => {
  const strings = [
    '',
    "O'Brien",
    "''",
    "'; DROP TABLE events; --",
    'back\\slash\\',
    'line\nbreak\ttab\r',
    'ünïcödé 中文 🎉',
    '$1 ? :name',
    '"double"',
  ];
  it.each(strings)('reads back the string %j unchanged', async (s) => {
    expect(await one(sql`${s}`)).toBe(s);
  });

  it('reads back numbers, booleans, null and dates unchanged', async () => {
    const values: [SqlValue, unknown][] = [
      [0, 0],
      [-17, -17],
      [0.1, 0.1],
      [1e-7, 1e-7],
      [123456.789, 123456.789],
      [2 ** 53 - 1, 2 ** 53 - 1],
      [true, true],
      [false, false],
      [null, null],
      [10n ** 18n, 10n ** 18n],
      [new Date('2026-03-29T01:30:00.123Z'), '2026-03-29T01:30:00.123000Z'],
    ];
    for (const [input, expected] of values) {
      const v = await one(sql`${input}`);
      expect(typeof v === 'bigint' || typeof v === 'string' ? String(v) : v).toEqual(
        typeof expected === 'bigint' ? String(expected) : expected,
      );
    }
  });

  it('writes non-finite numbers as typed specials', async () => {
    expect(await one(sql`${Number.NaN} IS NOT DISTINCT FROM 'NaN'::DOUBLE`)).toBe(true);
    expect(await one(sql`${Number.POSITIVE_INFINITY} > 1e308`)).toBe(true);
    expect(await one(sql`${Number.NEGATIVE_INFINITY} < -1e308`)).toBe(true);
  });

  it('refuses a string with NUL rather than cutting it', () => {
    expect(() => d.render(sql`${'a\u0000b'}`)).toThrow(/NUL/);
  });

  it('quotes identifiers, doubling inner quotes', async () => {
    await w.execute(`CREATE TABLE IF NOT EXISTS "we""ird" ("a col" INTEGER)`);
    await w.execute(`INSERT INTO "we""ird" VALUES (7)`);
    const rows = await w.query(d.render(sql`SELECT ${ident('a col')} AS v FROM ${ident('we"ird')}`));
    expect(rows).toEqual([{ v: 7 }]);
  });
});

describe('the DuckDB time functions', () => {
  const ts = (iso: string) => d.timestamp(iso);

  it('converts UTC to Berlin wall-clock time across the spring DST change', async () => {
    // 2026-03-29 01:00 UTC is 03:00 CEST (clocks jumped from 02:00 to 03:00).
    expect(await one(d.localTime(ts('2026-03-29 00:59:00'), 'Europe/Berlin'))).toBe(
      '2026-03-29T01:59:00.000000Z',
    );
    expect(await one(d.localTime(ts('2026-03-29 01:00:00'), 'Europe/Berlin'))).toBe(
      '2026-03-29T03:00:00.000000Z',
    );
    expect(await one(d.localTime(ts('2026-03-29 01:00:00'), 'UTC'))).toBe('2026-03-29T01:00:00.000000Z');
  });

  it('turns a local midnight back into its UTC instant', async () => {
    expect(await one(d.utcFromLocal(ts('2026-10-25 00:00:00'), 'Europe/Berlin'))).toBe(
      '2026-10-24T22:00:00.000000Z',
    );
    expect(await one(d.utcFromLocal(ts('2026-10-26 00:00:00'), 'Europe/Berlin'))).toBe(
      '2026-10-25T23:00:00.000000Z',
    );
    expect(await one(d.utcFromLocal(ts('2026-03-08 00:00:00'), 'America/New_York'))).toBe(
      '2026-03-08T05:00:00.000000Z',
    );
  });

  it('starts weeks on Monday and months on the first', async () => {
    expect(await one(d.truncate('week', ts('2026-11-22 10:00:00')))).toBe('2026-11-16T00:00:00.000000Z');
    expect(await one(d.truncate('month', ts('2026-11-22 10:00:00')))).toBe('2026-11-01T00:00:00.000000Z');
    expect(await one(d.truncate('hour', ts('2026-11-22 10:59:59')))).toBe('2026-11-22T10:00:00.000000Z');
  });

  it('cuts quarter hours at :00, :15, :30 and :45, counts and adds them', async () => {
    expect(await one(d.truncate('15m', ts('2026-11-22 10:44:59.9')))).toBe('2026-11-22T10:30:00.000000Z');
    expect(await one(d.truncate('15m', ts('2026-11-22 10:45:00')))).toBe('2026-11-22T10:45:00.000000Z');
    expect(await one(d.truncate('15m', ts('1999-12-31 23:59:00')))).toBe('1999-12-31T23:45:00.000000Z');
    expect(await one(d.unitsBetween('15m', ts('2026-09-01 23:59:00'), ts('2026-09-02 00:14:59')))).toBe(1);
    expect(await one(d.unitsBetween('15m', ts('2026-09-01 00:00:00'), ts('2026-09-02 00:00:00')))).toBe(96);
    expect(await one(d.addUnits('15m', ts('2026-09-01 00:00:00'), -3))).toBe('2026-08-31T23:15:00.000000Z');
  });

  it('counts whole units between the starts of two units', async () => {
    expect(await one(d.unitsBetween('day', ts('2026-09-01 23:59:00'), ts('2026-09-02 00:00:00')))).toBe(1);
    expect(await one(d.unitsBetween('week', ts('2026-11-22 00:00:00'), ts('2026-11-23 00:00:00')))).toBe(1);
    expect(await one(d.unitsBetween('month', ts('2026-01-31 00:00:00'), ts('2026-03-01 00:00:00')))).toBe(2);
  });

  it('adds units, including negative ones and month ends', async () => {
    expect(await one(d.addUnits('day', ts('2026-09-01 00:00:00'), -1))).toBe('2026-08-31T00:00:00.000000Z');
    expect(await one(d.addUnits('month', ts('2026-01-31 00:00:00'), 1))).toBe('2026-02-28T00:00:00.000000Z');
    expect(await one(d.addUnits('hour', ts('2026-09-01 00:00:00'), raw('3')))).toBe(
      '2026-09-01T03:00:00.000000Z',
    );
  });

  it('gives epoch seconds with microseconds kept', async () => {
    expect(await one(d.epochSeconds(ts('1970-01-01 00:00:01.5')))).toBe(1.5);
  });
});

describe('the DuckDB JSON and text functions', () => {
  const json = sql`CAST(${'{"plan":"pro","a.b":"dot","q\\"k":"quote","n":"12.5","x":3}'} AS JSON)`;

  it('reads properties by key, literally (dots and quotes are part of the key)', async () => {
    expect(await one(d.jsonText(json, 'plan'))).toBe('pro');
    expect(await one(d.jsonText(json, 'a.b'))).toBe('dot');
    expect(await one(d.jsonText(json, 'q"k'))).toBe('quote');
    expect(await one(d.jsonText(json, 'missing'))).toBe(null);
    expect(await one(d.jsonNumber(json, 'n'))).toBe(12.5);
    expect(await one(d.jsonNumber(json, 'x'))).toBe(3);
    expect(await one(d.jsonNumber(json, 'plan'))).toBe(null);
  });

  it('interpolates percentiles linearly, as numpy does', async () => {
    const values = sql`(SELECT unnest([1, 2, 3, 4]) AS x)`;
    const [row] = await w.query(d.render(sql`SELECT ${d.percentile(raw('x'), 0.9)} AS v FROM ${values}`));
    expect(row?.v).toBeCloseTo(3.7, 12);
  });

  it('finds substrings case-sensitively', async () => {
    expect(await one(d.containsText(sql`${'Hamburg'}`, sql`${'burg'}`))).toBe(true);
    expect(await one(d.containsText(sql`${'Hamburg'}`, sql`${'BURG'}`))).toBe(false);
  });
});

describe('the dialect registry', () => {
  it('returns the DuckDB dialect and refuses unknown engines with a suggestion', () => {
    expect(dialectFor('duckdb')).toBe(d);
    expect(() => dialectFor('duckbd')).toThrow(/SL_DIALECT_UNKNOWN|no SQL dialect.*did you mean "duckdb"/);
    expect(() => dialectFor('clickhouse')).toThrow(/no SQL dialect for engine "clickhouse"/);
  });

  it('names the dialect and the capability when one is missing', () => {
    const error = capabilityError('clickhouse', 'asofJoin', 'the ordered funnel');
    expect(error.code).toBe('SL_DIALECT_CAPABILITY');
    expect(error.message).toBe(
      'the ordered funnel needs the capability "asofJoin", which the clickhouse dialect does not have',
    );
    expect(() => d.require('timeZones', 'a time zone')).not.toThrow();
  });

  it('joins fragments, skipping empty ones', () => {
    expect(d.render(join([sql`a`, sql``, sql`${1}`]))).toBe('a, 1');
  });
});
