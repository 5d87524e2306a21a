/**
 * A small CSV table reader for series files (a few columns, up to some millions of rows held in memory
 * as columns). Rows are split by the ingest reader's RFC 4180 row parser; quoted fields may not span
 * lines here, which series files never need.
 */
import { parseCsvRow } from '../../data/ingest/readers/csv-row.ts';
import { SightlineError } from '../../errors/index.ts';

export interface CsvTable {
  /** Column names from the header, or `column_1`, `column_2`, ... when the file has none. */
  readonly columns: readonly string[];
  readonly hasHeader: boolean;
  /** One array of raw cells per column. */
  readonly cells: readonly string[][];
  readonly rowCount: number;
}

const COMMA = 0x2c;

/**
 * Parses CSV text. The first row is a header when any of its cells is not a number or a timestamp-like
 * value that a data row would hold (a header such as `timestamp,value` never parses as numbers, while
 * a data row's value column always does).
 */
export function parseCsvTable(text: string, label: string): CsvTable {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) {
    throw new SightlineError('SL_FORECAST_INPUT_INVALID', `${label} is empty`);
  }
  const rows: string[][] = [];
  // In a file of one column a blank line is a missing value; with more columns it is nothing.
  const oneColumn = !lines[0]!.includes(',');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' && !oneColumn) continue;
    const cells = parseCsvRow(line, COMMA);
    if (typeof cells === 'string') {
      throw new SightlineError('SL_FORECAST_INPUT_INVALID', `${label} line ${i + 1}: ${cells}`);
    }
    rows.push(cells.map((c) => c.trim()));
  }
  const first = rows[0]!;
  const width = first.length;
  const hasHeader = first.some((cell, i) => !looksLikeData(cell, rows[1]?.[i]));
  const columns = hasHeader ? first : first.map((_, i) => `column_${i + 1}`);
  const body = hasHeader ? rows.slice(1) : rows;
  const cells: string[][] = columns.map(() => new Array<string>(body.length));
  for (let r = 0; r < body.length; r++) {
    const row = body[r]!;
    if (row.length !== width) {
      throw new SightlineError(
        'SL_FORECAST_INPUT_INVALID',
        `${label} line ${r + 1 + (hasHeader ? 1 : 0)}: ${row.length} fields where the ${hasHeader ? 'header' : 'first row'} has ${width}`,
      );
    }
    for (let c = 0; c < width; c++) cells[c]![r] = row[c]!;
  }
  return { columns, hasHeader, cells, rowCount: body.length };
}

/** A cell is data when it is numeric, or shaped like the cell below it (both dates, both ids). */
function looksLikeData(cell: string, below: string | undefined): boolean {
  if (cell === '' || Number.isFinite(Number(cell))) return true;
  if (/^\d{4}-\d{2}-\d{2}/.test(cell)) return true;
  // A text cell above a text cell (series ids) is data only when the row below also starts with text
  // and the first row is not made of known header names.
  return below !== undefined && !Number.isFinite(Number(below)) && !HEADER_NAMES.has(cell.toLowerCase());
}

/** Names that mark a header row (the columns a series file is looked up by). */
export const HEADER_NAMES = new Set([
  'series_id',
  'series',
  'id',
  'unique_id',
  'timestamp',
  'time',
  'ts',
  'date',
  'ds',
  't',
  'value',
  'y',
]);
