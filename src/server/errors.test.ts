import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ZodError, z } from 'zod';
import { ERROR_CODES, type ErrorCode, SightlineError } from '../errors/index.ts';
import { handleError, STATUS, statusOf, toSightlineError } from './errors.ts';

describe('HTTP status of error codes', () => {
  it('every code of the catalogue has a status of its own in the table', () => {
    const missing = (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => STATUS[code] === undefined);
    expect(missing).toEqual([]);
  });

  it('only server-side codes are 5xx', () => {
    const fiveHundreds = (Object.keys(ERROR_CODES) as ErrorCode[])
      .filter((code) => statusOf(code) >= 500)
      .sort();
    expect(fiveHundreds).toEqual(
      [
        'SL_CAPTURE_BACKLOG',
        'SL_CHART_FONT_MISSING',
        'SL_CHANNEL_CONFIG',
        'SL_CONFIG_INVALID',
        'SL_CONFIG_NOT_FOUND',
        'SL_DB_LOCKED',
        'SL_DB_MIGRATION_FAILED',
        'SL_DB_NEWER_SCHEMA',
        'SL_DB_OPEN_FAILED',
        'SL_DIALECT_UNKNOWN',
        'SL_INGEST_DEAD_LETTER_FAILED',
        'SL_INGEST_READ_FAILED',
        'SL_INTERNAL',
        'SL_QUERY_TIMEOUT',
      ].sort(),
    );
  });

  it('a zod failure at a boundary is SL_BAD_REQUEST naming the field', () => {
    let error: unknown;
    try {
      z.strictObject({ spec: z.object({ from: z.string() }) }).parse({ spec: { from: 3 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ZodError);
    const coded = toSightlineError(error)!;
    expect(coded.code).toBe('SL_BAD_REQUEST');
    expect(coded.message).toMatch(/^spec\.from: /);
    expect(coded.details).toEqual({ field: 'spec.from', issues: 1 });
  });

  it('a SightlineError is kept as is, and a plain Error is not coded (the handler makes it SL_INTERNAL)', () => {
    const own = new SightlineError('SL_UNKNOWN_METRIC', 'no metric "x"');
    expect(toSightlineError(own)).toBe(own);
    expect(toSightlineError(new Error('boom'))).toBeNull();
    expect(toSightlineError(new TypeError('x is undefined'))).toBeNull();
  });

  it('a full capture backlog is 503 with Retry-After from the error, for the client to send again', async () => {
    const app = Fastify();
    app.setErrorHandler(handleError);
    app.post('/capture', async () => {
      throw new SightlineError('SL_CAPTURE_BACKLOG', '500000 captured events are waiting', {
        details: { backlog: 500_000, retryAfterSeconds: 2 },
      });
    });
    const response = await app.inject({ method: 'POST', url: '/capture', payload: {} });
    await app.close();
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('2');
    expect(response.json()).toMatchObject({
      error: { code: 'SL_CAPTURE_BACKLOG', details: { backlog: 500_000, retryAfterSeconds: 2 } },
    });
  });
});
