import { closest, SightlineError } from '../../errors/index.ts';
import type { Dialect } from './dialect.ts';
import { duckdbDialect } from './duckdb-dialect.ts';

/**
 * The registry of dialects. ClickHouse joins it with its own file; until then asking for it is an error,
 * never a silent fall-back to another engine's SQL.
 */
const DIALECTS: Readonly<Record<string, Dialect>> = { duckdb: duckdbDialect };

export function dialectFor(engine: string): Dialect {
  const dialect = DIALECTS[engine];
  if (dialect) return dialect;
  const suggestion = closest(engine, Object.keys(DIALECTS));
  throw new SightlineError(
    'SL_DIALECT_UNKNOWN',
    `no SQL dialect for engine "${engine}"; available: ${Object.keys(DIALECTS).join(', ')}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
  );
}
