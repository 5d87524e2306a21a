import { closest, SightlineError } from '../../../errors/index.ts';

/** A statistic over a set of numbers: the property of matching events, or each user's event count. */
export type Statistic =
  | { fn: 'sum' | 'avg' | 'min' | 'max' }
  | {
      fn: 'percentile';
      /** 0 … 1; continuous (linear interpolation between order statistics, numpy's default). */
      fraction: number;
    };

/**
 * What one series counts in each bucket, after `--math` or a metric of the metrics layer is resolved:
 * - `total`: matching events;
 * - `unique`: distinct users with a matching event in the bucket (`dau` is the same);
 * - `window`: distinct users with a matching event in the `days` local days ending on the bucket's last
 *   day (clipped to the range's last day): `wau` is 7, `mau` 30;
 * - `first_time`: users whose first matching event ever falls in the bucket;
 * - `property`: a statistic of a numeric dimension or property over matching events;
 * - `per_user`: a statistic, over users active in the bucket, of each user's matching events in it.
 */
export type Aggregate =
  | { kind: 'total' }
  | { kind: 'unique' }
  | { kind: 'window'; days: number }
  | { kind: 'first_time' }
  | { kind: 'property'; statistic: Statistic; property: string }
  | { kind: 'per_user'; statistic: Statistic };

const SIMPLE: Record<string, Aggregate> = {
  total: { kind: 'total' },
  dau: { kind: 'unique' },
  unique: { kind: 'unique' },
  wau: { kind: 'window', days: 7 },
  mau: { kind: 'window', days: 30 },
  first_time: { kind: 'first_time' },
};

const STATISTICS = ['sum', 'avg', 'min', 'max', 'median', 'p90', 'p95', 'p99'];
const PER_USER = ['avg', 'min', 'max', 'median', 'p75', 'p90', 'p95', 'p99'];

/** Every spelling `--math` accepts, for help texts and "did you mean". */
export const MATH_NAMES = [
  ...Object.keys(SIMPLE),
  ...STATISTICS.map((s) => `${s}:PROP`),
  ...PER_USER.map((s) => `per_user_${s}`),
];

/** `sum`, `avg`, `min`, `max`, `median`, or `pNN` (a percentile, 1 … 99). */
export function parseStatistic(name: string): Statistic | undefined {
  if (name === 'sum' || name === 'avg' || name === 'min' || name === 'max') return { fn: name };
  if (name === 'median') return { fn: 'percentile', fraction: 0.5 };
  const match = /^p(\d{1,2})$/.exec(name);
  if (match) {
    const p = Number(match[1]);
    if (p >= 1 && p <= 99) return { fn: 'percentile', fraction: p / 100 };
  }
  return undefined;
}

/** Parses `--math`: `total`, `dau`, `wau`, `sum:latency_ms`, `p95:properties.amount`, `per_user_avg`, … */
export function parseMath(text: string): Aggregate {
  const simple = SIMPLE[text];
  if (simple) return simple;
  if (text.startsWith('per_user_')) {
    const statistic = parseStatistic(text.slice('per_user_'.length));
    if (statistic && statistic.fn !== 'sum') return { kind: 'per_user', statistic };
  }
  const colon = text.indexOf(':');
  if (colon > 0) {
    const statistic = parseStatistic(text.slice(0, colon));
    const property = text.slice(colon + 1).trim();
    if (statistic && property.length > 0) return { kind: 'property', statistic, property };
    if (statistic) throw invalidMath(text, 'name the property after the colon, for example avg:latency_ms');
  }
  const suggestion = closest(text.replace(/:.*$/, ''), [
    ...Object.keys(SIMPLE),
    ...STATISTICS,
    ...PER_USER.map((s) => `per_user_${s}`),
  ]);
  throw invalidMath(text, suggestion ? `did you mean "${suggestion}"?` : undefined);
}

function invalidMath(text: string, advice: string | undefined): SightlineError {
  return new SightlineError(
    'SL_INSIGHT_INVALID',
    `trends: unknown math "${text}"${advice ? ` (${advice})` : ''}; use one of ${MATH_NAMES.join(', ')}`,
    { hint: 'run `sightline insight trends --help`' },
  );
}

/** Maths whose empty bucket is 0 (a count or a sum); the others have no value (null) there. */
export function zeroWhenEmpty(aggregate: Aggregate): boolean {
  switch (aggregate.kind) {
    case 'total':
    case 'unique':
    case 'window':
    case 'first_time':
      return true;
    case 'property':
      return aggregate.statistic.fn === 'sum';
    case 'per_user':
      return false;
  }
}

/** A short name for labels: `dau`, `wau`, `avg(latency_ms)`, `per_user_p95`. */
export function describeAggregate(aggregate: Aggregate): string {
  switch (aggregate.kind) {
    case 'total':
      return 'total';
    case 'unique':
      return 'unique users';
    case 'window':
      return aggregate.days === 7 ? 'wau' : aggregate.days === 30 ? 'mau' : `${aggregate.days}-day active`;
    case 'first_time':
      return 'first time';
    case 'property':
      return `${statisticName(aggregate.statistic)}(${aggregate.property})`;
    case 'per_user':
      return `per_user_${statisticName(aggregate.statistic)}`;
  }
}

function statisticName(statistic: Statistic): string {
  if (statistic.fn !== 'percentile') return statistic.fn;
  return statistic.fraction === 0.5 ? 'median' : `p${Number((statistic.fraction * 100).toFixed(6))}`;
}
