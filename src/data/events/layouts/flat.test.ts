import { describe, expect, it } from 'vitest';
import { emptySlots, SLOT } from '../event-fields.ts';
import { extractFlat } from './flat.ts';

describe('extractFlat', () => {
  it('fills slots by name and returns the other keys in input order', () => {
    const values = emptySlots();
    const rest = extractFlat({ z: 1, user_id: 'u', event: 'e', os: 'iOS', a: [1], ts: 5, age: 3 }, values);
    expect(rest).toEqual({ z: 1, a: [1] });
    expect(Object.keys(rest!)).toEqual(['z', 'a']);
    expect(values[SLOT.user_id]).toBe('u');
    expect(values[SLOT.event]).toBe('e');
    expect(values[SLOT.timestamp]).toBe(5);
    expect(values[SLOT.os]).toBe('iOS');
    expect(values[SLOT.age]).toBe(3);
  });

  it('prefers timestamp over time over ts, and event over action', () => {
    const values = emptySlots();
    const rest = extractFlat({ ts: 3, time: 2, timestamp: 1, action: 'a', event: 'e' }, values);
    expect(values[SLOT.timestamp]).toBe(1);
    expect(values[SLOT.event]).toBe('e');
    expect(rest).toEqual({ action: 'a', time: 2, ts: 3 });
  });

  it('uses time when timestamp is null, and drops null known fields', () => {
    const values = emptySlots();
    expect(extractFlat({ timestamp: null, time: 2, os: null }, values)).toBeNull();
    expect(values[SLOT.timestamp]).toBe(2);
    expect(values[SLOT.os]).toBeUndefined();
  });

  it('treats keys of slots the mapping already filled as ordinary data', () => {
    const values = emptySlots();
    values[SLOT.user_id] = 'mapped';
    values[SLOT.timestamp] = 1;
    expect(extractFlat({ user_id: 'auto', time: 2 }, values)).toEqual({ user_id: 'auto', time: 2 });
    expect(values[SLOT.user_id]).toBe('mapped');
  });

  it('returns null when every key was a known field', () => {
    expect(extractFlat({ user_id: 'u', event: 'e' }, emptySlots())).toBeNull();
  });
});
