import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EventRow } from './event.ts';
import { deriveEventId, sortedJson } from './event-id.ts';

const ROW: Omit<EventRow, 'event_id'> = {
  user_id: 'u1',
  event: 'click',
  ts_us: 1709287200000000,
  properties: '{"a":1}',
  session_id: null,
  source: null,
  campaign: null,
  os: 'iOS',
  device: null,
  country: null,
  city: null,
  app_version: null,
  platform: null,
  exp_group: null,
  gender: null,
  post_id: null,
  receiver_id: null,
  age: 30,
  latency_ms: null,
};

describe('sortedJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(sortedJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('matches JSON.stringify for values without objects out of order', () => {
    for (const value of [null, 1, 'x"\n', [1, 'a', null], { a: 1, b: 'two', c: true }, {}]) {
      expect(sortedJson(value)).toBe(JSON.stringify(value));
    }
  });

  it('orders integer-like keys as strings', () => {
    expect(sortedJson({ 9: 'a', 10: 'b' })).toBe('{"10":"b","9":"a"}');
  });
});

describe('deriveEventId', () => {
  it('is h_ + the first 32 base64url characters of SHA-256 over the sorted columns (independent reference)', () => {
    const columns = Object.keys(ROW).sort();
    const canonical = JSON.stringify(columns.map((c) => ROW[c as keyof typeof ROW]));
    const expected = 'h_' + createHash('sha256').update(canonical).digest('base64url').slice(0, 32);
    expect(deriveEventId(ROW)).toBe(expected);
  });

  it('ignores the key order of the row object and whatever event_id the row already has', () => {
    const reversed = Object.fromEntries(Object.entries(ROW).reverse()) as typeof ROW;
    expect(deriveEventId(reversed)).toBe(deriveEventId(ROW));
    expect(deriveEventId({ ...ROW, event_id: 'client-0001' } as EventRow)).toBe(deriveEventId(ROW));
  });

  it('changes with any column', () => {
    const id = deriveEventId(ROW);
    expect(deriveEventId({ ...ROW, ts_us: ROW.ts_us + 1 })).not.toBe(id);
    expect(deriveEventId({ ...ROW, age: null })).not.toBe(id);
    expect(deriveEventId({ ...ROW, properties: null })).not.toBe(id);
  });
});
