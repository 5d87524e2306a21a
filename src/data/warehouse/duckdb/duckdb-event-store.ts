import { type EventRow, eventKey } from '../../events/event.ts';
import type {
  BatchOutcome,
  BatchSegment,
  EventBatch,
  EventStore,
  FileIdentityKey,
  FileProgress,
  IngestRunRecord,
} from '../event-store.ts';
import type { SqlValue } from '../warehouse.ts';
import { CsvStager, STAGED_COLUMNS, STAGED_DELIMITER, STAGED_QUOTE } from './csv-stager.ts';
import type { DuckDBWarehouse } from './duckdb-warehouse.ts';
import { quoteLiteral } from './quote.ts';

const CSV_COLUMNS = `{${STAGED_COLUMNS.map(([name, type]) => `'${name}': '${type}'`).join(', ')}}`;

/** Event names whose `experiment` / `variant` properties record an exposure (ours, Segment's, PostHog's). */
const EXPOSURE_EVENTS = ['$exposure', 'experiment_exposure', 'Experiment Viewed', '$feature_flag_called'];
const EXPERIMENT_KEY = `coalesce(properties->>'experiment', properties->>'experiment_id', properties->>'$."$feature_flag"')`;
const VARIANT_KEY = `coalesce(properties->>'variant', properties->>'variation_id', properties->>'$."$feature_flag_response"')`;

/** The temp tables a commit creates, dropped (in one statement list) before it ends. */
const INGEST_TEMP_TABLES = ['ingest_new', 'ingest_users', 'ingest_users_merged', 'ingest_exposures'];

/**
 * DuckDB's CSV reader allocates buffers of 16 x max_line_size per thread; the default line limit (2 MB)
 * would take 32 MB buffers and a generous fixed one 256 MB, which broke small memory limits. Sizing them
 * from the batch's longest row keeps ingestion inside its memory budget.
 */
function readStaged(file: string, longestRow: number): string {
  const maxLine = Math.max(64 * 1024, 2 ** Math.ceil(Math.log2(longestRow + 2)));
  return `read_csv(${quoteLiteral(file)}, header = false, delim = '${STAGED_DELIMITER}', quote = '${STAGED_QUOTE}',
    escape = '${STAGED_QUOTE}', new_line = '\\n',
    auto_detect = false, allow_quoted_nulls = false, max_line_size = ${maxLine}, buffer_size = ${maxLine * 16}, columns = ${CSV_COLUMNS})`;
}

/** Loads batches with set-based SQL: dedup by anti-join, then events, users, exposures and the rollup. */
/** Runs started through a warehouse in this process and not finished yet, per warehouse. */
const runsInProcess = new WeakMap<DuckDBWarehouse, Set<number>>();

function openRuns(warehouse: DuckDBWarehouse): Set<number> {
  let runs = runsInProcess.get(warehouse);
  if (!runs) {
    runs = new Set();
    runsInProcess.set(warehouse, runs);
  }
  return runs;
}

export class DuckDBEventStore implements EventStore {
  constructor(private readonly warehouse: DuckDBWarehouse) {}

  createStager(): CsvStager {
    return new CsvStager();
  }

  async ensureProject(projectId: string): Promise<void> {
    await this.warehouse.execute(
      'INSERT INTO meta.projects VALUES (?, now()::TIMESTAMP) ON CONFLICT (project_id) DO NOTHING',
      [projectId],
    );
  }

  async startRun(projectId: string, inputs: string, deadLetter: string): Promise<number> {
    // We hold the write lock, so a run still marked running that this process did not start was killed
    // before it could finish. The server keeps runs open (one per project capturing), and those are alive.
    const alive = openRuns(this.warehouse);
    await this.warehouse.execute(
      `UPDATE meta.ingest_runs SET status = 'interrupted' WHERE status = 'running'${
        alive.size > 0 ? ` AND run_id NOT IN (${[...alive].map(() => '?').join(', ')})` : ''
      }`,
      [...alive],
    );
    const [row] = await this.warehouse.query<{ run_id: number }>(
      `INSERT INTO meta.ingest_runs (run_id, project_id, started_at, status, inputs, dead_letter)
       VALUES (nextval('meta.ingest_run_ids'), ?, now()::TIMESTAMP, 'running', ?, ?) RETURNING run_id`,
      [projectId, inputs, deadLetter],
    );
    alive.add(row!.run_id);
    return row!.run_id;
  }

  async finishRun(run: IngestRunRecord): Promise<void> {
    openRuns(this.warehouse).delete(run.runId);
    await this.warehouse.execute(
      `UPDATE meta.ingest_runs SET finished_at = now()::TIMESTAMP, status = ?, files = ?, read = ?, accepted = ?,
         rejected = ?, duplicates = ? WHERE run_id = ?`,
      [run.status, run.files, run.read, run.accepted, run.rejected, run.duplicates, run.runId],
    );
  }

  async fileProgress(projectId: string, id: FileIdentityKey): Promise<FileProgress | null> {
    const [row] = await this.warehouse.query<{
      records_committed: number;
      complete: boolean;
      accepted: number;
      rejected: number;
      duplicates: number;
    }>(
      `SELECT records_committed, complete, accepted, rejected, duplicates FROM meta.ingest_files
       WHERE project_id = ? AND path = ? AND size = ? AND mtime_ms = ? AND head_sha256 = ?`,
      [projectId, id.path, id.size, id.mtimeMs, id.headSha256],
    );
    return row
      ? {
          recordsCommitted: row.records_committed,
          complete: row.complete,
          accepted: row.accepted,
          rejected: row.rejected,
          duplicates: row.duplicates,
        }
      : null;
  }

  async claimDeadLetter(path: string, currentBytes: number): Promise<number> {
    await this.warehouse.execute(
      'INSERT INTO meta.dead_letter_files VALUES (?, ?, 0) ON CONFLICT (path) DO NOTHING',
      [path, currentBytes],
    );
    const [row] = await this.warehouse.query<{ committed_bytes: number }>(
      'SELECT committed_bytes FROM meta.dead_letter_files WHERE path = ?',
      [path],
    );
    return row!.committed_bytes;
  }

  async storedEvents(
    projectId: string,
    events: readonly Pick<EventRow, 'event_id' | 'ts_us'>[],
  ): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    for (const e of events) {
      from = Math.min(from, e.ts_us);
      to = Math.max(to, e.ts_us);
    }
    // The lists travel as two JSON parameters (the client binds no lists); the time range, given as
    // constants, lets DuckDB skip every stored block outside it (18 ms for 100 events on the 18M demo).
    const found = await this.warehouse.query<{ event_id: string; ts_us: number }>(
      `SELECT s.event_id, s.ts_us
       FROM (SELECT unnest(?::JSON::VARCHAR[]) AS event_id, unnest(?::JSON::BIGINT[]) AS ts_us) s
       WHERE EXISTS (SELECT 1 FROM events e
                     WHERE e.project_id = ? AND e.ts BETWEEN make_timestamp(?::BIGINT) AND make_timestamp(?::BIGINT)
                       AND e.event_id = s.event_id AND e.ts = make_timestamp(s.ts_us))`,
      [
        JSON.stringify(events.map((e) => e.event_id)),
        JSON.stringify(events.map((e) => e.ts_us)),
        projectId,
        from,
        to,
      ],
    );
    return new Set(found.map(eventKey));
  }

  async latestEventTime(projectId: string): Promise<number | null> {
    const [row] = await this.warehouse.query<{ ts_us: number | bigint | null }>(
      'SELECT epoch_us(max(ts)) AS ts_us FROM events WHERE project_id = ?',
      [projectId],
    );
    return row?.ts_us === null || row?.ts_us === undefined ? null : Number(row.ts_us);
  }

  async captureLogProgress(prefix: string): Promise<Map<string, number>> {
    const rows = await this.warehouse.query<{ segment: string; loaded_bytes: number }>(
      'SELECT segment, loaded_bytes FROM meta.capture_log WHERE starts_with(segment, ?)',
      [prefix],
    );
    return new Map(rows.map((r) => [r.segment, Number(r.loaded_bytes)]));
  }

  async forgetCaptureLog(segments: readonly string[]): Promise<void> {
    for (const segment of segments) {
      await this.warehouse.execute('DELETE FROM meta.capture_log WHERE segment = ?', [segment]);
    }
  }

  async commit(batch: EventBatch): Promise<BatchOutcome> {
    const w = this.warehouse;
    const project: SqlValue = batch.projectId;
    return w.transaction(async () => {
      const accepted = new Array<number>(batch.segments.length).fill(0);
      if (batch.rows.count > 0) {
        // The stager's ids are distinct within the batch; keep those the project has not stored yet.
        // With `id-and-time` the join also matches the timestamp, whose range DuckDB pushes into the scan
        // of events as a filter, so only the stored blocks of the batch's time range are read.
        const sameTime = batch.duplicates === 'id-and-time' ? ' AND e.ts = make_timestamp(s.ts_us)' : '';
        await w.execute(
          `CREATE OR REPLACE TEMP TABLE ingest_new AS
           SELECT * EXCLUDE (ts_us), make_timestamp(ts_us) AS ts
           FROM ${readStaged(batch.rows.payload, batch.rows.longestRow)} s
           WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.project_id = ? AND e.event_id = s.event_id${sameTime})`,
          [project],
        );
        const inserted = await w.execute(
          `INSERT INTO events SELECT ?, event_id, ts, make_timestamp(?::BIGINT), user_id, event, session_id, source,
             campaign, os, device, country, city, app_version, platform, exp_group, gender, post_id, receiver_id,
             age, latency_ms, properties::JSON
           FROM ingest_new`,
          [project, batch.receivedAtUs],
        );
        if (inserted > 0) {
          if (batch.segments.length === 1) accepted[0] = inserted;
          else {
            const perSegment = await w.query<{ segment: number; n: number }>(
              'SELECT segment, count(*) AS n FROM ingest_new GROUP BY segment',
            );
            for (const { segment, n } of perSegment) accepted[segment] = n;
          }
          await this.updateDerived(project);
        }
        // Temp tables hold memory under the engine's limit until dropped; left for the next batch to
        // replace, a batch's tables met the next one's at the limit (64 MB for bulk loads) and a late
        // batch of the 6 GB demo failed out of memory.
        await w.execute(INGEST_TEMP_TABLES.map((t) => `DROP TABLE IF EXISTS temp.${t};`).join(' '));
      }
      const outcome: BatchOutcome = {
        segments: batch.segments.map((segment, i) => ({
          accepted: accepted[i]!,
          duplicates: segment.staged - accepted[i]! + segment.knownDuplicates,
        })),
      };
      for (const [i, segment] of batch.segments.entries()) {
        if (segment.manifest) await this.recordManifest(batch, segment, outcome.segments[i]!);
      }
      for (const mark of batch.captureLog ?? []) {
        await w.execute(
          `INSERT INTO meta.capture_log VALUES (?, ?) ON CONFLICT (segment) DO UPDATE
           SET loaded_bytes = excluded.loaded_bytes`,
          [mark.segment, mark.loadedBytes],
        );
      }
      if (batch.deadLetter) {
        await w.execute(
          `INSERT INTO meta.dead_letter_files VALUES (?, ?, ?) ON CONFLICT (path) DO UPDATE
           SET committed_bytes = excluded.committed_bytes, rejected = dead_letter_files.rejected + excluded.rejected`,
          [batch.deadLetter.path, batch.deadLetter.committedBytes, batch.deadLetter.rejected],
        );
      }
      return outcome;
    });
  }

  /** users, exposures and the per-user-per-day rollup, from this batch's new events only. */
  private async updateDerived(project: SqlValue): Promise<void> {
    const w = this.warehouse;
    // First touch (acquisition) comes from the earliest event, current attributes from the latest one.
    const latest = [
      'gender',
      'age',
      'country',
      'city',
      'os',
      'device',
      'app_version',
      'platform',
      'exp_group',
    ];
    const firstTouch = ['source', 'campaign'];
    await w.execute(
      `CREATE OR REPLACE TEMP TABLE ingest_users AS
       SELECT ? AS project_id, user_id, min(ts) AS first_seen, max(ts) AS last_seen, arg_min(event, ts) AS first_event,
         ${firstTouch.map((c) => `arg_min(${c}, ts) FILTER (${c} IS NOT NULL) AS ${c}`).join(', ')},
         ${latest.map((c) => `arg_max(${c}, ts) FILTER (${c} IS NOT NULL) AS ${c}`).join(', ')},
         count(*) AS events
       FROM ingest_new GROUP BY user_id`,
      [project],
    );
    // A stored user is replaced (deleted, and inserted merged) rather than updated in place. Updating a
    // dozen columns of a few thousand rows made the commit itself take 190-630 ms on the 500k-user demo
    // (one or two columns: 2-8 ms; deleting and inserting the same rows: 5-12 ms), and the merged rows
    // need the same one scan of users either way. Deleted rows are vacuumed at checkpoint (measured: the
    // table kept its 5 row groups after 35 rounds of 20,000 replaced users).
    await w.execute(
      `CREATE OR REPLACE TEMP TABLE ingest_users_merged AS
       SELECT t.rowid AS stored_row, t.* REPLACE (
         CASE WHEN s.first_seen < t.first_seen THEN s.first_event ELSE t.first_event END AS first_event,
         ${firstTouch
           .map(
             (c) =>
               `CASE WHEN s.first_seen < t.first_seen THEN coalesce(s.${c}, t.${c}) ELSE coalesce(t.${c}, s.${c}) END AS ${c}`,
           )
           .join(',\n         ')},
         ${latest
           .map(
             (c) =>
               `CASE WHEN s.last_seen >= t.last_seen THEN coalesce(s.${c}, t.${c}) ELSE coalesce(t.${c}, s.${c}) END AS ${c}`,
           )
           .join(',\n         ')},
         least(t.first_seen, s.first_seen) AS first_seen,
         greatest(t.last_seen, s.last_seen) AS last_seen,
         t.events + s.events AS events)
       FROM users t JOIN ingest_users s ON t.project_id = s.project_id AND t.user_id = s.user_id`,
    );
    await w.execute('DELETE FROM users WHERE rowid IN (SELECT stored_row FROM ingest_users_merged)');
    await w.execute('INSERT INTO users SELECT * EXCLUDE (stored_row) FROM ingest_users_merged');
    await w.execute(
      `INSERT INTO users BY NAME
       SELECT * FROM ingest_users s WHERE NOT EXISTS (SELECT 1 FROM ingest_users_merged m WHERE m.user_id = s.user_id)`,
    );
    // Most batches hold no exposure: staging them first skips the MERGE and its scan of exposures then.
    await w.execute(
      `CREATE OR REPLACE TEMP TABLE ingest_exposures AS
       SELECT ? AS project_id, experiment, arg_min(variant, ts) AS variant, user_id, min(ts) AS first_exposure
       FROM (SELECT ${EXPERIMENT_KEY} AS experiment, ${VARIANT_KEY} AS variant, user_id, ts FROM ingest_new
             WHERE event IN (${EXPOSURE_EVENTS.map(quoteLiteral).join(', ')}))
       WHERE experiment IS NOT NULL AND variant IS NOT NULL
       GROUP BY experiment, user_id`,
      [project],
    );
    // (CREATE TABLE AS reports no row count through the client: counted here.)
    const [exposed] = await w.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM ingest_exposures');
    if (exposed!.n > 0) {
      await w.execute(
        `MERGE INTO exposures t USING ingest_exposures s
         ON t.project_id = s.project_id AND t.experiment = s.experiment AND t.user_id = s.user_id
         WHEN MATCHED AND s.first_exposure < t.first_exposure THEN UPDATE SET variant = s.variant, first_exposure = s.first_exposure
         WHEN NOT MATCHED THEN INSERT BY NAME`,
      );
    }
    // MERGE without an index: the join is built on the batch's aggregate, and the rollup's zone maps on
    // `day` let DuckDB skip row groups outside the batch's days.
    await w.execute(
      `MERGE INTO user_daily t
       USING (SELECT ? AS project_id, ts::DATE AS day, user_id, event, count(*) AS events, min(ts) AS first_ts,
                max(ts) AS last_ts FROM ingest_new GROUP BY ALL) s
       ON t.project_id = s.project_id AND t.day = s.day AND t.user_id = s.user_id AND t.event = s.event
       WHEN MATCHED THEN UPDATE SET events = t.events + s.events, first_ts = least(t.first_ts, s.first_ts),
         last_ts = greatest(t.last_ts, s.last_ts)
       WHEN NOT MATCHED THEN INSERT (project_id, day, user_id, event, events, first_ts, last_ts)
         VALUES (s.project_id, s.day, s.user_id, s.event, s.events, s.first_ts, s.last_ts)`,
      [project],
    );
  }

  private async recordManifest(
    batch: EventBatch,
    segment: BatchSegment,
    outcome: { accepted: number; duplicates: number },
  ): Promise<void> {
    const m = segment.manifest!;
    await this.warehouse.execute(
      `INSERT INTO meta.ingest_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP)
       ON CONFLICT (project_id, path, size, mtime_ms, head_sha256) DO UPDATE SET
         complete = excluded.complete, records_committed = excluded.records_committed,
         accepted = ingest_files.accepted + excluded.accepted, rejected = ingest_files.rejected + excluded.rejected,
         duplicates = ingest_files.duplicates + excluded.duplicates, last_run_id = excluded.last_run_id,
         updated_at = excluded.updated_at`,
      [
        batch.projectId,
        m.path,
        m.size,
        m.mtimeMs,
        m.headSha256,
        m.format,
        m.complete,
        m.recordsCommitted,
        outcome.accepted,
        segment.rejected,
        outcome.duplicates,
        batch.runId,
      ],
    );
  }
}
