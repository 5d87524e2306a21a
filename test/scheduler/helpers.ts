import path from 'node:path';
import type {
  Channel,
  ChannelType,
  DeliveryContext,
  DeliveryReceipt,
} from '../../src/automation/channels/channel.ts';
import { DeliveryError } from '../../src/automation/channels/channel.ts';
import type { AutomationDeps } from '../../src/automation/project.ts';
import type { ReportDocument } from '../../src/automation/reports/document.ts';
import { renderChartImages } from '../../src/automation/reports/render/images.ts';
import type { Clock, ManualClock } from '../../src/automation/scheduler/clock.ts';
import type {
  JobAction,
  JobActionKind,
  JobDefinition,
  RunContext,
} from '../../src/automation/scheduler/job.ts';
import { Scheduler } from '../../src/automation/scheduler/scheduler.ts';
import { loadProjectFile } from '../../src/config/project-file.ts';
import { DuckDBWarehouse } from '../../src/data/warehouse/duckdb/duckdb-warehouse.ts';
import { MIGRATIONS, migrate } from '../../src/data/warehouse/migrations/index.ts';
import type { Warehouse } from '../../src/data/warehouse/warehouse.ts';

/** A migrated warehouse in `dir` and deps for project `project` (the project file's defaults). */
export async function openDeps(
  dir: string,
  project = 'test',
): Promise<{ warehouse: Warehouse; deps: AutomationDeps }> {
  const warehouse = await DuckDBWarehouse.open(path.join(dir, 'scheduler.duckdb'));
  // The scheduler's tables: runs and the ledger (005 and before), the ledger's delivery parts (008).
  await migrate(
    warehouse,
    MIGRATIONS.filter((m) => m.version <= 5 || m.name === 'delivery parts'),
  );
  const file = loadProjectFile(undefined, dir);
  return { warehouse, deps: { warehouse, project: { ...file, project }, variables: {} } };
}

/** A job as buildJobs makes one: hourly in UTC, catch-up latest, 2 retries 1 minute apart. */
export function job(name: string, overrides: Partial<JobDefinition> = {}): JobDefinition {
  return {
    name,
    description: undefined,
    schedule: '0 * * * *',
    timezone: 'UTC',
    run: { report: name },
    catchUp: 'latest',
    retries: 2,
    retryBackoffMs: 60_000,
    timeoutMs: 10 * 60_000,
    enabled: true,
    origin: 'file',
    ...overrides,
  };
}

/** A channel that records what it was given and fails as told (`failures` times, retryable or not). */
export class RecordingChannel implements Channel {
  readonly type: ChannelType = 'webhook';
  readonly sent: { document: ReportDocument; idempotencyKey: string; images: number }[] = [];
  attempts = 0;
  constructor(
    readonly name: string,
    public failures = 0,
    readonly retryable = true,
  ) {}

  async send(document: ReportDocument, context: DeliveryContext): Promise<DeliveryReceipt> {
    this.attempts++;
    if (this.failures > 0) {
      this.failures--;
      throw new DeliveryError(this.name, `${this.name} answered 503`, this.retryable, 503);
    }
    this.sent.push({ document, idempotencyKey: context.idempotencyKey, images: context.images.length });
    return { channel: this.name, type: this.type, requests: 1, ids: [`${this.name}-${this.sent.length}`] };
  }
}

/** A one-paragraph document, as a check's failure notice is. */
export function note(text: string): ReportDocument {
  return {
    kind: 'report',
    name: 'note',
    title: text,
    project: 'test',
    period: { from: '2026-03-01', to: '2026-03-01', timezone: 'UTC' },
    generatedAt: '2026-03-01T00:00:00.000Z',
    blocks: [{ kind: 'paragraph', text }],
  };
}

export function scheduler(
  deps: AutomationDeps,
  clock: Clock,
  jobs: readonly JobDefinition[] | (() => readonly JobDefinition[]),
  action: JobAction,
  channels: readonly Channel[] = [],
  lines: string[] = [],
): Scheduler {
  const byName = new Map(channels.map((c) => [c.name, c]));
  const actions = Object.fromEntries(
    (['report', 'alert', 'check', 'ingest'] as JobActionKind[]).map((k) => [k, action]),
  ) as Record<JobActionKind, JobAction>;
  return new Scheduler({
    deps,
    jobs: typeof jobs === 'function' ? jobs : () => jobs,
    actions,
    channel: (name) => {
      const channel = byName.get(name);
      if (!channel) throw new Error(`no channel ${name}`);
      return channel;
    },
    images: async () => [],
    clock,
    log: (line) => lines.push(line),
  });
}

/** A promise and its resolve, for actions a test holds open. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/**
 * A scheduler whose one job (of any action kind) delivers `document` to `channel` through the run's
 * ledger, charts drawn for real: the set-up of the channels' scheduled-delivery tests.
 */
export function deliveringScheduler(options: {
  deps: AutomationDeps;
  channel: Channel;
  document: ReportDocument;
  job: JobDefinition;
  clock: Clock;
}): Scheduler {
  const { channel, document } = options;
  const deliver: JobAction = async (context: RunContext) => {
    const receipt = await context.deliver(channel.name, document);
    return { summary: `sent daily to ${channel.name} (${receipt.requests} requests)` };
  };
  return new Scheduler({
    deps: options.deps,
    jobs: () => [options.job],
    actions: Object.fromEntries(
      (['report', 'alert', 'check', 'ingest'] as JobActionKind[]).map((k) => [k, deliver]),
    ) as Record<JobActionKind, JobAction>,
    channel: () => channel,
    images: renderChartImages,
    clock: options.clock,
  });
}

/** Two ticks of a scheduler at 09:00 and 09:01 of 27 September 2026 (a run and its retry), each awaited. */
export async function runTwice(s: Scheduler, clock: ManualClock): Promise<void> {
  await s.tick();
  await s.idle();
  clock.set('2026-09-27T09:01:00Z');
  await s.tick();
  await s.idle();
}
