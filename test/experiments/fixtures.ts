import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildExperiments, type Experiment } from '../../src/analytics/experiments/experiment.ts';
import { ExperimentQueries } from '../../src/analytics/experiments/experiment-queries.ts';
import { InsightContext } from '../../src/analytics/insights/insight-context.ts';
import { SemanticLayer } from '../../src/analytics/metrics/semantic-layer.ts';
import { parseProjectFile } from '../../src/config/project-file.ts';
import { ingest } from '../../src/data/ingest/ingest.ts';
import { type OpenedWarehouse, openWarehouse } from '../../src/data/warehouse/open-warehouse.ts';
import type { Warehouse } from '../../src/data/warehouse/warehouse.ts';
import { tempDir } from '../helpers/cli.ts';

/** An event as an app would send it; `ts` is ISO UTC. Extra keys become properties. */
export interface RawEvent {
  user_id: string;
  event: string;
  ts: string;
  exp_group?: string;
  os?: string;
  country?: string;
  source?: string;
  [property: string]: unknown;
}

/** The clock ingestion checks timestamps against: after every test event. */
const NOW_US = Date.UTC(2026, 10, 1) * 1000;

/**
 * A warehouse in a temporary directory loaded through real ingestion from NDJSON lines (so `users`,
 * `exposures` and the rollup are derived exactly as in production); `dispose` closes and deletes it.
 */
export async function warehouseFromEvents(
  events: readonly RawEvent[],
): Promise<{ warehouse: Warehouse; opened: OpenedWarehouse; dir: string; dispose: () => Promise<void> }> {
  const { dir, cleanup } = tempDir('sl-exp-');
  const file = path.join(dir, 'events.ndjson');
  writeFileSync(
    file,
    events.map((e) => JSON.stringify({ ...e, timestamp: e.ts, ts: undefined })).join('\n') + '\n',
  );
  const opened = await openWarehouse({ path: path.join(dir, 'wh.duckdb') });
  const summary = await ingest({
    inputs: [file],
    projectId: 'default',
    deadLetterPath: path.join(dir, 'dead.ndjson'),
    store: opened.events,
    nowUs: NOW_US,
  });
  if (summary.accepted !== events.length)
    throw new Error(`the fixture lost events: ${summary.accepted} of ${events.length} accepted`);
  return {
    warehouse: opened.warehouse,
    opened,
    dir,
    dispose: async () => {
      await opened.warehouse.close();
      cleanup();
    },
  };
}

/** The metrics layer and experiments of a sightline.yaml text, validated as the project file is. */
export function projectFrom(yaml: string): {
  layer: SemanticLayer;
  experiments: ReadonlyMap<string, Experiment>;
} {
  const source = parseProjectFile(yaml);
  const layer = SemanticLayer.build(source);
  return { layer, experiments: buildExperiments(source.experiments, layer) };
}

/** Queries over a warehouse with a project file's layer. */
export function queriesFor(warehouse: Warehouse, layer: SemanticLayer): ExperimentQueries {
  return new ExperimentQueries(new InsightContext(warehouse, layer, 'default'));
}

/** An ISO timestamp `minutes` after 2026-09-01 00:00 UTC (day d starts at minute 1440 d). */
export function at(day: number, minutes = 0): string {
  return new Date(Date.UTC(2026, 8, 1 + day) + minutes * 60_000).toISOString();
}
