/**
 * The three read-only role dashboards every project has, built from its metrics layer so they work on a
 * fresh demo and adapt to another project file: a tile whose metrics the layer lacks is left out.
 *
 * - product: DAU/WAU/MAU, new users by source, weekly retention of campaign against organic cohorts, the
 *   main funnel (the events of the layer's count metrics, in declared order), engagement (CTR, messages
 *   per user), stickiness;
 * - marketing: new users by source, retention by source, the funnel by source;
 * - executive: DAU, MAU, stickiness (DAU / MAU), week-over-week change of DAU and new users, and a
 *   14-day forecast of DAU.
 */
import type { SemanticLayer } from '../../analytics/metrics/semantic-layer.ts';
import { FORECAST_TILE, type Tile } from './saved-schemas.ts';
import type { Dashboard } from './saved-store.ts';

export const BUILTIN_PREFIX = 'builtin:';

function tile(id: string, title: string, type: string, spec: Record<string, unknown>, width = 6): Tile {
  return { id, title, insight: { type, spec }, width };
}

/** The named dimension for a user column when the layer declares one (`acquisition_source`), else `user.x`. */
function userDimension(layer: SemanticLayer, column: string): string {
  for (const d of layer.dimensions.values()) if (d.ref === `user.${column}`) return d.name;
  return `user.${column}`;
}

/** The main funnel's steps: the events the layer counts, in the order its metrics are declared. */
function funnelSteps(layer: SemanticLayer): string[] {
  const events: string[] = [];
  for (const m of layer.metrics.values())
    if (m.type === 'count' && m.event !== '$any' && !events.includes(m.event)) events.push(m.event);
  return events.slice(0, 5);
}

export function builtinDashboards(layer: SemanticLayer): Dashboard[] {
  const has = (...names: string[]) => names.filter((n) => layer.metrics.has(n));
  const source = userDimension(layer, 'source');
  const campaign = userDimension(layer, 'campaign');
  const steps = funnelSteps(layer);
  const active = has('dau', 'wau', 'mau');
  const engagement = has('ctr', 'messages_per_user');
  const newUsers = has('new_users');
  const optional = (condition: boolean, t: () => Tile): Tile[] => (condition ? [t()] : []);

  const newBySource = optional(newUsers.length > 0, () =>
    tile('new-users-by-source', 'New users by source', 'trends', { metric: newUsers, breakdown: [source] }),
  );
  const product: Tile[] = [
    ...optional(active.length > 0, () =>
      tile('active-users', 'Active users (DAU, WAU, MAU)', 'trends', { metric: active }, 12),
    ),
    ...newBySource,
    tile('retention-campaign', 'Weekly retention: campaign vs organic cohorts', 'retention', {
      period: 'week',
      breakdown: campaign,
    }),
    ...optional(steps.length >= 2, () => tile('main-funnel', 'Main funnel', 'funnel', { steps })),
    ...optional(engagement.length > 0, () =>
      tile('engagement', 'Engagement (CTR, messages per user)', 'trends', { metric: engagement }),
    ),
    tile('stickiness', 'Stickiness (active days per user)', 'stickiness', {}),
  ];
  const marketing: Tile[] = [
    ...newBySource,
    tile('retention-by-source', 'Weekly retention by source', 'retention', {
      period: 'week',
      breakdown: source,
    }),
    ...optional(steps.length >= 2, () =>
      tile('funnel-by-source', 'Funnel by source', 'funnel', { steps, breakdown: source }),
    ),
  ];
  const executive: Tile[] = [
    ...has('dau').map((m) => tile('dau', 'Daily active users', 'trends', { metric: [m] })),
    ...has('mau').map((m) => tile('mau', 'Monthly active users', 'trends', { metric: [m] })),
    ...has('stickiness').map((m) => tile('stickiness', 'Stickiness (DAU / MAU)', 'trends', { metric: [m] })),
    ...optional(has('dau').length > 0, () =>
      tile('wow', 'Week over week', 'trends', {
        metric: [...has('dau'), ...newUsers],
        interval: 'week',
        compare: 'previous',
      }),
    ),
    ...has('dau').map((m) =>
      tile('dau-forecast', 'DAU forecast (14 days)', FORECAST_TILE, { metric: m, horizon: 14 }, 12),
    ),
  ];
  const dashboard = (
    role: 'product' | 'marketing' | 'executive',
    name: string,
    tiles: Tile[],
  ): Dashboard => ({
    id: `${BUILTIN_PREFIX}${role}`,
    name,
    role,
    filters: {},
    tiles,
    builtin: true,
    createdAt: null,
    updatedAt: null,
  });
  return [
    dashboard('product', 'Product', product),
    dashboard('marketing', 'Marketing', marketing),
    dashboard('executive', 'Executive', executive),
  ];
}
