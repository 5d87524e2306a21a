import type { Command } from 'commander';
import { DuckDBWarehouse } from '../../data/warehouse/duckdb/duckdb-warehouse.ts';
import { SightlineError } from '../../errors/index.ts';
import { action } from '../cli-error.ts';
import { commandContext, type GlobalOptions } from '../context.ts';
import { formatCsv, formatTable } from '../format.ts';

const READ_KINDS = new Set(['SELECT', 'EXPLAIN']);

interface SqlFlags extends GlobalOptions {
  json?: boolean;
  csv?: boolean;
  limit?: string;
}

/**
 * Read-only SQL. Three locks keep it so: the file is opened READ_ONLY, the engine is sandboxed (no file
 * access, no ATTACH, no extensions, settings locked), and only SELECT / EXPLAIN statements are run, so
 * a refused statement gets our coded error instead of an engine message.
 */
export async function runReadOnlySql(databasePath: string, sql: string): Promise<Record<string, unknown>[]> {
  const warehouse = await DuckDBWarehouse.open(databasePath, { readOnly: true, sandboxed: true });
  try {
    let kinds: string[];
    try {
      kinds = await warehouse.statementKinds(sql);
    } catch (error) {
      throw asSqlError(error);
    }
    if (kinds.length !== 1) {
      throw new SightlineError('SL_USAGE', `expected one SQL statement, got ${kinds.length}`, {
        hint: 'run statements one at a time',
      });
    }
    if (!READ_KINDS.has(kinds[0]!)) {
      throw new SightlineError('SL_SQL_READ_ONLY', `${kinds[0]} statements are not allowed here`);
    }
    try {
      return await warehouse.query(sql);
    } catch (error) {
      throw asSqlError(error);
    }
  } finally {
    await warehouse.close();
  }
}

function asSqlError(error: unknown): SightlineError {
  const message = error instanceof Error ? error.message : String(error);
  if (
    /external access|disabled by configuration|read-only|cannot be changed|lock_configuration/i.test(message)
  ) {
    return new SightlineError('SL_SQL_READ_ONLY', message.split('\n')[0]!);
  }
  return new SightlineError('SL_SQL_ERROR', message.split('\n')[0]!);
}

export function registerSql(program: Command): void {
  program
    .command('sql')
    .description('run one read-only SQL query against the warehouse')
    .argument('<query>', 'a SELECT (or EXPLAIN) statement')
    .option('--json', 'print the rows as a JSON array')
    .option('--csv', 'print the rows as CSV')
    .action(
      action(async (query: string, flags: SqlFlags, command: Command) => {
        const context = commandContext(command.optsWithGlobals<SqlFlags>());
        const rows = await runReadOnlySql(context.databasePath, query);
        if (flags.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
        else if (flags.csv) process.stdout.write(formatCsv(rows));
        else
          process.stdout.write(`${formatTable(rows)}\n(${rows.length} row${rows.length === 1 ? '' : 's'})\n`);
      }),
    );
}
