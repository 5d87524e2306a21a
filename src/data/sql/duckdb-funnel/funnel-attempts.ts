import type { FunnelAttemptsInput } from '../funnel-attempts.ts';
import type { Sql } from '../sql.ts';
import { duckdbAnyOrderAttempts } from './any-order.ts';
import { duckdbAnyOrderExcludedAttempts } from './any-order-exclusions.ts';
import { duckdbExcludedAttempts } from './exclusions.ts';
import { duckdbOrderedAttempts } from './ordered.ts';
import { duckdbStrictAttempts } from './strict.ts';

/**
 * DuckDB's `Dialect.funnelAttempts`: one formulation per order, and for ordered and any-order funnels
 * one more with exclusions (which cost those funnels more than strict ones; see their files).
 */
export function duckdbFunnelAttempts(input: FunnelAttemptsInput): Sql {
  switch (input.order) {
    case 'ordered':
      return input.exclusions.length > 0 ? duckdbExcludedAttempts(input) : duckdbOrderedAttempts(input);
    case 'strict':
      return duckdbStrictAttempts(input);
    case 'any':
      return input.exclusions.length > 0
        ? duckdbAnyOrderExcludedAttempts(input)
        : duckdbAnyOrderAttempts(input);
  }
}
