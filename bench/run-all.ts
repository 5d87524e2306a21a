// npm run bench: every benchmark in turn. Each prints its own table beside its reference.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const BENCHES = [
  'ingest.bench.ts',
  'insights.bench.ts',
  'stats.bench.ts',
  'forecast.bench.ts',
  'nab.bench.ts',
  'anomaly.bench.ts',
  'server.bench.ts',
  'reports.bench.ts',
];
for (const bench of BENCHES) {
  execFileSync(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, bench), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
}
