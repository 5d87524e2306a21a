import { describe, expect, it } from 'vitest';
import { COMMA } from './csv-reader.ts';
import { parseCsvRow, uniqueColumnNames } from './csv-row.ts';
import type { InputWarning } from './types.ts';

describe('parseCsvRow', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['', ['']],
    [',', ['', '']],
    ['"a,b",c', ['a,b', 'c']],
    ['"",x', ['', 'x']],
    ['"a""b"', ['a"b']],
    ['a"b,c', ['a"b', 'c']],
    [' "a",b', [' "a"', 'b']],
  ])('%j -> %j', (row, fields) => {
    expect(parseCsvRow(row, COMMA)).toEqual(fields);
  });

  it('returns an error message for malformed quoting', () => {
    expect(parseCsvRow('"a"b', COMMA)).toBe('text after the closing quote of field 1');
    expect(parseCsvRow('x,"a', COMMA)).toBe('field 2 has an unclosed quote');
  });
});

describe('uniqueColumnNames', () => {
  it('keeps unique names and renames empty and repeated ones without taking a later name', () => {
    const warnings: InputWarning[] = [];
    expect(uniqueColumnNames(['a', '', 'a', 'a_2', 'a'], warnings, 'x.csv')).toEqual([
      'a',
      'column_2',
      'a_3',
      'a_2',
      'a_4',
    ]);
    expect(warnings).toEqual([
      {
        code: 'SL_INGEST_CSV_HEADER',
        message: 'x.csv: renamed empty or repeated columns: "" -> column_2, "a" -> a_3, "a" -> a_4',
      },
    ]);
  });

  it('warns about nothing when every name is unique', () => {
    const warnings: InputWarning[] = [];
    expect(uniqueColumnNames(['a', 'b'], warnings, 'x.csv')).toEqual(['a', 'b']);
    expect(warnings).toEqual([]);
  });
});
