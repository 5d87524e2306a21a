// The reference for bench/ingest.bench.ts: DuckDB's own read_ndjson inserting the same file into the same
// schema (fresh database, same migrations), with no validation, dedup or rollups. Prints {"ms","rows"}.
import { DuckDBWarehouse } from '../src/data/warehouse/duckdb/duckdb-warehouse.ts';
import { quoteLiteral } from '../src/data/warehouse/duckdb/quote.ts';
import { MIGRATIONS, migrate } from '../src/data/warehouse/migrations/index.ts';
import { READ_NDJSON_COLUMNS } from './reference-read-ndjson-columns.ts';

const [file, db] = process.argv.slice(2) as [string, string];
const warehouse = await DuckDBWarehouse.open(db);
await migrate(warehouse, MIGRATIONS);
const spec = `{${Object.entries(READ_NDJSON_COLUMNS)
  .map(([k, v]) => `${k}: '${v}'`)
  .join(', ')}}`;
const started = performance.now();
const rows = await warehouse.execute(
  `INSERT INTO events SELECT 'default', event_id, timestamp, now()::TIMESTAMP, user_id, event, session_id, source, campaign,
     os, device, country, city, app_version, NULL, exp_group, gender, post_id, receiver_id, age, latency_ms, NULL
   FROM read_ndjson(${quoteLiteral(file)}, columns = ${spec}, ignore_errors = true)
   WHERE user_id IS NOT NULL AND event IS NOT NULL AND timestamp IS NOT NULL`,
);
await warehouse.execute('CHECKPOINT');
const ms = performance.now() - started;
await warehouse.close();
process.stdout.write(`${JSON.stringify({ ms, rows, maxRss: process.resourceUsage().maxRSS * 1024 })}\n`);
