/**
 * The server's metrics in Prometheus' text exposition format (version 0.0.4), written by hand: four
 * series families do not need a client library. Routes are labelled by their pattern
 * (`/api/v1/insights/:type`), never the raw URL, so the label set stays bounded.
 */

/** Upper bounds of the latency histogram, in seconds: cached answers sit in the first buckets, cold queries later. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

interface RouteSeries {
  count: number;
  sum: number;
  buckets: number[];
}

export interface Gauges {
  cacheHits: number;
  cacheMisses: number;
  cacheEntries: number;
  cacheBytes: number;
  eventsCaptured: number;
  streamSubscribers: number;
}

function label(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

export class RequestMetrics {
  private readonly series = new Map<string, RouteSeries>();

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `method="${label(method)}",route="${label(route)}",status="${status}"`;
    let s = this.series.get(key);
    if (!s) {
      s = { count: 0, sum: 0, buckets: BUCKETS.map(() => 0) };
      this.series.set(key, s);
    }
    s.count++;
    s.sum += seconds;
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) s.buckets[i]!++;
  }

  /** The exposition text: request counts and latency per route and status, then the cache and capture counters. */
  render(gauges: Gauges): string {
    const lines: string[] = [];
    lines.push('# HELP sightline_http_requests_total HTTP requests answered, by route pattern and status.');
    lines.push('# TYPE sightline_http_requests_total counter');
    for (const [labels, s] of this.series) lines.push(`sightline_http_requests_total{${labels}} ${s.count}`);
    lines.push('# HELP sightline_http_request_duration_seconds Time from request to response.');
    lines.push('# TYPE sightline_http_request_duration_seconds histogram');
    for (const [labels, s] of this.series) {
      for (let i = 0; i < BUCKETS.length; i++) {
        lines.push(
          `sightline_http_request_duration_seconds_bucket{${labels},le="${BUCKETS[i]}"} ${s.buckets[i]}`,
        );
      }
      lines.push(`sightline_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${s.count}`);
      lines.push(`sightline_http_request_duration_seconds_sum{${labels}} ${s.sum}`);
      lines.push(`sightline_http_request_duration_seconds_count{${labels}} ${s.count}`);
    }
    const counter = (name: string, help: string, value: number, type = 'counter'): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
    };
    counter('sightline_cache_hits_total', 'Query results answered from the result cache.', gauges.cacheHits);
    counter('sightline_cache_misses_total', 'Query results computed.', gauges.cacheMisses);
    counter('sightline_cache_entries', 'Results held in the cache.', gauges.cacheEntries, 'gauge');
    counter(
      'sightline_cache_bytes',
      'Approximate bytes (JSON) held in the cache.',
      gauges.cacheBytes,
      'gauge',
    );
    counter(
      'sightline_events_captured_total',
      'Events accepted through the API since the server started.',
      gauges.eventsCaptured,
    );
    counter('sightline_stream_subscribers', 'Open live-update streams.', gauges.streamSubscribers, 'gauge');
    return `${lines.join('\n')}\n`;
  }
}
