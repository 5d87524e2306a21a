import { describe, expect, it } from 'vitest';
import { LoadedKeys } from './loaded-keys.ts';

const MINUTE = 60_000_000;
const at = (id: string, tsUs: number) => ({ event_id: id, ts_us: tsUs });

describe('LoadedKeys', () => {
  it('covers only events above its horizon, and knows an event by its id at its timestamp', () => {
    const keys = new LoadedKeys(10 * MINUTE);
    keys.add([at('a', 10 * MINUTE), at('b', 10 * MINUTE + 1)]);
    expect(keys.covers(10 * MINUTE)).toBe(false);
    expect(keys.covers(10 * MINUTE + 1)).toBe(true);
    // At the horizon: not recorded (the warehouse answers for it).
    expect(keys.size).toBe(1);
    expect(keys.has(at('b', 10 * MINUTE + 1))).toBe(true);
    expect(keys.has(at('b', 10 * MINUTE + 2))).toBe(false);
    expect(keys.has(at('c', 10 * MINUTE + 1))).toBe(false);
  });

  it('past its capacity forgets the oldest minutes of timestamps and raises its horizon to their end', () => {
    const keys = new LoadedKeys(Number.NEGATIVE_INFINITY, 10);
    // Minutes 0, 1, 2 with 4 events each, and one event far in the future, loaded first.
    keys.add([at('future', 1000 * MINUTE)]);
    for (const minute of [2, 0, 1]) {
      keys.add(Array.from({ length: 4 }, (_, i) => at(`m${minute}-${i}`, minute * MINUTE + i)));
    }
    // 13 keys > 10: the oldest minute (0) goes, down to 9 (90% of the capacity); the future one stays.
    expect(keys.size).toBe(9);
    expect(keys.horizonUs).toBe(MINUTE - 1);
    expect(keys.covers(3)).toBe(false);
    expect(keys.covers(MINUTE)).toBe(true);
    expect(keys.has(at('m1-0', MINUTE))).toBe(true);
    expect(keys.has(at('future', 1000 * MINUTE))).toBe(true);
    // Below the new horizon an event is no longer recorded.
    keys.add([at('late', 7)]);
    expect(keys.size).toBe(9);
  });
});
