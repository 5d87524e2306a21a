/**
 * What the analytics routes share: validating a body with its zod schema into a coded error, and the
 * insight context of the key's project (the warehouse, the metrics layer with the project's saved
 * cohorts, the project id every query is filtered by).
 */
import { z } from 'zod';
import { withSavedCohorts } from '../../analytics/insights/cohorts/cohort-store.ts';
import { schemaProblems } from '../../analytics/insights/common-spec.ts';
import { InsightContext } from '../../analytics/insights/insight-context.ts';
import type { InsightWarning } from '../../analytics/insights/insight-type.ts';
import { type ErrorCode, SightlineError } from '../../errors/index.ts';
import type { ServerContext } from '../context.ts';

/**
 * The body parsed by `schema`, or a SightlineError with `code` listing every problem by its path (and a
 * did-you-mean for a misspelt key), so a client fixes them all at once.
 */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, code: ErrorCode = 'SL_BAD_REQUEST'): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const problems = schemaProblems(schema, result.error, 'body');
  throw new SightlineError(code, problems.join('; '), { details: { problems } });
}

/**
 * Route options that document a body in the OpenAPI document without letting fastify validate it: its
 * default validator drops unknown keys and coerces types silently, where `parseBody` names every problem
 * with a code. A schema zod cannot express is left undocumented rather than wrong.
 */
export function documentedBody(schema: z.ZodType): {
  schema?: { body: Record<string, unknown> };
  validatorCompiler?: () => (data: unknown) => { value: unknown };
} {
  let body: Record<string, unknown>;
  try {
    body = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  } catch {
    return {};
  }
  delete body['$schema'];
  return { schema: { body }, validatorCompiler: () => (data) => ({ value: data }) };
}

export interface ProjectInsightContext {
  readonly ctx: InsightContext;
  /** Saved cohorts left out (shadowed or no longer valid): added to a result's warnings, as the CLI does. */
  readonly warnings: readonly InsightWarning[];
}

/** The insight context of one project, with its saved cohorts usable as `cohort = 'name'`. */
export async function insightContextFor(
  context: ServerContext,
  projectId: string,
): Promise<ProjectInsightContext> {
  const saved = await withSavedCohorts(context.warehouse, projectId, context.project.layer);
  return { ctx: new InsightContext(context.warehouse, saved.layer, projectId), warnings: saved.warnings };
}
