/**
 * Insights over HTTP: `POST /insights/:type` takes the CLI's `--spec` JSON and answers with what
 * `sightline insight TYPE --spec FILE --json` prints (the same `runInsight`, the saved cohorts' warnings
 * appended the same way); `GET /insights/types` describes every type's fields so the web app can build
 * its forms.
 */

import { parseSpec } from '../../analytics/insights/common-spec.ts';
import type { AnyInsightType, InsightResultBase } from '../../analytics/insights/insight-type.ts';
import { INSIGHT_TYPES } from '../../analytics/insights/registry.ts';
import { closest, SightlineError } from '../../errors/index.ts';
import type { RoutePlugin, ServerContext } from '../context.ts';
import { documentedBody, insightContextFor } from './insights-request.ts';

/** One field of an insight's spec, from its CLI flag: the key is the long flag in camelCase. */
export interface InsightField {
  readonly key: string;
  readonly flag: string;
  readonly description: string;
  /** false for a switch (`--cumulative`), true for a flag that takes a value. */
  readonly takesValue: boolean;
  /** true when the flag takes several values (`--step <events...>`). */
  readonly list: boolean;
}

/** The spec fields of a type, derived from its flags so the CLI help and the API cannot drift. */
export function insightFields(type: AnyInsightType): InsightField[] {
  return type.flags.map((f) => {
    const long = /--([a-z0-9-]+)/i.exec(f.flags)?.[1] ?? f.flags;
    return {
      key: long.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
      flag: f.flags,
      description: f.description,
      takesValue: /[<[]/.test(f.flags),
      list: f.flags.includes('...'),
    };
  });
}

/** The registered type of this name, or SL_NOT_FOUND (a 404) with a did-you-mean. */
export function insightTypeOr404(name: string): AnyInsightType {
  const type = INSIGHT_TYPES.find((t) => t.name === name);
  if (type) return type;
  const names = INSIGHT_TYPES.map((t) => t.name);
  const suggestion = closest(name, names);
  throw new SightlineError(
    'SL_NOT_FOUND',
    `unknown insight type "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
    { hint: `insight types: ${names.join(', ')}` },
  );
}

/** A spec must be a JSON object, as the CLI's --spec file must. */
export function specObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new SightlineError('SL_INSIGHT_INVALID', 'the body must be a JSON object (the insight spec)');
  return body as Record<string, unknown>;
}

/**
 * Runs one insight for a project through the server's time limit and result cache. The spec is checked
 * first (a mistake is an SL_INSIGHT_INVALID before any query) and the cache is keyed by the raw spec,
 * normalised by the context (key order does not matter).
 */
export async function runProjectInsight(
  context: ServerContext,
  projectId: string,
  typeName: string,
  spec: Record<string, unknown>,
): Promise<InsightResultBase> {
  const type = insightTypeOr404(typeName);
  const parsed = parseSpec(type.name, type.schema, spec);
  return context.run(projectId, { route: 'insight', type: type.name, spec }, async () => {
    const { ctx, warnings } = await insightContextFor(context, projectId);
    const result = (await type.run(ctx, parsed)) as InsightResultBase;
    result.warnings.push(...warnings);
    return result;
  });
}

export const insightRoutes: RoutePlugin = (app, context) => {
  const types = INSIGHT_TYPES.map((type) => ({
    name: type.name,
    summary: type.summary,
    fields: insightFields(type),
    schema: documentedBody(type.schema).schema?.body ?? null,
  }));

  app.get('/insights/types', async () => ({ types }));

  app.post<{ Params: { type: string } }>('/insights/:type', async (request) =>
    runProjectInsight(context, request.principal.projectId, request.params.type, specObject(request.body)),
  );
};
