/**
 * Read-only SQL confined to one project. The server's warehouse is shared by every project and opened
 * for writing, so `sightline sql`'s locks (a read-only, sandboxed instance of its own) are not available;
 * instead the statement is parsed by the engine (`json_serialize_sql`, which serialises SELECT statements
 * only) and its syntax tree checked before it runs:
 *
 * - one SELECT statement (WITH, UNION, subqueries, joins allowed); anything else is SL_SQL_READ_ONLY;
 * - every table it names is one of the project tables (`events`, `users`, `exposures`, `user_daily`)
 *   unqualified, or a CTE of its own whose name is no table of the database: `main.events`, `meta.*`, a
 *   file (`FROM 'x.csv'`), another catalog are refused;
 * - no table functions but `range`, `generate_series` and `unnest`, and no functions that read files,
 *   run SQL text (`query`, `query_table`) or read settings and variables; no bound parameters.
 *
 * It then runs inside CTEs of the same names that keep the project's rows only, so the unqualified names
 * can reach nothing else: `WITH events AS NOT MATERIALIZED (SELECT * FROM main.events WHERE project_id = ?)
 * ... SELECT * FROM (<query>) LIMIT n+1`. NOT MATERIALIZED keeps DuckDB from copying a project's events
 * when a query names them twice; the filter is pushed into the scan.
 */

import type { Row, Warehouse } from '../../data/warehouse/warehouse.ts';
import { SightlineError } from '../../errors/index.ts';

/** The tables a project's SQL sees, each filtered to its rows. */
export const PROJECT_TABLES = ['events', 'users', 'exposures', 'user_daily'] as const;

const TABLE_FUNCTIONS = new Set(['range', 'generate_series', 'unnest']);

/** Functions that read files or the server's state, or run SQL given as text. */
const REFUSED_FUNCTION =
  /^(read_|query$|query_table$|glob$|sniff_|parquet_|iceberg_|delta_|getenv$|getvariable$|current_setting$|duckdb_|pragma_|which_secret$|load_|install_|json_execute_serialized_sql$|json_deserialize_sql$)/i;

/**
 * The only table references and query nodes a SELECT over the project tables may contain. Both carry a
 * `sample` key and no `class` in the serialised tree (expressions carry a `class`), which is how a
 * kind this list does not know is found and refused, rather than relying on the list below alone.
 */
const ALLOWED_REF_TYPES = new Set([
  'SELECT_NODE',
  'SET_OPERATION_NODE',
  'RECURSIVE_CTE_NODE',
  'CTE_NODE',
  'BASE_TABLE',
  'SUBQUERY',
  'JOIN',
  'TABLE_FUNCTION',
  'EXPRESSION_LIST',
  'EMPTY',
  'EMPTY_FROM',
]);
/** Every other table reference kind (SHOW/DESCRIBE, PIVOT over unknown inputs, internal kinds). */
const OTHER_REF_TYPES = new Set([
  'SHOW_REF',
  'COLUMN_DATA',
  'DELIM_GET',
  'BOUND_TABLE_REF',
  'PIVOT',
  'CTE',
  'INVALID',
]);

interface Serialized {
  error: boolean;
  error_message?: string;
  statements?: unknown[];
}

const readOnly = (message: string) =>
  new SightlineError('SL_SQL_READ_ONLY', message, {
    hint: `one SELECT (or WITH … SELECT) over ${PROJECT_TABLES.join(', ')}; they hold this project's rows only`,
  });

/** Walks a syntax tree: CTE names defined anywhere, table names, table functions, functions, parameters. */
function collect(node: unknown, found: { ctes: Set<string>; tables: string[]; problems: string[] }): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, found);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  const cteMap = o['cte_map'] as { map?: { key: string }[] } | undefined;
  for (const entry of cteMap?.map ?? []) found.ctes.add(entry.key.toLowerCase());
  const type = typeof o['type'] === 'string' ? (o['type'] as string) : '';
  const isRef = 'sample' in o && !('class' in o);
  if (OTHER_REF_TYPES.has(type) || (isRef && !ALLOWED_REF_TYPES.has(type)))
    found.problems.push(`${type.toLowerCase().replace(/_ref$/, '')} is not allowed`);
  if (type === 'BASE_TABLE') {
    const name = String(o['table_name']);
    if (o['schema_name'] !== '' || o['catalog_name'] !== '')
      found.problems.push(
        `qualified table ${[o['catalog_name'], o['schema_name'], name].filter((x) => x !== '').join('.')}`,
      );
    else found.tables.push(name);
  }
  if (type === 'TABLE_FUNCTION') {
    const fn = (o['function'] as { function_name?: string } | undefined)?.function_name ?? '?';
    if (!TABLE_FUNCTIONS.has(fn.toLowerCase())) found.problems.push(`table function ${fn}`);
  }
  if (o['class'] === 'FUNCTION' && typeof o['function_name'] === 'string') {
    const fn = o['function_name'];
    if (
      REFUSED_FUNCTION.test(fn) ||
      (typeof o['schema'] === 'string' && o['schema'] !== '' && o['schema'] !== 'main')
    )
      found.problems.push(`function ${fn}`);
  }
  if (o['class'] === 'PARAMETER') found.problems.push('bound parameters');
  for (const value of Object.values(o)) collect(value, found);
}

/**
 * Checks a statement against the rules above; returns the statement without a trailing semicolon, or
 * throws SL_SQL_READ_ONLY naming what was refused (SL_SQL_ERROR when it does not parse).
 */
export async function checkProjectSql(warehouse: Warehouse, text: string): Promise<string> {
  const [row] = await warehouse.query<{ j: string }>('SELECT json_serialize_sql(CAST(? AS VARCHAR)) AS j', [
    text,
  ]);
  const parsed = JSON.parse(row!.j) as Serialized;
  if (parsed.error) {
    const message = parsed.error_message ?? 'the statement could not be parsed';
    if (/only SELECT statements/i.test(message)) throw readOnly('only SELECT statements are allowed here');
    throw new SightlineError('SL_SQL_ERROR', message.split('\n')[0]!);
  }
  const statements = parsed.statements ?? [];
  if (statements.length !== 1)
    throw new SightlineError('SL_BAD_REQUEST', `expected one SQL statement, got ${statements.length}`, {
      hint: 'run statements one at a time',
    });
  const found = { ctes: new Set<string>(), tables: [] as string[], problems: [] as string[] };
  collect(statements, found);
  const existing = new Set(
    (
      await warehouse.query<{ name: string }>(
        'SELECT lower(table_name) AS name FROM duckdb_tables() UNION SELECT lower(view_name) FROM duckdb_views()',
      )
    ).map((r) => r.name),
  );
  const scoped = new Set<string>(PROJECT_TABLES);
  for (const cte of found.ctes)
    if (existing.has(cte) && !scoped.has(cte)) found.problems.push(`a CTE named like the table ${cte}`);
  for (const table of found.tables) {
    const name = table.toLowerCase();
    if (!scoped.has(name) && !(found.ctes.has(name) && !existing.has(name)))
      found.problems.push(`table ${table}`);
  }
  if (found.problems.length > 0) throw readOnly(`refused: ${[...new Set(found.problems)].join(', ')}`);
  return text.replace(/[\s;]+$/, '');
}

export interface ProjectSqlResult {
  readonly rows: Row[];
  readonly rowCount: number;
  readonly truncated: boolean;
  readonly limit: number;
}

/** Runs a checked statement over the project's rows, at most `limit` rows (`truncated` when there were more). */
export async function runProjectSql(
  warehouse: Warehouse,
  projectId: string,
  text: string,
  limit: number,
): Promise<ProjectSqlResult> {
  const statement = await checkProjectSql(warehouse, text);
  const ctes = PROJECT_TABLES.map(
    (t) => `${t} AS NOT MATERIALIZED (SELECT * FROM main.${t} WHERE project_id = ?)`,
  ).join(',\n  ');
  // The newline before the closing parenthesis ends a trailing `--` comment of the user's statement.
  const wrapped = `WITH ${ctes}\nSELECT * FROM (\n${statement}\n) AS result LIMIT ${limit + 1}`;
  let rows: Row[];
  try {
    rows = await warehouse.query(
      wrapped,
      PROJECT_TABLES.map(() => projectId),
    );
  } catch (error) {
    if (error instanceof SightlineError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new SightlineError('SL_SQL_ERROR', message.split('\n')[0]!);
  }
  const truncated = rows.length > limit;
  if (truncated) rows = rows.slice(0, limit);
  return { rows, rowCount: rows.length, truncated, limit };
}
