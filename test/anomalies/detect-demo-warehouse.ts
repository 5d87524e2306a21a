import path from 'node:path';
import { InsightContext } from '../../src/analytics/insights/insight-context.ts';
import { loadProjectFile } from '../../src/config/project-file.ts';
import { openWarehouse } from '../../src/data/warehouse/open-warehouse.ts';
import type { Warehouse } from '../../src/data/warehouse/warehouse.ts';
import type { GroundTruth } from '../../src/demo/ground-truth.ts';
import { loadDemo } from '../../src/demo/load-demo.ts';
import { ROOT } from '../helpers/cli.ts';

export interface DemoWarehouse {
  warehouse: Warehouse;
  /** Over the demo's own sightline.yaml, so metric names are the ones users see. */
  ctx: InsightContext;
  truth: GroundTruth;
  db: string;
}

/**
 * A seeded demo loaded through the real ingestion path into a DuckDB file in `dir`, in this process
 * (the detection tests need the warehouse, not the demo command's output).
 */
export async function buildDemoWarehouse(
  dir: string,
  options: { users: number; days: number; endDate: string; seed?: number },
): Promise<DemoWarehouse> {
  const db = path.join(dir, 'demo.duckdb');
  const project = loadProjectFile(path.join(ROOT, 'sightline.yaml'));
  const { warehouse, events } = await openWarehouse({ path: db });
  const result = await loadDemo({
    users: options.users,
    days: options.days,
    seed: options.seed ?? 1,
    endDate: options.endDate,
    outDir: path.join(dir, 'data'),
    store: events,
    projectId: project.project,
    deadLetterPath: path.join(dir, 'dead-letter.ndjson'),
  });
  if (result.mismatches.length > 0) throw new Error(`demo load: ${result.mismatches.join('; ')}`);
  return {
    warehouse,
    ctx: new InsightContext(warehouse, project.layer, project.project),
    truth: result.demo.groundTruth,
    db,
  };
}
