/**
 * Reads the series of a forecast input: `timestamp,value`, `value` alone, or `series_id,timestamp,value`
 * for many series in one file (the long format of Nixtla and Prophet; `unique_id`/`ds`/`y` are accepted
 * as the same columns). Rows of a series may come in any order.
 */
import { parseTimestamp } from '../../data/events/timestamp.ts';
import { SightlineError } from '../../errors/index.ts';
import type { CsvTable } from './csv-table.ts';

/** One series as read: values with their times (epoch microseconds), or values alone (`times` null). */
export interface RawSeries {
  readonly id: string | null;
  readonly times: Float64Array | null;
  readonly values: Float64Array;
}

const ID_COLUMNS = ['series_id', 'unique_id', 'series', 'id'];
const TIME_COLUMNS = ['timestamp', 'time', 'ts', 'date', 'ds', 't'];
const VALUE_COLUMNS = ['value', 'y'];

export interface SeriesColumns {
  readonly id: number | null;
  readonly time: number | null;
  readonly value: number;
}

/** Which columns hold the id, the time and the value: by name, else by position (1, 2 or 3 columns). */
export function seriesColumns(table: CsvTable, label: string): SeriesColumns {
  const find = (names: string[]) => {
    const lower = table.columns.map((c) => c.toLowerCase());
    for (const name of names) {
      const i = lower.indexOf(name);
      if (i >= 0) return i;
    }
    return null;
  };
  if (table.hasHeader) {
    const value = find(VALUE_COLUMNS);
    if (value !== null) return { id: find(ID_COLUMNS), time: find(TIME_COLUMNS), value };
    if (table.columns.length > 3) {
      throw new SightlineError(
        'SL_FORECAST_INPUT_INVALID',
        `${label} has no "value" column (columns: ${table.columns.join(', ')})`,
        { hint: 'name the columns timestamp,value or series_id,timestamp,value' },
      );
    }
  }
  const width = table.columns.length;
  if (width === 1) return { id: null, time: null, value: 0 };
  if (width === 2) return { id: null, time: 0, value: 1 };
  if (width === 3) return { id: 0, time: 1, value: 2 };
  throw new SightlineError(
    'SL_FORECAST_INPUT_INVALID',
    `${label} has ${width} columns and no header naming them`,
    {
      hint: 'give value, timestamp,value or series_id,timestamp,value, with a header',
    },
  );
}

/** The series in a table, in order of first appearance. Empty value cells are missing points. */
export function readSeries(table: CsvTable, label: string): RawSeries[] {
  const columns = seriesColumns(table, label);
  const rowLine = (r: number) => r + 1 + (table.hasHeader ? 1 : 0);
  const values = new Float64Array(table.rowCount);
  const valueCells = table.cells[columns.value]!;
  for (let r = 0; r < table.rowCount; r++) {
    const cell = valueCells[r]!;
    const v =
      cell === '' || cell.toLowerCase() === 'na' || cell.toLowerCase() === 'nan' ? Number.NaN : Number(cell);
    if (Number.isNaN(v) && cell !== '' && !/^(na|nan)$/i.test(cell)) {
      throw new SightlineError(
        'SL_FORECAST_INPUT_INVALID',
        `${label} line ${rowLine(r)}: value ${JSON.stringify(cell)} is not a number`,
      );
    }
    values[r] = v;
  }
  let times: Float64Array | null = null;
  if (columns.time !== null) {
    times = new Float64Array(table.rowCount);
    const timeCells = table.cells[columns.time]!;
    for (let r = 0; r < table.rowCount; r++) {
      const t = parseTimestamp(timeCells[r]!);
      if (t === null) {
        throw new SightlineError(
          'SL_FORECAST_INPUT_INVALID',
          `${label} line ${rowLine(r)}: ${JSON.stringify(timeCells[r])} is not a timestamp`,
          { hint: 'use ISO 8601 (2024-05-01 or 2024-05-01T10:00:00Z) or epoch seconds/milliseconds' },
        );
      }
      times[r] = t;
    }
  }
  if (columns.id === null) return [{ id: null, times, values }];
  const groups = new Map<string, number[]>();
  const idCells = table.cells[columns.id]!;
  for (let r = 0; r < table.rowCount; r++) {
    const id = idCells[r]!;
    const rows = groups.get(id);
    if (rows === undefined) groups.set(id, [r]);
    else rows.push(r);
  }
  return [...groups].map(([id, rows]) => ({
    id,
    times: times === null ? null : Float64Array.from(rows, (r) => times[r]!),
    values: Float64Array.from(rows, (r) => values[r]!),
  }));
}
