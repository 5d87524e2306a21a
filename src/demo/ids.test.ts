import { describe, expect, it } from 'vitest';
import { createRng } from '../math/random.ts';
import { eventId, fmix32, hashString, hex8, sessionId, userId } from './ids.ts';

describe('ids', () => {
  it('fmix32 is injective on a run of consecutive counters (it is a bijection on uint32)', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200_000; i++) seen.add(fmix32(i ^ 0xdeadbeef));
    expect(seen.size).toBe(200_000);
  });

  it('event ids are version-4-shaped UUIDs, unique per counter', () => {
    const rng = createRng(1);
    const ids = Array.from({ length: 50_000 }, (_, i) => eventId(i, 12345, rng));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 100)) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('session ids are 16 hex digits and do not repeat the event id of the same counter', () => {
    const rng = createRng(1);
    expect(sessionId(0, 7)).toMatch(/^[0-9a-f]{16}$/);
    expect(sessionId(0, 7).slice(0, 8)).not.toBe(eventId(0, 7, rng).slice(0, 8));
    expect(new Set(Array.from({ length: 10_000 }, (_, i) => sessionId(i, 7))).size).toBe(10_000);
  });

  it('formats hex and user ids', () => {
    expect(hex8(0)).toBe('00000000');
    expect(hex8(0xdeadbeef)).toBe('deadbeef');
    expect(userId(0)).toBe('u_0000001');
    expect(userId(499_999)).toBe('u_0500000');
  });

  it('hashString depends on the seed and spreads ids evenly over four groups', () => {
    expect(hashString('u_0000001', 1)).not.toBe(hashString('u_0000001', 2));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[hashString(userId(i), 42) % 4]! += 1;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });
});
