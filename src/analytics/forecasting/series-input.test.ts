import { describe, expect, it } from 'vitest';
import { SightlineError } from '../../errors/index.ts';
import { parseCsvTable } from './csv-table.ts';
import { forecastTimes, historyTimes, prepareSeries } from './prepare-series.ts';
import { readSeries } from './series-input.ts';

const read = (text: string) => readSeries(parseCsvTable(text, 'in.csv'), 'in.csv');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof SightlineError ? error.code : 'not a SightlineError';
  }
  return undefined;
}

describe('reading forecast input', () => {
  it('reads timestamp,value with a header', () => {
    const [series] = read('timestamp,value\n2024-01-01,1\n2024-01-02,2\n2024-01-03,\n');
    expect(series!.id).toBeNull();
    expect(Array.from(series!.values)).toEqual([1, 2, Number.NaN]);
    expect(series!.times![1]! - series!.times![0]!).toBe(86_400_000_000);
  });

  it('reads a file of values alone, with no header', () => {
    const [series] = read('3\n4\n5\n');
    expect(series!.times).toBeNull();
    expect(Array.from(series!.values)).toEqual([3, 4, 5]);
  });

  it('splits series_id,timestamp,value into series in order of first appearance', () => {
    const series = read('unique_id,ds,y\nb,2024-01-02,20\na,2024-01-01,1\nb,2024-01-01,10\na,2024-01-02,2\n');
    expect(series.map((s) => s.id)).toEqual(['b', 'a']);
    expect(Array.from(series[0]!.values)).toEqual([20, 10]);
  });

  it('reads three columns with no header as series_id,timestamp,value', () => {
    const series = read('x,2024-01-01T00:00:00Z,1\nx,2024-01-01T01:00:00Z,2\n');
    expect(series).toHaveLength(1);
    expect(series[0]!.id).toBe('x');
  });

  it('rejects a value that is not a number with its line, and a bad timestamp with a hint', () => {
    expect(codeOf(() => read('timestamp,value\n2024-01-01,1\n2024-01-02,abc\n'))).toBe(
      'SL_FORECAST_INPUT_INVALID',
    );
    expect(() => read('timestamp,value\n2024-01-01,1\n2024-01-02,abc\n')).toThrow(/line 3/);
    expect(() => read('timestamp,value\nyesterday,1\n')).toThrow(/not a timestamp/);
  });

  it('rejects a row with the wrong number of fields and an empty file', () => {
    expect(() => read('timestamp,value\n2024-01-01,1,7\n')).toThrow(/3 fields/);
    expect(codeOf(() => read('\n\n'))).toBe('SL_FORECAST_INPUT_INVALID');
  });
});

describe('prepareSeries', () => {
  it('infers the week for daily data and gives the forecast dates after the last day', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')},${i}`);
    const [raw] = read(`timestamp,value\n${lines.join('\n')}\n`);
    const prepared = prepareSeries(raw!, null, 'in.csv');
    expect(prepared.seasonPeriods).toEqual([7]);
    expect(forecastTimes(prepared, 2)).toEqual(['2024-01-31', '2024-02-01']);
    expect(historyTimes(prepared)![0]).toBe('2024-01-01');
  });

  it('keeps hourly times as date-times', () => {
    const [raw] = read(
      'timestamp,value\n2024-01-01T00:00:00Z,1\n2024-01-01T01:00:00Z,2\n2024-01-01T02:00:00Z,3\n',
    );
    expect(forecastTimes(prepareSeries(raw!, null, 'in.csv'), 1)).toEqual(['2024-01-01T03:00:00Z']);
  });

  it('drops a season the history does not cover twice, with a coded warning', () => {
    const [raw] = read('1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n');
    const prepared = prepareSeries(raw!, [4, 7], 'in.csv');
    expect(prepared.seasonPeriods).toEqual([4]);
    expect(prepared.warnings.map((w) => w.code)).toEqual(['SL_FORECAST_SHORT_SERIES']);
  });

  it('fills missing values of a series without times and needs three numbers', () => {
    const [raw] = read('value\n1\n\n3\n4\n');
    expect(Array.from(prepareSeries(raw!, null, 'in.csv').y)).toEqual([1, 2, 3, 4]);
    const [short] = read('value\n1\n\n');
    expect(codeOf(() => prepareSeries(short!, null, 'in.csv'))).toBe('SL_FORECAST_INPUT_INVALID');
  });
});
