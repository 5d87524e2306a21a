/**
 * Reads a causal impact analysis from a table: the response column, the control columns, and the pre-
 * and post-periods given as row numbers (1-based, inclusive, as a person counts rows) or as values of
 * the time column (`2019-04-16:2019-06-30`). By default, as R's CausalImpact takes its data, the
 * response is the first numeric column (or one named `y`/`value`) and every other numeric column is a
 * control.
 */
import { SightlineError } from '../../errors/index.ts';
import type { Period } from '../../math/causal/period.ts';
import type { CsvTable } from '../forecasting/csv-table.ts';

export interface CausalTableInput {
  readonly y: Float64Array;
  readonly controls: Float64Array[];
  readonly controlNames: string[];
  readonly responseName: string;
  /** The time column's cells, when the table has one. */
  readonly times: readonly string[] | null;
  readonly pre: Period;
  readonly post: Period;
}

const TIME_NAMES = ['timestamp', 'time', 'ts', 'date', 'ds', 't'];

export function causalInput(
  table: CsvTable,
  flags: { pre: string; post: string; response?: string; controls?: string },
  label: string,
): CausalTableInput {
  const lower = table.columns.map((c) => c.toLowerCase());
  const timeIndex = lower.findIndex((c) => TIME_NAMES.includes(c));
  const numeric = table.columns
    .map((_, i) => i)
    .filter(
      (i) => i !== timeIndex && table.cells[i]!.every((cell) => cell === '' || Number.isFinite(Number(cell))),
    );
  const column = (name: string): number => {
    const i = table.columns.indexOf(name);
    if (i < 0) {
      throw new SightlineError(
        'SL_FORECAST_INPUT_INVALID',
        `${label} has no column ${JSON.stringify(name)}`,
        {
          hint: `the columns are ${table.columns.join(', ')}`,
        },
      );
    }
    return i;
  };
  const response =
    flags.response !== undefined
      ? column(flags.response)
      : (numeric.find((i) => lower[i] === 'y' || lower[i] === 'value') ?? numeric[0]);
  if (response === undefined) {
    throw new SightlineError('SL_FORECAST_INPUT_INVALID', `${label} has no numeric column to analyse`);
  }
  const controlIndices =
    flags.controls !== undefined
      ? flags.controls.split(',').map((name) => column(name.trim()))
      : numeric.filter((i) => i !== response);
  const values = (i: number) =>
    Float64Array.from(table.cells[i]!, (cell) => (cell === '' ? Number.NaN : Number(cell)));
  const times = timeIndex >= 0 ? table.cells[timeIndex]! : null;
  return {
    y: values(response),
    controls: controlIndices.map(values),
    controlNames: controlIndices.map((i) => table.columns[i]!),
    responseName: table.columns[response]!,
    times,
    pre: period(flags.pre, '--pre', times, table.rowCount),
    post: period(flags.post, '--post', times, table.rowCount),
  };
}

/** `A:B` as 0-based inclusive rows: row numbers from 1, or values of the time column. */
function period(text: string, flag: string, times: readonly string[] | null, rows: number): Period {
  const parts = text.split(':');
  if (parts.length !== 2 || parts.some((p) => p.trim() === '')) {
    throw new SightlineError(
      'SL_CAUSAL_PERIOD_INVALID',
      `${flag} must be START:END, not ${JSON.stringify(text)}`,
    );
  }
  const index = (part: string): number => {
    const trimmed = part.trim();
    if (times !== null) {
      const at = times.findIndex(
        (t) => t === trimmed || t.startsWith(`${trimmed}T`) || t.startsWith(`${trimmed} `),
      );
      if (at >= 0) return at;
    }
    const row = Number(trimmed);
    if (Number.isInteger(row) && row >= 1 && row <= rows) return row - 1;
    throw new SightlineError(
      'SL_CAUSAL_PERIOD_INVALID',
      `${flag}: ${JSON.stringify(trimmed)} is neither a row number (1 to ${rows}) nor a time in the file`,
    );
  };
  return [index(parts[0]!), index(parts[1]!)];
}
