import { describe, expect, it } from 'vitest';
import { emptySlots, SLOT } from './event-fields.ts';
import { applyMapping, compileMapping, fieldMappingSchema } from './field-mapping.ts';

describe('fieldMappingSchema', () => {
  it('accepts target columns mapped to dotted paths', () => {
    const mapping = { user_id: 'meta.uid', timestamp: 'at', os: 'device.os.name', age: 'person.age' };
    expect(fieldMappingSchema.parse(mapping)).toEqual(mapping);
  });

  it('rejects unknown targets and malformed paths', () => {
    const unknown = fieldMappingSchema.safeParse({ userid: 'x' });
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]?.code).toBe('unrecognized_keys');
    for (const path of ['', '.a', 'a.', 'a..b']) {
      expect(fieldMappingSchema.safeParse({ user_id: path }).success).toBe(false);
    }
  });
});

describe('applyMapping', () => {
  const mapping = compileMapping({ user_id: 'meta.uid', event: 'kind', os: 'meta.device.os' });

  it('fills slots and returns a copy without the mapped paths, pruning emptied objects', () => {
    const input = { kind: 'open', meta: { uid: 'u', device: { os: 'iOS' } }, keep: 1 };
    const values = emptySlots();
    const rest = applyMapping(input, mapping, values);
    expect(rest).toEqual({ keep: 1 });
    expect(values[SLOT.user_id]).toBe('u');
    expect(values[SLOT.event]).toBe('open');
    expect(values[SLOT.os]).toBe('iOS');
    expect(input).toEqual({ kind: 'open', meta: { uid: 'u', device: { os: 'iOS' } }, keep: 1 });
  });

  it('returns the same object when no mapped path is present, and skips nulls', () => {
    const input = { kind: null, other: 1 };
    const values = emptySlots();
    expect(applyMapping(input, mapping, values)).toBe(input);
    expect(values.every((v) => v === undefined)).toBe(true);
  });
});
