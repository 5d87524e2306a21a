/**
 * Jobs and their runs: `GET /jobs` (the project file's and the API's, with the next due time and the last
 * run), `POST /jobs` (editor: a job as in sightline.yaml plus its name, checked like the file's),
 * `DELETE /jobs/:name` (editor; API jobs only), `POST /jobs/:name/run` (editor: one run now, answered
 * when it ends), `GET /runs?job=&limit=` (the history, newest first). Each key sees its own project's.
 */
import { z } from 'zod';
import { apiJobSchema } from '../../automation/scheduler/api-jobs.ts';
import { nextDueAt } from '../../automation/scheduler/due-times.ts';
import type { JobDefinition } from '../../automation/scheduler/job.ts';
import { type RunRecord, runJson } from '../../automation/scheduler/run-store.ts';
import { SightlineError } from '../../errors/index.ts';
import { requireRole } from '../auth.ts';
import type { RoutePlugin } from '../context.ts';
import { documentedBody } from './insights-request.ts';

type WithName = { Params: { name: string } };

const runsQuery = z.strictObject({
  job: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

function jobBody(job: JobDefinition, now: number, last: RunRecord | undefined): Record<string, unknown> {
  return {
    name: job.name,
    origin: job.origin,
    description: job.description ?? null,
    schedule: job.schedule,
    timezone: job.timezone,
    run: job.run,
    catchUp: job.catchUp,
    retries: job.retries,
    retryBackoffMs: job.retryBackoffMs,
    timeoutMs: job.timeoutMs,
    enabled: job.enabled,
    nextRunAt: job.enabled ? iso(nextDueAt(job, now)) : null,
    lastRun: last ? runJson(last) : null,
  };
}

export const jobRoutes: RoutePlugin = (app, context) => {
  const automation = (projectId: string) => context.automations.for(projectId);

  app.get(
    '/jobs',
    { schema: { summary: "The project's jobs with their next due time and last run", tags: ['jobs'] } },
    async (request) => {
      const { scheduler, jobs } = await automation(request.principal.projectId);
      const latest = await scheduler.runs.latestByJob();
      const now = scheduler.clock.now();
      return { jobs: jobs().map((job) => jobBody(job, now, latest.get(job.name))) };
    },
  );

  app.post(
    '/jobs',
    {
      ...documentedBody(apiJobSchema),
      schema: {
        ...documentedBody(apiJobSchema).schema,
        summary: 'Create (or replace) a job: a job as in sightline.yaml, and its name',
        tags: ['jobs'],
      },
    },
    async (request, reply) => {
      requireRole(request, 'editor');
      const { apiJobs, scheduler } = await automation(request.principal.projectId);
      const job = await apiJobs.create(request.body, scheduler.clock.now());
      return reply.status(201).send(jobBody(job, scheduler.clock.now(), undefined));
    },
  );

  app.delete<WithName>(
    '/jobs/:name',
    { schema: { summary: 'Delete a job created through the API', tags: ['jobs'] } },
    async (request, reply) => {
      requireRole(request, 'editor');
      const { apiJobs, jobs } = await automation(request.principal.projectId);
      const name = request.params.name;
      if (jobs().some((j) => j.name === name && j.origin !== 'api'))
        throw new SightlineError(
          'SL_BAD_REQUEST',
          `job "${name}" is declared in sightline.yaml and cannot be deleted here`,
          {
            hint: 'remove it from sightline.yaml (or set enabled: false there)',
          },
        );
      if (!(await apiJobs.delete(name)))
        throw new SightlineError('SL_NOT_FOUND', `no job "${name}" in this project`);
      return reply.status(204).send();
    },
  );

  app.post<WithName>(
    '/jobs/:name/run',
    { schema: { summary: 'Run a job now (one attempt); answers the run when it ends', tags: ['jobs'] } },
    async (request) => {
      requireRole(request, 'editor');
      const { scheduler } = await automation(request.principal.projectId);
      return runJson(await scheduler.runNow(request.params.name));
    },
  );

  app.get('/runs', { schema: { summary: 'Run history, newest first', tags: ['jobs'] } }, async (request) => {
    const parsed = runsQuery.safeParse(request.query ?? {});
    if (!parsed.success)
      throw new SightlineError(
        'SL_BAD_REQUEST',
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    const { scheduler } = await automation(request.principal.projectId);
    const runs = await scheduler.runs.list({
      ...(parsed.data.job ? { job: parsed.data.job } : {}),
      limit: parsed.data.limit,
    });
    return { runs: runs.map(runJson) };
  });
};
