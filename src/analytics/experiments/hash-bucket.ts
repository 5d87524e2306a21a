import { createHash } from 'node:crypto';
import type { Dialect } from '../../data/sql/dialect.ts';
import { type Sql, sql } from '../../data/sql/sql.ts';
import { SightlineError } from '../../errors/index.ts';

/**
 * Hash assignment: a user's bucket is the first 32 bits of md5(`salt:user_id`) read as an unsigned
 * big-endian integer, divided by 2^32 (a number in [0, 1)); the variant is the first whose cumulative
 * weight exceeds the bucket. md5 is in every SQL engine and every language's standard library, so an
 * application can assign users with the same function this analysis reproduces in SQL.
 */

const TWO_POW_32 = 4294967296;

/** The bucket in [0, 1) of a user id under a salt (the reference for the SQL form). */
export function hashBucket(salt: string, userId: string): number {
  const digest = createHash('md5').update(`${salt}:${userId}`, 'utf8').digest();
  return digest.readUInt32BE(0) / TWO_POW_32;
}

/** The variant index whose cumulative share first exceeds `bucket`; shares must sum to 1. */
export function variantOfBucket(bucket: number, shares: readonly number[]): number {
  let cumulative = 0;
  for (let i = 0; i < shares.length; i++) {
    cumulative += shares[i]!;
    if (bucket < cumulative) return i;
  }
  return shares.length - 1;
}

/** The SQL of `hashBucket(salt, user_id)` for a text expression of the user id. */
export function hashBucketSql(dialect: Dialect, salt: string, userId: Sql): Sql {
  if (dialect.name === 'duckdb') {
    // md5() gives 32 lowercase hex digits; the first 8, read as hex, are the first 32 bits.
    return sql`(CAST(('0x' || substr(md5(${`${salt}:`} || ${userId}), 1, 8)) AS UBIGINT) / ${TWO_POW_32}::DOUBLE)`;
  }
  throw new SightlineError(
    'SL_DIALECT_CAPABILITY',
    `hash assignment of experiment arms has no SQL form for the ${dialect.name} dialect yet`,
  );
}

/**
 * The SQL CASE that maps a bucket to its variant with the same cumulative rule as `variantOfBucket`.
 * The boundaries are the cumulative sums computed here, in JavaScript, so both sides compare the bucket
 * with identical doubles.
 */
export function variantOfBucketSql(bucket: Sql, variants: readonly string[], shares: readonly number[]): Sql {
  let cumulative = 0;
  const parts: Sql[] = [];
  for (let i = 0; i < variants.length - 1; i++) {
    cumulative += shares[i]!;
    parts.push(sql`WHEN ${bucket} < CAST(${cumulative} AS DOUBLE) THEN ${variants[i]!}`);
  }
  let body = sql``;
  for (const part of parts) body = sql`${body} ${part}`;
  return sql`(CASE${body} ELSE ${variants[variants.length - 1]!} END)`;
}
