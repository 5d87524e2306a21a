/**
 * The bodies of saved insights and dashboards. A saved insight's spec is checked with its type's own
 * schema (the one `sightline insight TYPE` uses) without running the query; a tile holds an insight
 * (any insight type, or `forecast` with the body of `POST /forecasts` for a metric) or a saved insight's id.
 */
import { z } from 'zod';
import { parseSpec } from '../../analytics/insights/common-spec.ts';
import { SightlineError } from '../../errors/index.ts';
import { forecastBodySchema } from './forecasts.ts';
import { insightTypeOr404 } from './insights.ts';
import { parseBody } from './insights-request.ts';

/** Tile types besides the insight registry's. */
export const FORECAST_TILE = 'forecast';

const name = z.string().trim().min(1).max(200);
const specObject = z.record(z.string(), z.unknown());
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const savedInsightSchema = z.strictObject({
  name,
  type: z.string().min(1),
  spec: specObject,
  description: z.string().max(2000).optional(),
});
export type SavedInsightBody = z.infer<typeof savedInsightSchema>;

export const dashboardFiltersSchema = z.strictObject({
  dateFrom: date.optional(),
  dateTo: date.optional(),
  where: z.string().min(1).max(2000).optional(),
});
export type DashboardFilters = z.infer<typeof dashboardFiltersSchema>;

const tileInsight = z.union([
  z.strictObject({ type: z.string().min(1), spec: specObject }),
  z.strictObject({ savedInsightId: z.string().min(1) }),
]);

export const tileSchema = z.strictObject({
  id: z.string().min(1).max(100),
  title: z.string().max(200),
  insight: tileInsight,
  width: z.number().int().min(1).max(12).optional(),
});
export type Tile = z.infer<typeof tileSchema>;

export const DASHBOARD_ROLES = ['product', 'marketing', 'executive'] as const;

export const dashboardSchema = z.strictObject({
  name,
  role: z.enum(DASHBOARD_ROLES).optional(),
  filters: dashboardFiltersSchema.optional(),
  tiles: z.array(tileSchema).max(50),
});
export type DashboardBody = z.infer<typeof dashboardSchema>;

/** Checks an inline insight's spec against its type without running it; throws the type's coded error. */
export function checkInsightSpec(type: string, spec: Record<string, unknown>): void {
  if (type === FORECAST_TILE) {
    const body = parseBody(forecastBodySchema, spec, 'SL_FORECAST_OPTION_INVALID');
    if (body.metric === undefined)
      throw new SightlineError(
        'SL_FORECAST_OPTION_INVALID',
        'a forecast tile forecasts a metric: give metric',
      );
    return;
  }
  const insight = insightTypeOr404(type);
  parseSpec(insight.name, insight.schema, spec);
}

/** A saved insight body, parsed and its spec checked. */
export function parseSavedInsight(body: unknown): SavedInsightBody {
  const parsed = parseBody(savedInsightSchema, body);
  checkInsightSpec(parsed.type, parsed.spec);
  return parsed;
}

/**
 * A dashboard body, parsed, with tile ids unique and every inline spec checked; `savedExists` tells
 * whether a referenced saved insight exists in the project.
 */
export async function parseDashboard(
  body: unknown,
  savedExists: (id: string) => Promise<boolean>,
): Promise<DashboardBody> {
  const parsed = parseBody(dashboardSchema, body);
  const ids = new Set<string>();
  for (const [i, tile] of parsed.tiles.entries()) {
    if (ids.has(tile.id))
      throw new SightlineError('SL_BAD_REQUEST', `tiles.${i}.id: "${tile.id}" is used by another tile`);
    ids.add(tile.id);
    if ('savedInsightId' in tile.insight) {
      if (!(await savedExists(tile.insight.savedInsightId)))
        throw new SightlineError(
          'SL_BAD_REQUEST',
          `tiles.${i}.insight.savedInsightId: no saved insight "${tile.insight.savedInsightId}" in this project`,
        );
    } else checkInsightSpec(tile.insight.type, tile.insight.spec);
  }
  return parsed;
}
