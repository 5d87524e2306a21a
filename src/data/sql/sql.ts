import type { SqlValue } from '../warehouse/warehouse.ts';

/**
 * A piece of SQL that keeps its values apart from its text until a dialect renders it, so no value is ever
 * spliced in unescaped: a dialect either binds the values or inlines each through its tested escaper.
 */
export class Sql {
  constructor(readonly parts: readonly SqlPart[]) {}

  /** True when the fragment has no text and no values. */
  get isEmpty(): boolean {
    return this.parts.every((part) =>
      typeof part === 'string' ? part.length === 0 : part instanceof Sql && part.isEmpty,
    );
  }
}

/** An identifier (a column, table or alias name) that the dialect quotes. */
export class Identifier {
  constructor(readonly names: readonly string[]) {}
}

/** A value the dialect binds or escapes. */
export class Value {
  constructor(readonly value: SqlValue) {}
}

export type SqlPart = string | Sql | Identifier | Value;

/** What may be interpolated into `sql`: another fragment, an identifier, or a plain value (escaped). */
export type SqlArgument = Sql | Identifier | Value | SqlValue;

/**
 * The template tag: text is trusted SQL written in this code base; every `${…}` is a value unless it is a
 * fragment or an identifier.
 */
export function sql(strings: TemplateStringsArray, ...args: readonly SqlArgument[]): Sql {
  const parts: SqlPart[] = [];
  strings.forEach((text, index) => {
    if (text.length > 0) parts.push(text);
    if (index < args.length) parts.push(asPart(args[index] as SqlArgument));
  });
  return new Sql(parts);
}

function asPart(arg: SqlArgument): SqlPart {
  if (arg instanceof Sql || arg instanceof Identifier || arg instanceof Value) return arg;
  return new Value(arg);
}

/** A quoted identifier; `ident('u', 'source')` is `"u"."source"`. */
export function ident(...names: string[]): Identifier {
  return new Identifier(names);
}

/** Trusted SQL text written in this code base (keywords, operators, function names). Never user input. */
export function raw(text: string): Sql {
  return new Sql([text]);
}

/** A value, for places where a bare argument would be ambiguous. */
export function value(v: SqlValue): Value {
  return new Value(v);
}

/** Joins fragments with a separator, skipping empty ones. */
export function join(fragments: readonly SqlArgument[], separator = ', '): Sql {
  const parts: SqlPart[] = [];
  for (const fragment of fragments) {
    if (fragment instanceof Sql && fragment.isEmpty) continue;
    if (parts.length > 0) parts.push(separator);
    parts.push(asPart(fragment));
  }
  return new Sql(parts);
}

/** `a AND b AND …`, or TRUE when there are none. */
export function and(conditions: readonly Sql[]): Sql {
  const present = conditions.filter((c) => !c.isEmpty);
  if (present.length === 0) return raw('TRUE');
  if (present.length === 1) return present[0] as Sql;
  return sql`(${join(
    present.map((c) => sql`(${c})`),
    ' AND ',
  )})`;
}

/** `a OR b OR …`, or FALSE when there are none. */
export function or(conditions: readonly Sql[]): Sql {
  if (conditions.length === 0) return raw('FALSE');
  if (conditions.length === 1) return conditions[0] as Sql;
  return sql`(${join(
    conditions.map((c) => sql`(${c})`),
    ' OR ',
  )})`;
}
