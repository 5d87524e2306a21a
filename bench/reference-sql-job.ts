// The second reference of bench/ingest.bench.ts: DuckDB doing, in SQL alone, the set work of an ingest
// of the same file into the same schema (fresh database, same migrations): read_ndjson, the checks SQL
// can make without per-record reasons (non-empty user and event, a timestamp from 2000 on), one row per
// event id within the file and none already stored, then events, users and the daily rollup, in one
// transaction. No dead-letter file, line numbers, reason codes, other layouts or event ids derived for
// records without one. It is the engine's own best for the job, with DuckDB's default memory limit.
// Prints {"ms","rows" (records read),"accepted","maxRss"}.
import { DuckDBWarehouse } from '../src/data/warehouse/duckdb/duckdb-warehouse.ts';
import { quoteLiteral } from '../src/data/warehouse/duckdb/quote.ts';
import { MIGRATIONS, migrate } from '../src/data/warehouse/migrations/index.ts';
import { READ_NDJSON_COLUMNS } from './reference-read-ndjson-columns.ts';

const [file, db] = process.argv.slice(2) as [string, string];
const warehouse = await DuckDBWarehouse.open(db);
await migrate(warehouse, MIGRATIONS);
// Read as text, then cast: a value that does not parse becomes NULL instead of failing the read.
const spec = `{${Object.keys(READ_NDJSON_COLUMNS)
  .map((k) => `${k}: 'VARCHAR'`)
  .join(', ')}}`;
const latest = ['gender', 'age', 'country', 'city', 'os', 'device', 'app_version', 'exp_group'];
const started = performance.now();
const { read, accepted } = await warehouse.transaction(async () => {
  await warehouse.execute(
    `CREATE TEMP TABLE staged AS
     SELECT * REPLACE (try_cast(timestamp AS TIMESTAMPTZ)::TIMESTAMP AS timestamp, try_cast(age AS INTEGER) AS age,
       try_cast(latency_ms AS DOUBLE) AS latency_ms)
     FROM read_ndjson(${quoteLiteral(file)}, columns = ${spec}, ignore_errors = true)`,
  );
  await warehouse.execute(
    `CREATE TEMP TABLE fresh AS
     SELECT * FROM staged s
     WHERE user_id <> '' AND event <> '' AND timestamp >= TIMESTAMP '2000-01-01'
       AND NOT EXISTS (SELECT 1 FROM events e WHERE e.project_id = 'default' AND e.event_id = s.event_id)
     QUALIFY row_number() OVER (PARTITION BY event_id) = 1`,
  );
  const [staged] = await warehouse.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM staged');
  const inserted = await warehouse.execute(
    `INSERT INTO events SELECT 'default', event_id, timestamp, now()::TIMESTAMP, user_id, event, session_id, source,
       campaign, os, device, country, city, app_version, NULL, exp_group, gender, post_id, receiver_id, age,
       latency_ms, NULL
     FROM fresh`,
  );
  await warehouse.execute(
    `INSERT INTO users BY NAME
     SELECT 'default' AS project_id, user_id, min(timestamp) AS first_seen, max(timestamp) AS last_seen,
       arg_min(event, timestamp) AS first_event,
       arg_min(source, timestamp) FILTER (source IS NOT NULL) AS source,
       arg_min(campaign, timestamp) FILTER (campaign IS NOT NULL) AS campaign,
       ${latest.map((c) => `arg_max(${c}, timestamp) FILTER (${c} IS NOT NULL) AS ${c}`).join(', ')},
       count(*) AS events
     FROM fresh GROUP BY user_id`,
  );
  await warehouse.execute(
    `INSERT INTO user_daily (project_id, day, user_id, event, events, first_ts, last_ts)
     SELECT 'default', timestamp::DATE, user_id, event, count(*), min(timestamp), max(timestamp) FROM fresh GROUP BY ALL`,
  );
  await warehouse.execute('DROP TABLE temp.staged; DROP TABLE temp.fresh');
  return { read: staged!.n, accepted: inserted };
});
await warehouse.execute('CHECKPOINT');
const ms = performance.now() - started;
await warehouse.close();
process.stdout.write(
  `${JSON.stringify({ ms, rows: read, accepted, maxRss: process.resourceUsage().maxRSS * 1024 })}\n`,
);
