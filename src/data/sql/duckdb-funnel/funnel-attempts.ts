import type { FunnelAttemptsInput } from '../funnel-attempts.ts';
import type { Sql } from '../sql.ts';
import { duckdbAnyOrderAttempts } from './any-order.ts';
import { duckdbExcludedAttempts } from './exclusions.ts';
import { duckdbOrderedAttempts } from './ordered.ts';
import { duckdbStrictAttempts } from './strict.ts';

/** DuckDB's `Dialect.funnelAttempts`: one formulation per order, and one for ordered exclusions. */
export function duckdbFunnelAttempts(input: FunnelAttemptsInput): Sql {
  switch (input.order) {
    case 'ordered':
      return input.exclusions.length > 0 ? duckdbExcludedAttempts(input) : duckdbOrderedAttempts(input);
    case 'strict':
      return duckdbStrictAttempts(input);
    case 'any':
      if (input.exclusions.length > 0) throw new Error('an any-order funnel has no exclusions');
      return duckdbAnyOrderAttempts(input);
  }
}
