import { hashBucket, variantOfBucket } from '../../src/analytics/experiments/hash-bucket.ts';
import { createRng } from '../../src/math/random.ts';
import { at, type RawEvent } from './fixtures.ts';

/**
 * A seeded experiment with a planted effect, and a naive reading of it: per-user values counted in plain
 * JavaScript from the event list, the independent reference the report's numbers are checked against.
 *
 * Users u0000..: even ones in control, odd ones in treatment, each exposed once (a `$exposure` event) on
 * days 1-4; after exposure they view the feed a Poisson number of times (10% never come back) and like
 * each view with probability 0.2 in control and 0.3 in treatment; 10% / 15% purchase. Before exposure
 * they view at a rate that predicts their later rate (the CUPED covariate). Every event carries
 * `exp_group` A or B and the user's os, except the exposure.
 */
export const WINDOW = { from: '2026-09-02', to: '2026-09-08' } as const;
const START = Date.parse(`${WINDOW.from}T00:00:00Z`);
const END = Date.parse(`${WINDOW.to}T00:00:00Z`) + 86_400_000;

export interface PlantedOptions {
  users: number;
  seed: number;
  /** Share of users assigned to control (default one half, alternating). */
  controlShare?: number;
  /** Like probability in treatment (control is 0.2). */
  treatmentCtr?: number;
}

export function plantedEvents(options: PlantedOptions): RawEvent[] {
  const rng = createRng(options.seed);
  const events: RawEvent[] = [];
  const controlShare = options.controlShare ?? 0.5;
  for (let u = 0; u < options.users; u++) {
    const user_id = `u${String(u).padStart(4, '0')}`;
    const control = controlShare === 0.5 ? u % 2 === 0 : rng.next() < controlShare;
    const variant = control ? 'control' : 'treatment';
    const group = control ? 'A' : 'B';
    const os = rng.bernoulli(0.6) ? 'Android' : 'iOS';
    const exposure = Date.parse(at(1 + rng.int(0, 3), rng.int(0, 1439)));
    const rate = 0.5 + 4 * rng.next();
    const stamp = (ms: number) => new Date(ms).toISOString();
    events.push({ user_id, event: '$exposure', ts: stamp(exposure), experiment: 'planted', variant });
    const pre = rng.poisson(rate);
    for (let i = 0; i < pre; i++)
      events.push({
        user_id,
        event: 'view',
        ts: stamp(exposure - 1 - rng.int(0, 2 * 86_400_000 - 2)),
        os,
        exp_group: group,
      });
    const views = rng.bernoulli(0.1) ? 0 : rng.poisson(rate * 1.5);
    for (let i = 0; i < views; i++) {
      const t = exposure + rng.int(0, END - exposure - 10_000);
      events.push({ user_id, event: 'view', ts: stamp(t), os, exp_group: group });
      if (rng.bernoulli(control ? 0.2 : (options.treatmentCtr ?? 0.3)))
        events.push({ user_id, event: 'like', ts: stamp(t + 5000), os, exp_group: group });
    }
    if (rng.bernoulli(control ? 0.1 : 0.15)) {
      const t = exposure + rng.int(0, END - exposure - 1);
      events.push({ user_id, event: 'purchase', ts: stamp(t), os, exp_group: group, amount: rng.int(5, 50) });
    }
  }
  return events;
}

export interface NaiveUser {
  user: string;
  variant: string;
  exposure: number;
}

/** Each user's arm and exposure time as the experiment's arms define them, read from the events. */
export function naiveAssignment(
  events: readonly RawEvent[],
  mode: 'exposures' | 'event_field' | 'hash',
  hash?: { salt: string; variants: readonly string[]; shares: readonly number[] },
): NaiveUser[] {
  const byUser = new Map<string, NaiveUser>();
  const ms = (e: RawEvent) => Date.parse(e.ts);
  for (const e of events) {
    const t = ms(e);
    if (mode === 'exposures') {
      // Exposures on or after the start only; one per user in these fixtures.
      if (e.event !== '$exposure' || t < START || t >= END) continue;
      byUser.set(e.user_id, { user: e.user_id, variant: String(e.variant), exposure: t });
      continue;
    }
    if (t < START || t >= END) continue;
    if (mode === 'event_field' && e.exp_group === undefined) continue;
    const current = byUser.get(e.user_id);
    if (current && current.exposure <= t) continue;
    const variant =
      mode === 'event_field'
        ? e.exp_group === 'A'
          ? 'control'
          : 'treatment'
        : hash!.variants[variantOfBucket(hashBucket(hash!.salt, e.user_id), hash!.shares)]!;
    byUser.set(e.user_id, { user: e.user_id, variant, exposure: t });
  }
  return [...byUser.values()].sort((a, b) => (a.user < b.user ? -1 : 1));
}

/** Per user (in the assignment's order): how many `event`s at or after exposure, within the window. */
export function naiveCounts(
  events: readonly RawEvent[],
  users: readonly NaiveUser[],
  event: string,
  period: 'post' | { preDays: number } = 'post',
): Float64Array {
  const index = new Map(users.map((u, i) => [u.user, i]));
  const out = new Float64Array(users.length);
  for (const e of events) {
    const i = index.get(e.user_id);
    if (i === undefined || e.event !== event) continue;
    const t = Date.parse(e.ts);
    const exposure = users[i]!.exposure;
    const inside =
      period === 'post'
        ? t >= exposure && t < END
        : t >= exposure - period.preDays * 86_400_000 && t < exposure;
    if (inside) out[i]! += 1;
  }
  return out;
}

/** The entries of `values` whose user is in `variant`. */
export function ofVariant(values: Float64Array, users: readonly NaiveUser[], variant: string): Float64Array {
  return Float64Array.from(users.flatMap((u, i) => (u.variant === variant ? [values[i]!] : [])));
}
