import { closest, SightlineError } from '../../errors/index.ts';
import { cohortsInsight } from './cohorts/cohorts-insight.ts';
import { parseSpec } from './common-spec.ts';
import { funnelInsight } from './funnels/funnel-insight.ts';
import type { InsightContext } from './insight-context.ts';
import type { AnyInsightType, InsightResultBase } from './insight-type.ts';
import { lifecycleInsight } from './lifecycle/lifecycle-insight.ts';
import { pathsInsight } from './paths/paths-insight.ts';
import { retentionInsight } from './retention/retention-insight.ts';
import { sessionsInsight } from './sessions/sessions-insight.ts';
import { stickinessInsight } from './stickiness/stickiness-insight.ts';
import { trendsInsight } from './trends/trends-insight.ts';

/** Every insight type, in the order `sightline insight --help` lists them. */
export const INSIGHT_TYPES: readonly AnyInsightType[] = [
  trendsInsight,
  retentionInsight,
  funnelInsight,
  stickinessInsight,
  lifecycleInsight,
  pathsInsight,
  sessionsInsight,
  cohortsInsight,
];

export function insightType(name: string): AnyInsightType {
  const type = INSIGHT_TYPES.find((t) => t.name === name);
  if (type) return type;
  const names = INSIGHT_TYPES.map((t) => t.name);
  const suggestion = closest(name, names);
  throw new SightlineError(
    'SL_INSIGHT_INVALID',
    `unknown insight type "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; types: ${names.join(', ')}`,
  );
}

/** Validates a spec and runs the insight: the one entry point of the CLI, the API and reports. */
export async function runInsight(
  ctx: InsightContext,
  name: string,
  spec: unknown,
): Promise<InsightResultBase> {
  const type = insightType(name);
  return type.run(ctx, parseSpec(type.name, type.schema, spec));
}
