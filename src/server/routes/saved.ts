/**
 * Saved insights and dashboards: `/saved-insights[/:id]` and `/dashboards[/:id]` (POST, GET, PUT,
 * DELETE), viewers read and editors write; `GET /dashboards` also lists the three built-in role
 * dashboards (`builtin:product|marketing|executive`, read-only); `POST /dashboards/:id/run` runs every
 * tile of a dashboard with global `{dateFrom, dateTo, where}` and answers with each tile's result or its
 * coded error. An id of another project is not found (404), like an id that never existed.
 */
import { SightlineError } from '../../errors/index.ts';
import { requireRole } from '../auth.ts';
import type { RoutePlugin } from '../context.ts';
import { documentedBody, parseBody } from './insights-request.ts';
import { BUILTIN_PREFIX, builtinDashboards } from './saved-builtin.ts';
import { runDashboard } from './saved-run.ts';
import {
  dashboardFiltersSchema,
  dashboardSchema,
  parseDashboard,
  parseSavedInsight,
  savedInsightSchema,
} from './saved-schemas.ts';
import { type Dashboard, SavedStore } from './saved-store.ts';

type WithId = { Params: { id: string } };

const notFound = (what: string, id: string) =>
  new SightlineError('SL_NOT_FOUND', `no ${what} "${id}" in this project`);

const readOnly = (id: string) =>
  new SightlineError('SL_BAD_REQUEST', `"${id}" is a built-in dashboard and cannot be changed`, {
    hint: 'create a dashboard of your own with POST /api/v1/dashboards (its tiles may be copied)',
  });

export const savedRoutes: RoutePlugin = (app, context) => {
  const store = new SavedStore(context.warehouse);
  const builtins = builtinDashboards(context.project.layer);

  async function dashboard(projectId: string, id: string): Promise<Dashboard> {
    const builtin = builtins.find((d) => d.id === id);
    if (builtin) return builtin;
    const stored = await store.getDashboard(projectId, id);
    if (!stored) throw notFound('dashboard', id);
    return stored;
  }

  app.get('/saved-insights', async (request) => ({
    savedInsights: await store.listInsights(request.principal.projectId),
  }));

  app.get<WithId>('/saved-insights/:id', async (request) => {
    const found = await store.getInsight(request.principal.projectId, request.params.id);
    if (!found) throw notFound('saved insight', request.params.id);
    return found;
  });

  app.post('/saved-insights', documentedBody(savedInsightSchema), async (request, reply) => {
    requireRole(request, 'editor');
    const body = parseSavedInsight(request.body);
    reply.status(201);
    return store.createInsight(request.principal.projectId, body);
  });

  app.put<WithId>('/saved-insights/:id', documentedBody(savedInsightSchema), async (request) => {
    requireRole(request, 'editor');
    const body = parseSavedInsight(request.body);
    const updated = await store.updateInsight(request.principal.projectId, request.params.id, body);
    if (!updated) throw notFound('saved insight', request.params.id);
    return updated;
  });

  app.delete<WithId>('/saved-insights/:id', async (request, reply) => {
    requireRole(request, 'editor');
    if (!(await store.deleteInsight(request.principal.projectId, request.params.id)))
      throw notFound('saved insight', request.params.id);
    return reply.status(204).send();
  });

  app.get('/dashboards', async (request) => ({
    dashboards: [...builtins, ...(await store.listDashboards(request.principal.projectId))],
  }));

  app.get<WithId>('/dashboards/:id', async (request) =>
    dashboard(request.principal.projectId, request.params.id),
  );

  const exists = (projectId: string) => async (id: string) =>
    (await store.getInsight(projectId, id)) !== null;

  app.post('/dashboards', documentedBody(dashboardSchema), async (request, reply) => {
    requireRole(request, 'editor');
    const projectId = request.principal.projectId;
    const body = await parseDashboard(request.body, exists(projectId));
    reply.status(201);
    return store.createDashboard(projectId, body);
  });

  app.put<WithId>('/dashboards/:id', documentedBody(dashboardSchema), async (request) => {
    requireRole(request, 'editor');
    const projectId = request.principal.projectId;
    if (request.params.id.startsWith(BUILTIN_PREFIX)) throw readOnly(request.params.id);
    const body = await parseDashboard(request.body, exists(projectId));
    const updated = await store.updateDashboard(projectId, request.params.id, body);
    if (!updated) throw notFound('dashboard', request.params.id);
    return updated;
  });

  app.delete<WithId>('/dashboards/:id', async (request, reply) => {
    requireRole(request, 'editor');
    if (request.params.id.startsWith(BUILTIN_PREFIX)) throw readOnly(request.params.id);
    if (!(await store.deleteDashboard(request.principal.projectId, request.params.id)))
      throw notFound('dashboard', request.params.id);
    return reply.status(204).send();
  });

  app.post<WithId>('/dashboards/:id/run', documentedBody(dashboardFiltersSchema), async (request) => {
    const projectId = request.principal.projectId;
    const filters = parseBody(dashboardFiltersSchema, request.body);
    return runDashboard(context, store, projectId, await dashboard(projectId, request.params.id), filters);
  });
};
