import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dateSchema, listOf, parseSpec, timeZoneSchema } from './common-spec.ts';

describe('shared spec fields', () => {
  it('accepts every IANA zone the runtime knows, aliases included, in its canonical spelling', () => {
    expect(timeZoneSchema.parse(undefined)).toBe('UTC');
    expect(timeZoneSchema.parse('utc')).toBe('UTC');
    expect(timeZoneSchema.parse('Etc/UTC')).toBe('UTC');
    expect(timeZoneSchema.parse('Europe/Berlin')).toBe('Europe/Berlin');
    expect(timeZoneSchema.safeParse('Asia/Kolkata').success).toBe(true);
    expect(timeZoneSchema.safeParse('Europe/Berln').error?.issues[0]?.message).toBe(
      'unknown time zone "Europe/Berln" (did you mean "Europe/Berlin"?); use an IANA name such as Europe/Berlin',
    );
  });

  it('accepts real calendar dates only', () => {
    expect(dateSchema.safeParse('2026-02-28').success).toBe(true);
    expect(dateSchema.safeParse('2026-02-29').success).toBe(false);
    expect(dateSchema.safeParse('2028-02-29').success).toBe(true);
    expect(dateSchema.safeParse('2026-9-1').success).toBe(false);
  });

  it('reads lists from comma-separated flags and from JSON arrays alike', () => {
    const list = listOf(z.string());
    expect(list.parse('a, b,,c')).toEqual(['a', 'b', 'c']);
    expect(list.parse(['a', 'b'])).toEqual(['a', 'b']);
  });

  it('lists every problem of a spec, with did-you-mean for a misspelt field', () => {
    const schema = z.strictObject({ event: z.string(), interval: z.enum(['day', 'week']) });
    expect(() => parseSpec('trends', schema, { evnt: 'x', interval: 'year' })).toThrow(
      /^trends: event: .*; interval: .*; unknown field "evnt" \(did you mean "event"\?\)$/,
    );
  });
});
