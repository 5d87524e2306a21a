// The load generator of bench/server.bench.ts, run in a child process: capture in an open and a closed
// loop, then the dashboard tiles cold and cached. Plain fetch over keep-alive connections, as a client would.
import { writeFileSync } from 'node:fs';

export interface LoadPlan {
  url: string;
  key: string;
  /** Users the events are attributed to (a sample of the demo's). */
  userIds: string[];
  /** The day (YYYY-MM-DD) the captured events fall on. */
  day: string;
  /** Open loop: events per second, in batches of 100, for `seconds`. */
  rate: number;
  seconds: number;
  closedLoop: { inFlight: number; seconds: number };
  /** Where the open loop's events are written as NDJSON, for the reference ingest. */
  eventsFile: string;
  tiles: { name: string; type: string; spec: Record<string, unknown> }[];
}

export interface Latencies {
  eventsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  requests: number;
}

export interface LoadResult {
  openLoop: Latencies;
  closedLoop: Latencies & { inFlight: number };
  tiles: {
    name: string;
    cold: { p50: number; p95: number; header: string };
    cached: { p50: number; p95: number; header: string };
  }[];
}

const BATCH = 100;
const EVENTS = ['view', 'view', 'view', 'like', 'message', 'app_open'];
const OS = ['iOS', 'Android', 'Web'];

/** The p-quantile of `values` by the nearest-rank method (the smallest value with p of them at or below it). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

/** Told when the measured open loop starts and ends, so the server side can sample its own costs then. */
export type PhaseListener = (phase: 'open-loop', edge: 'start' | 'end') => void;

export async function runLoad(plan: LoadPlan, onPhase: PhaseListener = () => undefined): Promise<LoadResult> {
  let sequence = 0;
  const dayStart = Date.parse(`${plan.day}T00:00:00Z`);
  const batch = (lines: string[] | null): string => {
    const events: string[] = [];
    for (let i = 0; i < BATCH; i++) {
      const n = sequence++;
      const line =
        `{"event_id":"bench-${process.pid}-${n}","user_id":${JSON.stringify(plan.userIds[n % plan.userIds.length])},` +
        `"event":"${EVENTS[n % EVENTS.length]}","timestamp":"${new Date(dayStart + (n % 86_400_000)).toISOString()}",` +
        `"os":"${OS[n % OS.length]}","country":"DE","latency_ms":${n % 500}}`;
      events.push(line);
      lines?.push(line);
    }
    return `[${events.join(',')}]`;
  };
  const capture = async (body: string): Promise<boolean> => {
    try {
      const response = await fetch(`${plan.url}/api/v1/capture`, {
        method: 'POST',
        headers: { authorization: `Bearer ${plan.key}`, 'content-type': 'application/json' },
        body,
      });
      const answer = (await response.json()) as { accepted?: number };
      return response.status === 200 && answer.accepted === BATCH;
    } catch {
      return false;
    }
  };

  /** Sends a batch every 100/rate seconds whatever the answers; latency counts from the scheduled time. */
  const openLoop = async (seconds: number, lines: string[] | null): Promise<Latencies> => {
    const total = Math.round((plan.rate / BATCH) * seconds);
    const interval = (1000 * BATCH) / plan.rate;
    const latencies: number[] = [];
    let errors = 0;
    const pending: Promise<void>[] = [];
    const start = performance.now();
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
      for (; sent < due; sent++) {
        const scheduled = start + sent * interval;
        const body = batch(lines);
        pending.push(
          capture(body).then((ok) => {
            latencies.push(performance.now() - scheduled);
            if (!ok) errors++;
          }),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(pending);
    const elapsed = (performance.now() - start) / 1000;
    return summarize(latencies, errors, (total - errors) * BATCH, elapsed);
  };

  const closedLoop = async (inFlight: number, seconds: number): Promise<Latencies> => {
    const latencies: number[] = [];
    let errors = 0;
    const start = performance.now();
    const end = start + seconds * 1000;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (performance.now() < end) {
          const body = batch(null);
          const t = performance.now();
          const ok = await capture(body);
          latencies.push(performance.now() - t);
          if (!ok) errors++;
        }
      }),
    );
    const elapsed = (performance.now() - start) / 1000;
    return summarize(latencies, errors, (latencies.length - errors) * BATCH, elapsed);
  };

  const tile = async (t: LoadPlan['tiles'][number]): Promise<{ ms: number; header: string }> => {
    const started = performance.now();
    const response = await fetch(`${plan.url}/api/v1/insights/${t.type}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${plan.key}`, 'content-type': 'application/json' },
      body: JSON.stringify(t.spec),
    });
    await response.arrayBuffer();
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(`${t.name}: HTTP ${response.status}`);
    return { ms, header: response.headers.get('x-sightline-cache') ?? 'none' };
  };

  process.stderr.write('  capture warm-up (2 s)...\n');
  await openLoop(2, null);
  process.stderr.write(`  capture open loop at ${plan.rate} events/s for ${plan.seconds} s...\n`);
  const lines: string[] = [];
  onPhase('open-loop', 'start');
  const open = await openLoop(plan.seconds, lines);
  onPhase('open-loop', 'end');
  writeFileSync(plan.eventsFile, `${lines.join('\n')}\n`);
  process.stderr.write(`  capture closed loop, ${plan.closedLoop.inFlight} in flight...\n`);
  const closed = await closedLoop(plan.closedLoop.inFlight, plan.closedLoop.seconds);

  const tiles: LoadResult['tiles'] = [];
  for (const t of plan.tiles) {
    process.stderr.write(`  tile ${t.name}...\n`);
    const cold: { ms: number; header: string }[] = [];
    for (let round = 0; round < 7; round++) {
      // One new event bumps the project's data version: the next request misses the cache.
      await capture(batch(null));
      cold.push(await tile(t));
    }
    const cached: { ms: number; header: string }[] = [];
    for (let round = 0; round < 60; round++) cached.push(await tile(t));
    const headers = (list: { header: string }[]) => [...new Set(list.map((x) => x.header))].join('+');
    tiles.push({
      name: t.name,
      cold: {
        p50: percentile(
          cold.map((x) => x.ms),
          0.5,
        ),
        p95: percentile(
          cold.map((x) => x.ms),
          0.95,
        ),
        header: headers(cold),
      },
      cached: {
        p50: percentile(
          cached.map((x) => x.ms),
          0.5,
        ),
        p95: percentile(
          cached.map((x) => x.ms),
          0.95,
        ),
        header: headers(cached),
      },
    });
  }
  return { openLoop: open, closedLoop: { ...closed, inFlight: plan.closedLoop.inFlight }, tiles };
}

function summarize(latencies: number[], errors: number, events: number, seconds: number): Latencies {
  return {
    eventsPerSecond: events / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: percentile(latencies, 1),
    errors,
    requests: latencies.length,
  };
}
