/** Quotes an identifier for DuckDB: wrapped in double quotes, inner quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes `schema.table` (or a bare table) part by part. */
export function quoteQualified(name: string): string {
  return name.split('.').map(quoteIdentifier).join('.');
}

/** Quotes a string literal for DuckDB: single quotes doubled. Used only for values that cannot be bound (file paths in table functions). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
