import {
  createDuckDBValueConverter,
  type DuckDBDateValue,
  type DuckDBTimestampTZValue,
  type DuckDBTimestampValue,
  DuckDBTypeId,
  type DuckDBValue,
  type DuckDBValueConverter,
  JSDuckDBValueConverter,
} from '@duckdb/node-api';

const MICROS_PER_DAY = 86_400_000_000n;

/** `1760000000123456n` -> `2025-10-09T08:53:20.123456Z`: microseconds kept, which `Date` would lose. */
export function isoFromMicros(micros: bigint): string {
  let days = micros / MICROS_PER_DAY;
  let rest = micros % MICROS_PER_DAY;
  if (rest < 0n) {
    rest += MICROS_PER_DAY;
    days -= 1n;
  }
  const date = new Date(Number(days) * 86_400_000).toISOString().slice(0, 10);
  const seconds = Number(rest / 1_000_000n);
  const fraction = Number(rest % 1_000_000n);
  const hh = String(Math.floor(seconds / 3600)).padStart(2, '0');
  const mm = String(Math.floor((seconds % 3600) / 60)).padStart(2, '0');
  const ss = String(seconds % 60).padStart(2, '0');
  return `${date}T${hh}:${mm}:${ss}.${String(fraction).padStart(6, '0')}Z`;
}

function integer(value: DuckDBValue): number | string {
  const big = value as bigint;
  return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(big)
    : String(big);
}

function timestamp(value: DuckDBValue): string | null {
  const ts = value as DuckDBTimestampValue | DuckDBTimestampTZValue;
  return ts.isFinite ? isoFromMicros(ts.micros) : String(ts);
}

const js = JSDuckDBValueConverter as DuckDBValueConverter<unknown>;
const passThrough: DuckDBValueConverter<unknown> = (value, type, converter) => js(value, type, converter);

/**
 * Converts DuckDB values into plain JSON-friendly values (see `Row` in warehouse.ts for the conventions),
 * so that every surface (CLI --json, HTTP API, reports) prints the same thing.
 */
export const plainValueConverter: DuckDBValueConverter<unknown> = createDuckDBValueConverter<unknown>({
  ...Object.fromEntries(
    Object.values(DuckDBTypeId)
      .filter((id) => typeof id === 'number')
      .map((id) => [id, passThrough]),
  ),
  [DuckDBTypeId.BIGINT]: integer,
  [DuckDBTypeId.UBIGINT]: integer,
  [DuckDBTypeId.HUGEINT]: integer,
  [DuckDBTypeId.UHUGEINT]: integer,
  [DuckDBTypeId.BIGNUM]: integer,
  [DuckDBTypeId.TIMESTAMP]: timestamp,
  [DuckDBTypeId.TIMESTAMP_TZ]: timestamp,
  [DuckDBTypeId.TIMESTAMP_S]: (value: DuckDBValue) => String(value),
  [DuckDBTypeId.TIMESTAMP_MS]: (value: DuckDBValue) => String(value),
  [DuckDBTypeId.TIMESTAMP_NS]: (value: DuckDBValue) => String(value),
  [DuckDBTypeId.DATE]: (value: DuckDBValue) => {
    const date = value as DuckDBDateValue;
    return date.isFinite ? new Date(date.days * 86_400_000).toISOString().slice(0, 10) : String(date);
  },
  [DuckDBTypeId.TIME]: (value: DuckDBValue) => String(value),
  [DuckDBTypeId.INTERVAL]: (value: DuckDBValue) => String(value),
  [DuckDBTypeId.DECIMAL]: (value: DuckDBValue) => Number(String(value)),
  [DuckDBTypeId.UUID]: (value: DuckDBValue) => String(value),
} as unknown as Record<DuckDBTypeId, DuckDBValueConverter<unknown>>);
