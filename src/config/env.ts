/**
 * The one module that reads environment variables. Everything else receives settings as arguments, so
 * tests and the server can run several configurations side by side.
 */
export interface Environment {
  /** SIGHTLINE_DB: the database file when --db is not given. */
  databasePath: string | undefined;
  /** SIGHTLINE_CONFIG: the project file when --config is not given. */
  configPath: string | undefined;
  /** SIGHTLINE_MEMORY_LIMIT: DuckDB's memory limit for every command (default: 64MB for bulk loads, else DuckDB's). */
  memoryLimit: string | undefined;
  /** NO_COLOR / CI: plain output without progress bars. */
  plainOutput: boolean;
  /**
   * Every variable, for the `${NAME}` references of channel definitions (tokens, webhook URLs, SMTP
   * passwords), which are substituted when a delivery is made.
   */
  variables: Readonly<Record<string, string | undefined>>;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  return {
    databasePath: nonEmpty(env['SIGHTLINE_DB']),
    configPath: nonEmpty(env['SIGHTLINE_CONFIG']),
    memoryLimit: nonEmpty(env['SIGHTLINE_MEMORY_LIMIT']),
    plainOutput: Boolean(nonEmpty(env['NO_COLOR']) || nonEmpty(env['CI'])),
    variables: env,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value : undefined;
}

export const DEFAULT_DATABASE = './sightline.duckdb';

/** `--db PATH`, else SIGHTLINE_DB, else ./sightline.duckdb. */
export function resolveDatabasePath(flag: string | undefined, env: Environment = readEnvironment()): string {
  return flag ?? env.databasePath ?? DEFAULT_DATABASE;
}
