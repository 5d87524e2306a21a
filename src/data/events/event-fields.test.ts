import { describe, expect, it } from 'vitest';
import { PROMOTED_NUMBER_FIELDS, PROMOTED_STRING_FIELDS } from './event.ts';
import { FIELD_TARGETS, FIRST_NUMBER_SLOT, FIRST_PROMOTED_SLOT, SLOT, SLOT_COUNT } from './event-fields.ts';

describe('field slots', () => {
  it('put ids first, then promoted strings, then promoted numbers', () => {
    expect(FIELD_TARGETS.slice(0, 4)).toEqual(['event_id', 'user_id', 'event', 'timestamp']);
    expect(FIELD_TARGETS.slice(FIRST_PROMOTED_SLOT, FIRST_NUMBER_SLOT)).toEqual([...PROMOTED_STRING_FIELDS]);
    expect(FIELD_TARGETS.slice(FIRST_NUMBER_SLOT)).toEqual([...PROMOTED_NUMBER_FIELDS]);
    expect(SLOT_COUNT).toBe(FIELD_TARGETS.length);
    for (const [i, name] of FIELD_TARGETS.entries()) expect(SLOT[name]).toBe(i);
  });
});
