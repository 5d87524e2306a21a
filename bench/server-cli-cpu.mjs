// Runs the Sightline CLI in this process and, at exit, writes the CPU seconds it used (user + system, every
// thread: DuckDB's too) to the file named by SIGHTLINE_BENCH_CPU_FILE, so bench:server can set the
// server's CPU per event beside that of `sightline ingest` for the same events.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.SIGHTLINE_BENCH_CPU_FILE;
  const { userCPUTime, systemCPUTime } = process.resourceUsage();
  if (file) writeFileSync(file, String((userCPUTime + systemCPUTime) / 1e6));
});
await import('../bin/sightline.mjs');
