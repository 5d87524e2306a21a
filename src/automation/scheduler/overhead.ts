/**
 * The scheduler's own cost per run, for `npm run bench:reports`: `jobs` jobs due in the same minute, each
 * with a no-op action, claimed and recorded through the real run store on `warehouse` (a fresh project,
 * so repeated measurements do not see each other's runs). What remains is the scheduler: the claims,
 * the attempt's two status updates, and the dispatch queries.
 */
import type { Warehouse } from '../../data/warehouse/warehouse.ts';
import type { AutomationDeps, AutomationProject } from '../project.ts';
import { ManualClock } from './clock.ts';
import type { JobAction, JobActionKind, JobDefinition } from './job.ts';
import { Scheduler } from './scheduler.ts';

export interface SchedulerOverhead {
  readonly jobs: number;
  /** The tick that claimed every run and started the first ones (ms). */
  readonly claimMs: number;
  /** From the tick until every run was recorded as succeeded (ms). */
  readonly totalMs: number;
  readonly perRunMs: number;
  readonly succeeded: number;
}

/** Measures one minute with `jobs` due jobs (no-op actions) on a migrated warehouse. */
export async function measureSchedulerOverhead(
  warehouse: Warehouse,
  options: { jobs?: number; concurrency?: number; project?: string } = {},
): Promise<SchedulerOverhead> {
  const count = options.jobs ?? 1000;
  const project = options.project ?? `bench-${Date.now()}`;
  const jobs: JobDefinition[] = Array.from({ length: count }, (_, i) => ({
    name: `job_${i}`,
    description: undefined,
    schedule: '0 9 * * *',
    timezone: 'UTC',
    run: { report: 'noop' },
    catchUp: 'latest',
    retries: 0,
    retryBackoffMs: 60_000,
    timeoutMs: 60_000,
    enabled: true,
    origin: 'api',
  }));
  const noop: JobAction = async () => ({ summary: 'nothing to do' });
  const actions = { report: noop, alert: noop, check: noop, ingest: noop } satisfies Record<
    JobActionKind,
    JobAction
  >;
  const deps: AutomationDeps = {
    warehouse,
    project: { project } as AutomationProject,
    variables: {},
  };
  const clock = new ManualClock('2026-03-01T08:59:30Z');
  const scheduler = new Scheduler({
    deps,
    jobs: () => jobs,
    actions,
    channel: (name) => {
      throw new Error(`no channel ${name} in the overhead measurement`);
    },
    images: async () => [],
    clock,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
  await scheduler.tick(); // first sight: cursors only
  clock.set('2026-03-01T09:00:00Z');
  const started = performance.now();
  await scheduler.tick();
  const claimMs = performance.now() - started;
  await scheduler.idle();
  const totalMs = performance.now() - started;
  const rows = await warehouse.query<{ n: number }>(
    "SELECT count(*)::INTEGER AS n FROM meta.job_runs WHERE project_id = ? AND status = 'succeeded'",
    [project],
  );
  return { jobs: count, claimMs, totalMs, perRunMs: totalMs / count, succeeded: rows[0]?.n ?? 0 };
}
