/**
 * The scheduler's time. Production runs on the system clock; tests and replays drive a `ManualClock`, so
 * a day of 15-minute evaluations, a downtime or a retry's backoff takes no real time and happens at exact
 * instants.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /**
   * Resolves once `ms` have passed on this clock, or as soon as `signal` aborts (it resolves then too:
   * callers that wait for "the next due time or a wake-up" check the signal, they do not catch).
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
    }),
};

interface Sleeper {
  readonly until: number;
  readonly resolve: () => void;
}

/** A clock that moves only when told to; its sleepers wake when it is moved to or past their time. */
export class ManualClock implements Clock {
  private time: number;
  private sleepers: Sleeper[] = [];

  constructor(start: number | Date | string = 0) {
    this.time = typeof start === 'number' ? start : new Date(start).getTime();
  }

  now(): number {
    return this.time;
  }

  /** Moves the clock to `t` (never backwards: a scheduler's cursor assumes time does not run back). */
  set(t: number | Date | string): void {
    const next = typeof t === 'number' ? t : new Date(t).getTime();
    if (next < this.time) throw new Error(`ManualClock cannot go back from ${this.time} to ${next}`);
    this.time = next;
    this.wake();
  }

  advance(ms: number): void {
    this.set(this.time + ms);
  }

  /** Sleepers not yet woken (a test waits for the scheduler to be asleep before moving the clock). */
  get waiting(): number {
    return this.sleepers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const sleeper: Sleeper = {
        until: this.time + ms,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        sleeper.resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  private wake(): void {
    const due = this.sleepers.filter((s) => s.until <= this.time);
    this.sleepers = this.sleepers.filter((s) => s.until > this.time);
    for (const sleeper of due) sleeper.resolve();
  }
}
