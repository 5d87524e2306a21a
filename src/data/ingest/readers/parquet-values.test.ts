import {
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
} from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { toJsonValue } from './parquet-values.ts';

describe('toJsonValue', () => {
  it('keeps safe integers as numbers and turns larger ones into exact strings', () => {
    expect(toJsonValue(9007199254740991n)).toBe(9007199254740991);
    expect(toJsonValue(-9007199254740991n)).toBe(-9007199254740991);
    expect(toJsonValue(9007199254740993n)).toBe('9007199254740993');
  });

  it('writes timestamps as ISO text with microseconds (UTC), flooring nanoseconds', () => {
    expect(toJsonValue(new DuckDBTimestampValue(1709287200123456n))).toBe('2024-03-01T10:00:00.123456Z');
    expect(toJsonValue(new DuckDBTimestampTZValue(1709287200000001n))).toBe('2024-03-01T10:00:00.000001Z');
    expect(toJsonValue(new DuckDBTimestampNanosecondsValue(1709287200123456789n))).toBe(
      '2024-03-01T10:00:00.123456Z',
    );
    expect(toJsonValue(new DuckDBTimestampNanosecondsValue(-1n))).toBe('1969-12-31T23:59:59.999999Z');
  });

  it('writes dates as YYYY-MM-DD and decimals as numbers only when exact', () => {
    expect(toJsonValue(new DuckDBDateValue(19783))).toBe('2024-03-01');
    expect(toJsonValue(new DuckDBDecimalValue(1234n, 18, 2))).toBe(12.34);
    expect(toJsonValue(new DuckDBDecimalValue(1234567890123456789n, 38, 2))).toBe('12345678901234567.89');
  });

  it('leaves out nulls and non-finite numbers, except as list elements', () => {
    expect(toJsonValue(null)).toBeUndefined();
    expect(toJsonValue(Number.NaN)).toBeUndefined();
    expect(toJsonValue(new DuckDBListValue([1, null, Number.POSITIVE_INFINITY]))).toEqual([1, null, null]);
    expect(toJsonValue(new DuckDBStructValue({ a: 1, b: null }))).toEqual({ a: 1 });
  });

  it('turns maps with string keys into objects and other maps into key/value lists', () => {
    expect(toJsonValue(new DuckDBMapValue([{ key: 'k', value: 'v' }]))).toEqual({ k: 'v' });
    const structKey = new DuckDBStructValue({ x: 1 });
    expect(toJsonValue(new DuckDBMapValue([{ key: structKey, value: 2 }]))).toEqual([
      { key: { x: 1 }, value: 2 },
    ]);
  });
});
