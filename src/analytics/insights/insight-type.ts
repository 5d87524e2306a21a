import type { z } from 'zod';
import type { Row } from '../../data/warehouse/warehouse.ts';
import type { InsightContext } from './insight-context.ts';

/** A caveat a careful analyst should see beside the numbers (a stable code and a sentence). */
export interface InsightWarning {
  code: string;
  message: string;
}

/** What every insight result carries besides its numbers. */
export interface InsightResultBase {
  /** The SQL that ran, every query in order. */
  sql: string;
  warnings: InsightWarning[];
}

/** A command-line flag of an insight; its long name in camelCase is the spec's key. */
export interface InsightFlag {
  /** Commander syntax, for example `--event <name>`. */
  flags: string;
  description: string;
}

export interface TextTable {
  title?: string;
  rows: Row[];
}

/**
 * One insight type: a spec schema (the JSON of --spec, keys the long flags in camelCase), the flags that
 * fill it, the function that runs it, and how its result reads as tables for people.
 */
export interface InsightType<Spec = never, Result extends InsightResultBase = InsightResultBase> {
  readonly name: string;
  readonly summary: string;
  readonly schema: z.ZodType<Spec>;
  readonly flags: readonly InsightFlag[];
  run(ctx: InsightContext, spec: Spec): Promise<Result>;
  tables(result: Result): TextTable[];
}

/** Erases the type parameters for the registry; `defineInsight` keeps them at the definition. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds insight types of every spec and result.
export type AnyInsightType = InsightType<any, any>;

export function defineInsight<Spec, Result extends InsightResultBase>(
  type: InsightType<Spec, Result>,
): InsightType<Spec, Result> {
  return type;
}
