import { describe, expect, it } from 'vitest';
import type { ParsedRecord } from '../ingest/readers/types.ts';
import { DEFAULT_LIMITS, type EventRow, type IngestLimits } from './event.ts';
import { createNormalizer, MIN_TIMESTAMP_US, type Normalizer, type Rejection } from './normalize.ts';

const NOW_US = 1_717_200_000_000_000; // 2024-06-01T00:00:00Z
const T0 = 1_709_287_200_000_000; // 2024-03-01T10:00:00Z

function record(value: unknown, bytes?: number): ParsedRecord {
  const raw = JSON.stringify(value) ?? '';
  return { ordinal: 0, line: 1, value, bytes: bytes ?? Buffer.byteLength(raw), raw };
}

function normalizer(limits: Partial<IngestLimits> = {}): Normalizer {
  return createNormalizer({ limits: { ...DEFAULT_LIMITS, ...limits }, nowUs: NOW_US });
}

const normalize = normalizer();

function accept(value: unknown, n: Normalizer = normalize): EventRow {
  const result = n(record(value));
  if ('reject' in result) throw new Error(`rejected: ${result.reject} (${result.detail})`);
  return result;
}

function reject(value: unknown, n: Normalizer = normalize, bytes?: number): Rejection {
  const result = n(record(value, bytes));
  if (!('reject' in result)) throw new Error(`accepted: ${JSON.stringify(result)}`);
  return result;
}

const BASE = { event_id: 'e1', user_id: 'u1', event: 'click', timestamp: '2024-03-01T10:00:00Z' };

const NULL_PROMOTED = {
  session_id: null,
  source: null,
  campaign: null,
  os: null,
  device: null,
  country: null,
  city: null,
  app_version: null,
  platform: null,
  exp_group: null,
  gender: null,
  post_id: null,
  receiver_id: null,
  age: null,
  latency_ms: null,
};

describe('flat layout', () => {
  it('maps a minimal record to a row with every promoted column null', () => {
    expect(accept(BASE)).toEqual({
      event_id: 'e1',
      user_id: 'u1',
      event: 'click',
      ts_us: T0,
      properties: null,
      ...NULL_PROMOTED,
    });
  });

  it('promotes known fields, stringifies numbers and booleans for string columns and keeps the rest', () => {
    const row = accept({
      ...BASE,
      user_id: 42,
      os: 'iOS',
      exp_group: 1,
      platform: true,
      age: '31',
      latency_ms: 12.5,
      price: 9.99,
      tags: ['a', 'b'],
      nested: { k: 'v' },
    });
    expect(row).toMatchObject({
      user_id: '42',
      os: 'iOS',
      exp_group: '1',
      platform: 'true',
      age: 31,
      latency_ms: 12.5,
    });
    expect(row.properties).toBe('{"price":9.99,"tags":["a","b"],"nested":{"k":"v"}}');
  });

  it('reads action, time and ts as alternative names, leaving the unused ones in the properties', () => {
    const row = accept({ user_id: 'u', action: 'tap', time: 1709287200, ts: 5, event_id: 'x' });
    expect(row).toMatchObject({ event: 'tap', ts_us: T0, properties: '{"ts":5}' });
    const both = accept({ user_id: 'u', action: 'tap', event: 'click', ts: 1709287200, event_id: 'x' });
    expect(both).toMatchObject({ event: 'click', ts_us: T0, properties: '{"action":"tap"}' });
  });

  it('treats null and empty promoted values as absent', () => {
    const row = accept({ ...BASE, os: null, country: '', age: '', latency_ms: null });
    expect(row).toMatchObject({ os: null, country: null, age: null, latency_ms: null, properties: null });
  });

  it('keeps a __proto__ key as data', () => {
    const value = JSON.parse(
      '{"event_id":"e","user_id":"u","event":"x","ts":1709287200,"__proto__":{"a":1}}',
    );
    expect(accept(value).properties).toBe('{"__proto__":{"a":1}}');
  });
});

describe('rejections, in order', () => {
  it.each([
    [[1, 2], 'the record is an array'],
    [null, 'the record is null'],
    ['text', 'the record is a string'],
    [7, 'the record is a number'],
  ])('not_an_object: %j', (value, detail) => {
    expect(reject(value)).toEqual({ reject: 'not_an_object', detail });
  });

  it('record_too_large comes before any field check', () => {
    const n = normalizer({ maxRecordBytes: 100 });
    expect(reject({}, n, 101)).toEqual({
      reject: 'record_too_large',
      detail: 'the record has 101 bytes, more than 100',
    });
    expect(reject({}, n, 100).reject).toBe('missing_user_id');
  });

  it.each([
    [{}, 'no user id'],
    [{ user_id: null }, 'no user id'],
    [{ user_id: '' }, 'the user id is blank'],
    [{ user_id: '  \t' }, 'the user id is blank'],
    [{ user_id: true }, 'the user id is a boolean, expected a string or a number'],
    [{ user_id: { id: 1 } }, 'the user id is an object, expected a string or a number'],
  ])('missing_user_id: %j', (value, detail) => {
    expect(reject({ event: 'x', ts: 1709287200, ...value })).toEqual({ reject: 'missing_user_id', detail });
  });

  it('missing_event', () => {
    expect(reject({ user_id: 'u', ts: 1709287200 })).toEqual({
      reject: 'missing_event',
      detail: 'no event name',
    });
    expect(reject({ user_id: 'u', event: ' ' }).reject).toBe('missing_event');
  });

  it.each([{}, { timestamp: null }, { timestamp: '' }, { time: '  ' }])('missing_timestamp: %j', (ts) => {
    expect(reject({ user_id: 'u', event: 'e', ...ts })).toEqual({
      reject: 'missing_timestamp',
      detail: 'no timestamp',
    });
  });

  it('invalid_timestamp quotes the value', () => {
    expect(reject({ user_id: 'u', event: 'e', timestamp: '2024-02-30T00:00:00Z' })).toEqual({
      reject: 'invalid_timestamp',
      detail: '"2024-02-30T00:00:00Z" is not a timestamp',
    });
    expect(reject({ user_id: 'u', event: 'e', timestamp: { t: 1 } }).reject).toBe('invalid_timestamp');
  });

  it('timestamp_out_of_range below 2000-01-01 and beyond now + 1 day', () => {
    const at = (timestamp: unknown) =>
      normalize(record({ user_id: 'u', event: 'e', event_id: 'i', timestamp }));
    expect((at(MIN_TIMESTAMP_US - 1) as Rejection).reject).toBe('timestamp_out_of_range');
    expect((at(MIN_TIMESTAMP_US) as EventRow).ts_us).toBe(MIN_TIMESTAMP_US);
    expect((at(NOW_US + 86_400_000_000) as EventRow).ts_us).toBe(NOW_US + 86_400_000_000);
    expect((at(NOW_US + 86_400_000_001) as Rejection).reject).toBe('timestamp_out_of_range');
    expect((at('1999-12-31T23:59:59Z') as Rejection).detail).toBe(
      '"1999-12-31T23:59:59Z" is before 2000-01-01 or more than a day ahead',
    );
  });

  it('field_too_large for ids and promoted strings over maxIdChars', () => {
    const n = normalizer({ maxIdChars: 5 });
    expect(reject({ ...BASE, user_id: 'abcdef' }, n)).toEqual({
      reject: 'field_too_large',
      detail: 'user_id has 6 characters, more than 5',
    });
    expect(reject({ ...BASE, event_id: 'abcdef' }, n).detail).toBe('event_id has 6 characters, more than 5');
    expect(reject({ ...BASE, event_id: 'e', event: 'abcdef' }, n).detail).toBe(
      'event has 6 characters, more than 5',
    );
    expect(reject({ ...BASE, event: 'e', city: 'Berlin' }, n).detail).toBe(
      'city has 6 characters, more than 5',
    );
    expect(
      accept({ ...BASE, event: 'e', event_id: 'e', city: 'Paris', note: 'a long property' }, n).city,
    ).toBe('Paris');
  });

  it('field_too_large for any other string (or key) over maxStringChars, with its path', () => {
    const n = normalizer({ maxStringChars: 10 });
    expect(reject({ ...BASE, meta: { list: ['ok', 'x'.repeat(11)] } }, n)).toEqual({
      reject: 'field_too_large',
      detail: 'meta.list.1 is longer than 10 characters',
    });
    expect(reject({ ...BASE, ['k'.repeat(11)]: 1 }, n).reject).toBe('field_too_large');
    expect(accept({ ...BASE, meta: 'x'.repeat(10) }, n).properties).toBe(`{"meta":"${'x'.repeat(10)}"}`);
  });

  it('skips the string walk for records no longer than maxStringChars (no string can exceed the record)', () => {
    const n = normalizer({ maxStringChars: 10 });
    // A lying byte count shows the walk is skipped; real records always have bytes >= any string length.
    const result = n(record({ ...BASE, meta: 'x'.repeat(50) }, 10));
    expect('reject' in result).toBe(false);
  });

  it.each([
    [{ age: 'thirty' }, 'age is "thirty", expected a number'],
    [{ age: true }, 'age is true, expected a number'],
    [{ latency_ms: '0x10' }, 'latency_ms is "0x10", expected a number'],
    [{ latency_ms: [1] }, 'latency_ms is [1], expected a number'],
    [{ os: { name: 'iOS' } }, 'os is an object, expected a string'],
    [{ device: ['phone'] }, 'device is an array, expected a string'],
    [{ event_id: { id: 1 } }, 'event_id is an object, expected a string or a number'],
  ])('invalid_field: %j', (fields, detail) => {
    expect(reject({ ...BASE, ...fields })).toEqual({ reject: 'invalid_field', detail });
  });

  it('accepts numeric strings for number fields', () => {
    expect(accept({ ...BASE, age: ' 42 ', latency_ms: '-1.5e2' })).toMatchObject({
      age: 42,
      latency_ms: -150,
    });
  });

  it('reports field_too_large before invalid_field', () => {
    const n = normalizer({ maxIdChars: 3 });
    expect(reject({ ...BASE, event_id: 'e', event: 'e', age: 'x', city: 'Berlin' }, n).reject).toBe(
      'field_too_large',
    );
  });
});

describe('derived event ids', () => {
  const noId = {
    user_id: 'u1',
    event: 'click',
    timestamp: '2024-03-01T10:00:00Z',
    b: { y: 1, x: [2, { d: 1, c: 2 }] },
    a: 1,
  };

  it('are h_ plus 32 base64url characters and sort the stored properties', () => {
    const row = accept(noId);
    expect(row.event_id).toMatch(/^h_[A-Za-z0-9_-]{32}$/);
    expect(row.properties).toBe('{"a":1,"b":{"x":[2,{"c":2,"d":1}],"y":1}}');
  });

  it('do not depend on key order, timestamp format or number-vs-string user ids', () => {
    const a = accept(noId).event_id;
    const reordered = accept({
      a: 1,
      b: { x: [2, { c: 2, d: 1 }], y: 1 },
      timestamp: 1709287200000,
      event: 'click',
      user_id: 'u1',
    });
    expect(reordered.event_id).toBe(a);
    const numeric = accept({ user_id: 7, event: 'e', ts: '2024-03-01 13:00:00+03:00' }).event_id;
    expect(accept({ ts: 1709287200, event: 'e', user_id: '7' }).event_id).toBe(numeric);
  });

  it('change when any column or property changes', () => {
    const a = accept(noId).event_id;
    expect(accept({ ...noId, a: 2 }).event_id).not.toBe(a);
    expect(accept({ ...noId, timestamp: '2024-03-01T10:00:00.000001Z' }).event_id).not.toBe(a);
    expect(accept({ ...noId, os: 'iOS' }).event_id).not.toBe(a);
  });

  it('are derived for a blank event_id', () => {
    expect(accept({ ...noId, event_id: '' }).event_id).toBe(accept(noId).event_id);
  });
});

describe('field mapping', () => {
  const mapped = createNormalizer({
    limits: DEFAULT_LIMITS,
    nowUs: NOW_US,
    mapping: {
      user_id: 'meta.uid',
      event: 'kind',
      timestamp: 'meta.at',
      os: 'device.os.name',
      age: 'person.age',
    },
  });

  it('reads mapped targets from their paths and removes them from the properties', () => {
    const row = accept(
      {
        event_id: 'e',
        kind: 'open',
        meta: { uid: 'm1', at: '2024-03-01T10:00:00Z', region: 'eu' },
        device: { os: { name: 'Android' } },
        person: { age: 20 },
      },
      mapped,
    );
    expect(row).toMatchObject({ user_id: 'm1', event: 'open', ts_us: T0, os: 'Android', age: 20 });
    expect(row.properties).toBe('{"meta":{"region":"eu"}}');
  });

  it('keeps the automatically detected key of a mapped target as ordinary data', () => {
    const row = accept({ ...BASE, meta: { uid: 'm1' } }, mapped);
    expect(row.user_id).toBe('m1');
    expect(JSON.parse(row.properties!)).toEqual({ user_id: 'u1' });
  });

  it('falls back to automatic detection when a mapped path is missing', () => {
    const row = accept({ ...BASE, os: 'iOS' }, mapped);
    expect(row).toMatchObject({ user_id: 'u1', event: 'click', ts_us: T0, os: 'iOS', properties: null });
  });

  it('does not change the input record', () => {
    const value = { event_id: 'e', kind: 'k', meta: { uid: 'm', at: 1709287200 } };
    const copy = structuredClone(value);
    accept(value, mapped);
    expect(value).toEqual(copy);
  });
});
