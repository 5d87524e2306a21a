// Runs the Sightline CLI in this process and, at exit, writes the process's peak RSS (bytes) to the file
// named by SIGHTLINE_BENCH_RSS_FILE, so benchmarks measure the real command, start-up included.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.SIGHTLINE_BENCH_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
});
await import('../bin/sightline.mjs');
