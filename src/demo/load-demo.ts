import { rmSync } from 'node:fs';
import path from 'node:path';
import { ingest } from '../data/ingest/ingest.ts';
import type { IngestProgress, IngestSummary } from '../data/ingest/ingest-summary.ts';
import type { EventStore } from '../data/warehouse/event-store.ts';
import { type DemoOptions, type DemoResult, generateDemo } from './generate.ts';

export interface LoadDemoOptions extends Omit<DemoOptions, 'onProgress'> {
  store: EventStore;
  projectId: string;
  deadLetterPath: string;
  onGenerateProgress?: DemoOptions['onProgress'];
  onIngestProgress?: (progress: IngestProgress) => void;
}

export interface LoadDemoResult {
  demo: DemoResult;
  ingest: IngestSummary;
  /** Differences between the ingestion's accounting and what the generator planted (empty when they agree). */
  mismatches: string[];
}

/**
 * Writes the demo startup's raw logs and loads them through the real ingestion path, as a real app's
 * logs would be, then checks the ingestion's accounting against the generator's ground truth.
 */
export async function loadDemo(options: LoadDemoOptions): Promise<LoadDemoResult> {
  // Files of an earlier, differently sized demo in the same folder would otherwise be loaded too.
  rmSync(path.join(options.outDir, 'events'), { recursive: true, force: true });
  const demo = await generateDemo({
    users: options.users,
    days: options.days,
    seed: options.seed,
    endDate: options.endDate,
    outDir: options.outDir,
    ...(options.onGenerateProgress ? { onProgress: options.onGenerateProgress } : {}),
  });
  const summary = await ingest({
    inputs: demo.files,
    format: 'ndjson',
    projectId: options.projectId,
    deadLetterPath: options.deadLetterPath,
    store: options.store,
    ...(options.onIngestProgress ? { onProgress: options.onIngestProgress } : {}),
  });
  const truth = demo.groundTruth.totals;
  const mismatches: string[] = [];
  if (summary.skippedFiles === 0) {
    if (summary.read !== truth.lines) mismatches.push(`read ${summary.read}, planted ${truth.lines} lines`);
    if (summary.rejected !== truth.malformedLines) {
      mismatches.push(`rejected ${summary.rejected}, planted ${truth.malformedLines} malformed lines`);
    }
    if (summary.accepted + summary.duplicates !== truth.validEvents + truth.duplicateLines) {
      mismatches.push(
        `accepted + duplicates = ${summary.accepted + summary.duplicates}, planted ${truth.validEvents} events + ${truth.duplicateLines} retries`,
      );
    }
  }
  return { demo, ingest: summary, mismatches };
}
