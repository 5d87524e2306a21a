/**
 * `POST /sql`: one read-only SELECT over the key's project (see `sql-scope.ts` for how it is confined),
 * at most `limit` rows (default 10,000; `truncated: true` when there were more), under the server's time
 * limit. The rows are what `sightline sql QUERY --json` prints for the same query on a one-project
 * database.
 */
import { z } from 'zod';
import type { RoutePlugin } from '../context.ts';
import { documentedBody, parseBody } from './insights-request.ts';
import { runProjectSql } from './sql-scope.ts';

export const DEFAULT_ROW_LIMIT = 10_000;
export const MAX_ROW_LIMIT = 100_000;

export const sqlBodySchema = z.strictObject({
  query: z.string().min(1).max(100_000),
  limit: z.number().int().min(1).max(MAX_ROW_LIMIT).default(DEFAULT_ROW_LIMIT),
});

export const sqlRoutes: RoutePlugin = (app, context) => {
  app.post('/sql', documentedBody(sqlBodySchema), async (request) => {
    const projectId = request.principal.projectId;
    const b = parseBody(sqlBodySchema, request.body);
    return context.run(projectId, { route: 'sql', ...b }, () =>
      runProjectSql(context.warehouse, projectId, b.query, b.limit),
    );
  });
};
