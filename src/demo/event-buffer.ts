/**
 * One day's events before they are written: columns of typed arrays that grow by doubling, then sorted
 * by time. A day of the 500k-user run holds a few hundred thousand events in ~10 MB this way, where
 * objects would cost ten times more and keep the garbage collector busy.
 */

export const EVENT_NAMES = ['sign_up', 'app_open', 'view', 'like', 'message', '$exposure'] as const;
export type EventName = (typeof EVENT_NAMES)[number];
export const SIGN_UP = 0;
export const APP_OPEN = 1;
export const VIEW = 2;
export const LIKE = 3;
export const MESSAGE = 4;
export const EXPOSURE = 5;
export const EVENT_KINDS = EVENT_NAMES.length;

/** Flag bits. */
export const PLANTED = 1;
export const VIA_PUSH = 2;

const TIME_SCALE = 2 ** 26;

export class EventBuffer {
  length = 0;
  /** Milliseconds after the day's UTC midnight. */
  offset = new Int32Array(1024);
  kind = new Uint8Array(1024);
  flags = new Uint8Array(1024);
  user = new Int32Array(1024);
  session = new Uint32Array(1024);
  /** post index for view and like; receiver user index for message; -1 otherwise. */
  target = new Int32Array(1024);
  /** latency_ms for view; -1 otherwise. */
  latency = new Int32Array(1024);
  private keys = new Float64Array(1024);

  clear(): void {
    this.length = 0;
  }

  push(
    offset: number,
    kind: number,
    user: number,
    session: number,
    target: number,
    latency: number,
    flags: number,
  ): void {
    if (this.length === this.offset.length) this.grow();
    const i = this.length++;
    this.offset[i] = offset;
    this.kind[i] = kind;
    this.user[i] = user;
    this.session[i] = session;
    this.target[i] = target;
    this.latency[i] = latency;
    this.flags[i] = flags;
  }

  /**
   * Indices in time order; ties keep insertion order (so an exposure pushed before its view stays
   * first). The key packs offset (< 2^27) and index (< 2^26) into one exactly representable double, so
   * the native numeric sort of a Float64Array does the work without a comparator.
   */
  sortedOrder(): Float64Array {
    if (this.length >= TIME_SCALE)
      throw new Error(`event buffer: ${this.length} events in one day exceed 2^26`);
    const keys =
      this.keys.length >= this.length ? this.keys.subarray(0, this.length) : new Float64Array(this.length);
    for (let i = 0; i < this.length; i++) keys[i] = this.offset[i]! * TIME_SCALE + i;
    keys.sort();
    for (let i = 0; i < this.length; i++) keys[i] = keys[i]! % TIME_SCALE;
    return keys;
  }

  private grow(): void {
    const n = this.offset.length * 2;
    const grow = <T extends Int32Array | Uint8Array | Uint32Array | Float64Array>(
      a: T,
      make: (n: number) => T,
    ): T => {
      const b = make(n);
      b.set(a as never);
      return b;
    };
    this.offset = grow(this.offset, (k) => new Int32Array(k));
    this.kind = grow(this.kind, (k) => new Uint8Array(k));
    this.flags = grow(this.flags, (k) => new Uint8Array(k));
    this.user = grow(this.user, (k) => new Int32Array(k));
    this.session = grow(this.session, (k) => new Uint32Array(k));
    this.target = grow(this.target, (k) => new Int32Array(k));
    this.latency = grow(this.latency, (k) => new Int32Array(k));
    this.keys = new Float64Array(n);
  }
}
