import { describe, expect, it } from 'vitest';
import { offsetSpans, utcOffsetSeconds } from './zone-offsets.ts';

const ms = (iso: string) => Date.parse(iso);
const year = (zone: string) => offsetSpans(zone, ms('2026-01-01T00:00:00Z'), ms('2027-01-01T00:00:00Z'));

describe('zone offsets', () => {
  it('finds both 2026 DST changes of Europe/Berlin to the second', () => {
    expect(year('Europe/Berlin')).toEqual([
      { from: -Infinity, offsetSeconds: 3600 },
      { from: ms('2026-03-29T01:00:00Z'), offsetSeconds: 7200 },
      { from: ms('2026-10-25T01:00:00Z'), offsetSeconds: 3600 },
    ]);
  });

  it('finds the changes of America/New_York and of Australia/Adelaide (half hours, southern summer)', () => {
    expect(year('America/New_York')).toEqual([
      { from: -Infinity, offsetSeconds: -18000 },
      { from: ms('2026-03-08T07:00:00Z'), offsetSeconds: -14400 },
      { from: ms('2026-11-01T06:00:00Z'), offsetSeconds: -18000 },
    ]);
    expect(year('Australia/Adelaide')).toEqual([
      { from: -Infinity, offsetSeconds: 37800 },
      { from: ms('2026-04-04T16:30:00Z'), offsetSeconds: 34200 },
      { from: ms('2026-10-03T16:30:00Z'), offsetSeconds: 37800 },
    ]);
  });

  it('gives one span for UTC and for a window without a change', () => {
    expect(year('UTC')).toEqual([{ from: -Infinity, offsetSeconds: 0 }]);
    expect(offsetSpans('Europe/Berlin', ms('2026-06-01T00:00:00Z'), ms('2026-07-01T00:00:00Z'))).toEqual([
      { from: -Infinity, offsetSeconds: 7200 },
    ]);
  });

  it('reads an offset at an instant, sub-second times included', () => {
    expect(utcOffsetSeconds('Europe/Berlin', ms('2026-10-25T00:59:59.999Z'))).toBe(7200);
    expect(utcOffsetSeconds('Europe/Berlin', ms('2026-10-25T01:00:00Z'))).toBe(3600);
  });
});
