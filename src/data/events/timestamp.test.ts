import { describe, expect, it } from 'vitest';
import { civilFromDays, daysFromCivil, formatTimestampUs, parseTimestamp } from './timestamp.ts';

// Reference values computed with Python's datetime (exact microseconds), e.g.
// datetime(2024,3,1,10,0,0,123456,tzinfo=timezone(timedelta(hours=3))) -> 1709276400123456.
const T_2024_03_01_10_UTC = 1709287200000000;

describe('parseTimestamp: ISO 8601', () => {
  it.each([
    ['2024-03-01T10:00:00Z', T_2024_03_01_10_UTC],
    ['2024-03-01T10:00:00z', T_2024_03_01_10_UTC],
    ['2024-03-01t10:00:00Z', T_2024_03_01_10_UTC],
    ['2024-03-01 10:00:00', T_2024_03_01_10_UTC],
    ['2024-03-01T10:00:00', T_2024_03_01_10_UTC],
    ['2024-03-01T10:00', T_2024_03_01_10_UTC],
    ['2024-03-01T10:00Z', T_2024_03_01_10_UTC],
    ['2024-03-01T13:00:00+03:00', T_2024_03_01_10_UTC],
    ['2024-03-01T13:00:00+0300', T_2024_03_01_10_UTC],
    ['2024-03-01T13:00:00+03', T_2024_03_01_10_UTC],
    ['2024-03-01T04:30:00-05:30', T_2024_03_01_10_UTC],
    ['2024-03-01T10:00:00.123456+03:00', 1709276400123456],
    ['2024-03-01T10:00:00.000000+00:00', T_2024_03_01_10_UTC],
    ['2024-03-01T10:00:00.1Z', T_2024_03_01_10_UTC + 100000],
    ['2024-03-01T10:00:00.123Z', T_2024_03_01_10_UTC + 123000],
    ['2024-03-01T10:00:00,5Z', T_2024_03_01_10_UTC + 500000],
    ['2024-03-01T10:00:00.123456789Z', T_2024_03_01_10_UTC + 123456],
    ['2024-03-01T10:00:00.999999999Z', T_2024_03_01_10_UTC + 999999],
    ['2024-03-01', 1709251200000000],
    ['2024-02-29T23:59:59.999999Z', 1709251199999999],
    ['2000-01-01T00:00:00Z', 946684800000000],
    ['1969-12-31T23:59:59Z', -1000000],
    ['  2024-03-01T10:00:00Z\n', T_2024_03_01_10_UTC],
  ])('%j -> %d', (text, expected) => {
    expect(parseTimestamp(text)).toBe(expected);
  });

  it('agrees with Date.UTC on every day of a leap and a non-leap year', () => {
    for (const year of [2023, 2024, 2000, 2100]) {
      for (let day = 0; day < 366; day++) {
        const ms = Date.UTC(year, 0, 1 + day, 7, 8, 9);
        const iso = new Date(ms).toISOString(); // ...T07:08:09.000Z
        expect(parseTimestamp(iso)).toBe(ms * 1000);
      }
    }
  });

  it.each([
    '2024-13-01',
    '2024-00-10',
    '2024-02-30',
    '2023-02-29',
    '2100-02-29',
    '2024-04-31',
    '2024-03-00',
    '2024-03-01T24:00:00Z',
    '2024-03-01T10:60:00Z',
    '2024-03-01T10:00:60Z',
    '2024-03-01T10:00:00.Z',
    '2024-03-01T10:00:00.1234567890Z',
    '2024-03-01T10',
    '2024-03-01X10:00:00',
    '2024-03-01T10:00:00+24:00',
    '2024-03-01T10:00:00+03:0',
    '2024-03-01T10:00:00+03:60',
    '2024-03-01T10:00:00ZZ',
    '2024-03-01T10:00:00 UTC',
    '2024-3-1',
    '24-03-01T10:00:00Z',
    'March 1, 2024',
    '',
    '   ',
  ])('rejects %j', (text) => {
    expect(parseTimestamp(text)).toBeNull();
  });
});

describe('parseTimestamp: epoch numbers', () => {
  it.each([
    [1709287200, T_2024_03_01_10_UTC],
    [1709287200.5, T_2024_03_01_10_UTC + 500000],
    [1709287200.123456, T_2024_03_01_10_UTC + 123456],
    [1709287200123, T_2024_03_01_10_UTC + 123000],
    [1709287200123.5, T_2024_03_01_10_UTC + 123500],
    [1709287200123456, T_2024_03_01_10_UTC + 123456],
    [0, 0],
    [99_999_999_999, 99_999_999_999_000_000], // last value read as seconds
    [100_000_000_000, 100_000_000_000_000], // first value read as milliseconds
    [99_999_999_999_999, 99_999_999_999_999_000],
    [100_000_000_000_000, 100_000_000_000_000], // first value read as microseconds
  ])('number %d -> %d', (value, expected) => {
    expect(parseTimestamp(value)).toBe(expected);
  });

  it.each([
    ['1709287200', T_2024_03_01_10_UTC],
    ['1709287200.123456', T_2024_03_01_10_UTC + 123456],
    ['1709287200.1234569', T_2024_03_01_10_UTC + 123456],
    ['1709287200123', T_2024_03_01_10_UTC + 123000],
    ['1709287200123.456', T_2024_03_01_10_UTC + 123456],
    ['1709287200123456', T_2024_03_01_10_UTC + 123456],
    ['1709287200123456.9', T_2024_03_01_10_UTC + 123456],
    ['+1709287200', T_2024_03_01_10_UTC],
    ['-1', -1000000],
    ['1.7092872e9', T_2024_03_01_10_UTC],
    [' 1709287200 ', T_2024_03_01_10_UTC],
  ])('numeric string %j -> %d', (value, expected) => {
    expect(parseTimestamp(value)).toBe(expected);
  });

  it('accepts a bigint and a Date', () => {
    expect(parseTimestamp(1709287200123456n)).toBe(T_2024_03_01_10_UTC + 123456);
    expect(parseTimestamp(new Date(Date.UTC(2024, 2, 1, 10)))).toBe(T_2024_03_01_10_UTC);
  });

  it.each([
    1e17,
    1.7e18, // nanoseconds are not accepted
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '1e17',
    '0x10',
    'Infinity',
    '12abc',
    '.',
    '-',
    '1.2.3',
    null,
    undefined,
    true,
    {},
    [],
  ])('rejects %j', (value) => {
    expect(parseTimestamp(value)).toBeNull();
  });
});

describe('formatTimestampUs', () => {
  it('writes ISO text with six fraction digits that parses back to the same value', () => {
    expect(formatTimestampUs(1709276400123456)).toBe('2024-03-01T07:00:00.123456Z');
    expect(formatTimestampUs(-1n)).toBe('1969-12-31T23:59:59.999999Z');
    for (const us of [0, 946684800000000, 1709251199999999, 4102444800000001]) {
      expect(parseTimestamp(formatTimestampUs(us))).toBe(us);
    }
  });

  it('civilFromDays inverts daysFromCivil', () => {
    for (let days = -800000; days < 800000; days += 997) {
      const [y, m, d] = civilFromDays(days)
        .split(/(?<=\d)-/)
        .map(Number);
      expect(daysFromCivil(y!, m!, d!)).toBe(days);
    }
  });
});
