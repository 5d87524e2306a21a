/**
 * The wiring of automation for one project: the scheduler with every kind of action (reports, alert
 * rules, data checks, re-ingests), the project file's channels, and the charts drawn once per document.
 * `sightline scheduler`, `sightline run` and `serve` all build it here, so a job runs the same way in each.
 */

import type { EventStore } from '../data/warehouse/event-store.ts';
import { SightlineError } from '../errors/index.ts';
import { alertAction } from './alerts/alert-job.ts';
import type { Channel } from './channels/channel.ts';
import { createChannel } from './channels/create-channel.ts';
import { imageHostFor } from './channels/image-host.ts';
import type { AutomationDeps } from './project.ts';
import { renderChartImages } from './reports/render/images.ts';
import { reportAction } from './reports/report-job.ts';
import { ApiJobs } from './scheduler/api-jobs.ts';
import { checkAction } from './scheduler/check-action.ts';
import type { Clock } from './scheduler/clock.ts';
import { ingestAction } from './scheduler/ingest-action.ts';
import type { JobAction, JobDefinition } from './scheduler/job.ts';
import { Scheduler } from './scheduler/scheduler.ts';

export interface AutomationOptions {
  readonly clock?: Clock;
  /** The HTTP client of the channels (tests point it nowhere else: base URLs come from the file). */
  readonly fetch?: typeof fetch;
  readonly log?: (line: string) => void;
  /** Include the jobs created through the API (default true). */
  readonly apiJobs?: boolean;
  /** Runs executed at once (default 4). */
  readonly concurrency?: number;
  /** Jobs of this process only, beside the file's (`sightline report --send` of a report no job runs). */
  readonly extraJobs?: readonly JobDefinition[];
  /** For `ingest` jobs: the event store, the dead-letter file, and the folder job paths are relative to. */
  readonly ingest?: {
    readonly events: EventStore;
    readonly deadLetterPath: string;
    readonly baseDir: string;
  };
}

export interface Automation {
  readonly scheduler: Scheduler;
  /** Jobs created through the API (empty and unused with `apiJobs: false`). */
  readonly apiJobs: ApiJobs;
  /** Every job: the project file's, then the API's. */
  jobs(): readonly JobDefinition[];
}

/** Builds the scheduler of `deps.project` with its actions and channels; API jobs are loaded first. */
export async function createAutomation(
  deps: AutomationDeps,
  options: AutomationOptions = {},
): Promise<Automation> {
  const apiJobs = new ApiJobs(deps.warehouse, deps.project);
  if (options.apiJobs !== false) await apiJobs.load();
  const fileJobs = [...deps.project.jobs.values(), ...(options.extraJobs ?? [])];
  const jobs = (): readonly JobDefinition[] =>
    options.apiJobs === false ? fileJobs : [...fileJobs, ...apiJobs.list()];
  const channels = new Map<string, Channel>();
  const imageHost = imageHostFor(deps);
  const channel = (name: string): Channel => {
    let built = channels.get(name);
    if (!built) {
      const definition = deps.project.channels.get(name);
      if (!definition) throw new SightlineError('SL_JOB_INVALID', `unknown channel "${name}"`);
      built = createChannel(definition, deps.variables, {
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(imageHost ? { imageHost } : {}),
      });
      channels.set(name, built);
    }
    return built;
  };
  const noIngest: JobAction = async (context) => {
    throw new Error(
      `job ${context.job.name} re-ingests a folder, which needs the event store (run it with sightline scheduler or serve)`,
    );
  };
  const scheduler = new Scheduler({
    deps,
    jobs,
    actions: {
      report: reportAction(deps),
      alert: alertAction(deps),
      check: checkAction(deps),
      ingest: options.ingest ? ingestAction(deps, options.ingest) : noIngest,
    },
    channel,
    images: renderChartImages,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
  return { scheduler, apiJobs, jobs };
}

/**
 * The automation of every project of one warehouse, for the server: a key sees one project, and a
 * project's jobs (the file's, for the file's project; the API's, for any) run with that project's data.
 * Each project's scheduler is built on first use and started when `start` is set.
 */
export class Automations {
  private readonly built = new Map<string, Promise<Automation>>();
  private started = false;

  constructor(
    private readonly base: AutomationDeps,
    private readonly options: AutomationOptions = {},
  ) {}

  /** The automation of `projectId` (the file's jobs only for the file's own project). */
  for(projectId: string): Promise<Automation> {
    let automation = this.built.get(projectId);
    if (!automation) {
      const own = projectId === this.base.project.project;
      const project = own ? this.base.project : { ...this.base.project, project: projectId, jobs: new Map() };
      automation = createAutomation({ ...this.base, project }, this.options).then(async (built) => {
        if (this.started) await built.scheduler.start();
        return built;
      });
      this.built.set(projectId, automation);
    }
    return automation;
  }

  /** Starts the schedulers of the file's project and of every project with jobs created through the API. */
  async start(): Promise<void> {
    this.started = true;
    const rows = await this.base.warehouse.query<{ project_id: string }>(
      'SELECT DISTINCT project_id FROM meta.jobs ORDER BY project_id',
    );
    const projects = new Set([this.base.project.project, ...rows.map((r) => r.project_id)]);
    for (const project of projects) {
      const automation = await this.for(project);
      await automation.scheduler.start();
    }
  }

  /** Stops every started scheduler (running attempts are aborted and resume on the next start). */
  async stop(): Promise<void> {
    this.started = false;
    for (const automation of this.built.values()) await (await automation).scheduler.stop();
  }
}
