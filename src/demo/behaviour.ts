import type { Rng } from '../math/random.ts';
import { DAY_MS, HOUR_MS, weekday } from './calendar.ts';
import {
  ACTIVITY_BY_WEEKDAY,
  ANDROID,
  APP_VERSIONS,
  CITIES,
  COUNTRIES,
  DAILY_UPGRADE_PROBABILITY,
  DEVICES,
} from './catalogue.ts';
import {
  APP_OPEN,
  EventBuffer,
  EXPOSURE,
  LIKE,
  MESSAGE,
  PLANTED,
  SIGN_UP,
  VIA_PUSH,
  VIEW,
} from './event-buffer.ts';
import { type DemoPlan, postsBy } from './plan.ts';
import { drawTimeOfDay, latestVersion, type Population } from './population.ts';
import { Tally } from './tally.ts';

/**
 * How users behave, one UTC day at a time.
 *
 * Retention: a user signed up d >= 1 days ago is active with probability
 *   min(0.95, activity_u * source_u * R(d) * weekday factor),  R(d) = 0.42 * d^-0.37,
 * where activity_u is lognormal with mean 1 and source_u is 1 for organic users. The power law was fitted
 * through the target organic curve (day 1 about 40%, day 7 about 20%, day 30 about 12%), which an
 * exponential with a plateau cannot follow past the first week; ground-truth.json reports the realised
 * values. Days are drawn independently given the user's traits: heavy users come back often, light
 * users rarely, which is what makes cohorts' curves keep sloping.
 *
 * An active day has 1 + Poisson(0.15 sqrt(activity)) sessions placed by the local hour-of-day curve.
 * A session is an app_open, Poisson(views_u) feed views a few seconds apart (plus 4 on the sign-up
 * session), a like per view with probability ctr_u, and Poisson(messages_u) messages.
 */
export class Simulator {
  private sessionCounter = 0;
  private readonly exposed: Uint8Array;
  /** R(d) for d = 0..days. */
  private readonly retentionCurve: Float64Array;
  private readonly latencyMedian: Float32Array;
  private readonly outageVersion: number;
  /** The day being simulated. */
  private buf: EventBuffer = new EventBuffer();
  private day = 0;
  private firstToday = 0;
  /** Offset of the latest event of the session being simulated. */
  private sessionEnd = 0;

  constructor(
    private readonly plan: DemoPlan,
    private readonly pop: Population,
    private readonly rng: Rng,
    /** The planted effects' own draws, so tuning a plant does not reshuffle the organic days after it. */
    private readonly plantRng: Rng,
    private readonly tally: Tally,
  ) {
    this.exposed = new Uint8Array(pop.size);
    this.retentionCurve = new Float64Array(plan.days + 1);
    for (let d = 1; d <= plan.days; d++) this.retentionCurve[d] = retentionCurve(d);
    this.latencyMedian = new Float32Array(CITIES.length * DEVICES.length);
    for (let c = 0; c < CITIES.length; c++) {
      for (let v = 0; v < DEVICES.length; v++) {
        const country = COUNTRIES[CITIES[c]!.countryIndex]!;
        this.latencyMedian[c * DEVICES.length + v] = 140 * country.latencyFactor * DEVICES[v]!.latencyFactor;
      }
    }
    this.outageVersion = APP_VERSIONS.indexOf(plan.outage.appVersion as (typeof APP_VERSIONS)[number]);
  }

  /** Fills `buf` with the day's events, unsorted. */
  simulateDay(day: number, buf: EventBuffer): void {
    buf.clear();
    this.buf = buf;
    this.day = day;
    const { plan, pop, rng } = this;
    const dayFactor = ACTIVITY_BY_WEEKDAY[weekday(plan.startMs + day * DAY_MS)]!;
    const firstToday = pop.firstOfDay[day]!;
    const endToday = pop.firstOfDay[day + 1]!;
    this.firstToday = firstToday;
    const latest = latestVersion(plan, day);
    for (let u = 0; u < firstToday; u++) {
      const p =
        pop.activity[u]! * pop.retention[u]! * this.retentionCurve[day - pop.signupDay[u]!]! * dayFactor;
      if (rng.next() < Math.min(p, 0.95)) this.activeDay(u, latest, false);
    }
    for (let u = firstToday; u < endToday; u++) this.activeDay(u, latest, true);
    if (day === plan.push.day) this.pushSessions(endToday);
  }

  private activeDay(u: number, latest: number, signsUp: boolean): void {
    const { pop, rng, plan, buf, day } = this;
    if (!signsUp && pop.version[u]! < latest && rng.bernoulli(DAILY_UPGRADE_PROBABILITY[pop.os[u]!]!)) {
      pop.version[u] = latest;
    }
    const isOutageDay = day === plan.outage.day;
    const inSegment = isOutageDay && pop.os[u] === ANDROID && pop.version[u] === this.outageVersion;
    const before = buf.length;
    const cityOffset = CITIES[pop.city[u]!]!.utcOffsetHours;
    const views = pop.views[u]!;
    const messages = pop.messages[u]!;
    // Sessions run one after another: each starts at its drawn time or 30 s after the previous one's
    // last event, whichever is later, so "first view of the day" is also the first simulated.
    let end = -Infinity;
    if (signsUp) {
      const signupOffset = pop.signupMs[u]! - (plan.startMs + day * DAY_MS);
      const session = this.sessionCounter++;
      this.emit(signupOffset, SIGN_UP, u, session, -1, -1, 0, false);
      const firstStart = signupOffset + 2000 + Math.floor(rng.next() * 18_000);
      end = this.session(rng, u, firstStart, session, views + 4, messages, inSegment, 0);
      const more = rng.poisson(0.6);
      const starts: number[] = [];
      for (let i = 0; i < more; i++) {
        const t = drawTimeOfDay(rng, cityOffset);
        starts.push(t > signupOffset ? t : signupOffset + Math.floor(rng.next() * (DAY_MS - signupOffset)));
      }
      starts.sort((x, y) => x - y);
      for (const t of starts) {
        end = this.session(
          rng,
          u,
          Math.max(t, end + 30_000),
          this.sessionCounter++,
          views,
          messages,
          inSegment,
          0,
        );
      }
    } else {
      const count = 1 + rng.poisson(0.15 * Math.sqrt(pop.activity[u]!));
      if (count === 1) {
        this.session(
          rng,
          u,
          drawTimeOfDay(rng, cityOffset),
          this.sessionCounter++,
          views,
          messages,
          inSegment,
          0,
        );
      } else {
        const starts = Array.from({ length: count }, () => drawTimeOfDay(rng, cityOffset)).sort(
          (x, y) => x - y,
        );
        for (const t of starts) {
          end = this.session(
            rng,
            u,
            Math.max(t, end + 30_000),
            this.sessionCounter++,
            views,
            messages,
            inSegment,
            0,
          );
        }
      }
    }
    if (isOutageDay) {
      const active = buf.length > before ? 1 : 0;
      const { outage } = this.tally;
      outage.intendedUsers++;
      outage.actualUsers += active;
      if (inSegment) {
        outage.segmentIntendedUsers++;
        outage.segmentActualUsers += active;
      }
    }
  }

  /**
   * One session starting at `start` (ms after midnight) with Poisson numbers of views and messages of
   * the given means; `flags` marks planted sessions. Events that would fall after midnight are cut: the
   * day files split a session open at midnight anyway, and the demo keeps each user-day in one file.
   * Returns the offset of the session's last event.
   */
  private session(
    rng: Rng,
    u: number,
    start: number,
    session: number,
    meanViews: number,
    meanMessages: number,
    inSegment: boolean,
    flags: number,
  ): number {
    const { pop, plan, day, firstToday, plantRng } = this;
    const { outage, viralPost, messagingOutage, experiment } = plan;
    const inOutage = inSegment && start >= outage.startHour * HOUR_MS && start < outage.endHour * HOUR_MS;
    const sessionLost = inOutage && rng.bernoulli(outage.sessionLoss);
    if (sessionLost) this.tally.outage.sessionsLost++;
    this.sessionEnd = start;
    this.emit(start, APP_OPEN, u, session, -1, -1, flags, sessionLost);

    const likeBoost = day >= experiment.startDay && pop.expGroup[u] === 4 ? 1 + experiment.uplift : 1;
    const ctr = pop.ctr[u]! * likeBoost;
    const latencyMedian = this.latencyMedian[pop.city[u]! * DEVICES.length + pop.device[u]!]!;
    let t = start + 300 + Math.floor(rng.next() * 2200);

    const inViralWindow =
      day === viralPost.day && start >= viralPost.startHour * HOUR_MS && start < viralPost.endHour * HOUR_MS;
    if (inViralWindow && plantRng.bernoulli(viralPost.viewProbability)) {
      const like = viralPost.likeProbability * likeBoost;
      this.view(
        plantRng,
        u,
        session,
        t,
        viralPost.postIndex,
        latencyMedian,
        like,
        flags | PLANTED,
        sessionLost,
        inSegment,
      );
      t += 3000 + Math.floor(plantRng.next() * 12_000);
    }

    // The feed shows recent posts: how far back a view reaches is exponential, 1.5 days' posts on average.
    const available = postsBy(plan, day);
    const recency = plan.postsPerDay * 1.5;
    const views = rng.poisson(meanViews);
    for (let i = 0; i < views; i++) {
      const back = Math.floor(-Math.log(1 - rng.next()) * recency);
      const post = back < available ? available - 1 - back : rng.int(0, available - 1);
      this.view(rng, u, session, t, post, latencyMedian, ctr, flags, sessionLost, inSegment);
      t += 1000 + Math.floor(-Math.log(1 - rng.next()) * 7000);
    }

    // Receivers are users who signed up before the sender: earlier days, or earlier today (ids follow
    // sign-up time).
    const messages = rng.poisson(meanMessages);
    const span = Math.max(20_000, t - start + 10_000);
    const pool = u < firstToday ? firstToday - 1 : u;
    for (let i = 0; i < messages && pool > 0; i++) {
      const at = start + 2000 + Math.floor(rng.next() * span);
      let receiver = rng.int(0, pool - 1);
      if (u < firstToday && receiver >= u) receiver++;
      const lost =
        sessionLost ||
        (day === messagingOutage.day &&
          at >= messagingOutage.startHour * HOUR_MS &&
          at < messagingOutage.endHour * HOUR_MS &&
          rng.bernoulli(messagingOutage.lossProbability));
      this.emit(at, MESSAGE, u, session, receiver, -1, flags, lost);
    }
    return this.sessionEnd;
  }

  /** A feed view, its exposure if it is the user's first since the experiment start, and maybe a like. */
  private view(
    rng: Rng,
    u: number,
    session: number,
    t: number,
    post: number,
    latencyMedian: number,
    likeProbability: number,
    flags: number,
    sessionLost: boolean,
    inSegment: boolean,
  ): void {
    const { plan, tally, day } = this;
    const { outage, latencySpike, experiment } = plan;
    let latency = Math.max(20, Math.round(latencyMedian * Math.exp(0.45 * rng.normal())));
    if (
      day === latencySpike.day &&
      t >= latencySpike.startHour * HOUR_MS &&
      t < latencySpike.endHour * HOUR_MS
    ) {
      tally.latency.intendedSum += latency;
      tally.latency.intendedViews++;
      latency *= latencySpike.multiplier;
    }
    const feedLost =
      sessionLost ||
      (inSegment &&
        t >= outage.startHour * HOUR_MS &&
        t < outage.endHour * HOUR_MS &&
        rng.bernoulli(outage.feedLoss));
    if (feedLost && !sessionLost) tally.outage.viewsLost++;
    if (!feedLost && t < DAY_MS && day >= experiment.startDay && this.exposed[u] === 0) {
      this.exposed[u] = 1;
      this.emit(t, EXPOSURE, u, session, -1, -1, flags, false);
    }
    this.emit(t, VIEW, u, session, post, latency, flags, feedLost);
    if (rng.bernoulli(likeProbability)) {
      if (feedLost && !sessionLost) tally.outage.likesLost++;
      this.emit(t + 1000 + Math.floor(rng.next() * 5000), LIKE, u, session, post, -1, flags, feedLost);
    }
  }

  /** The planted push: users who have signed up by then open the app from the notification. */
  private pushSessions(endToday: number): void {
    const { pop, plantRng: rng, plan, tally, buf, day } = this;
    const { push } = plan;
    const pushStart = plan.startMs + day * DAY_MS + push.startHour * HOUR_MS;
    const windowMs = (push.endHour - push.startHour) * HOUR_MS;
    const seenToday = new Uint8Array(endToday);
    for (let i = 0; i < buf.length; i++) seenToday[buf.user[i]!] = 1;
    for (let u = 0; u < endToday; u++) {
      if (pop.signupMs[u]! >= pushStart) continue;
      if (!rng.bernoulli(Math.min(0.5, push.openProbability * Math.sqrt(pop.activity[u]!)))) continue;
      // Most opens come in the first minutes after the notification; the rest spread over the hour.
      let t = Math.floor(-Math.log(1 - rng.next()) * 6 * 60_000);
      if (t >= windowMs - 60_000) t = Math.floor(rng.next() * (windowMs - 60_000));
      tally.push.opens++;
      if (seenToday[u] === 0) tally.push.usersNotOtherwiseActive++;
      const start = push.startHour * HOUR_MS + t;
      this.session(
        rng,
        u,
        start,
        this.sessionCounter++,
        push.viewsPerOpen,
        push.messagesPerOpen,
        false,
        PLANTED | VIA_PUSH,
      );
    }
  }

  /** Counts an intended (or planted) event and appends it unless it is lost or falls after midnight. */
  private emit(
    offset: number,
    kind: number,
    u: number,
    session: number,
    target: number,
    latency: number,
    flags: number,
    lost: boolean,
  ): void {
    if (offset > this.sessionEnd) this.sessionEnd = offset;
    if (offset >= DAY_MS) return;
    const cell = Tally.cell(this.day, Math.floor(offset / HOUR_MS), kind);
    if (flags & PLANTED) this.tally.planted[cell]! += 1;
    else this.tally.intended[cell]! += 1;
    if (!lost) this.buf.push(offset, kind, u, session, target, latency, flags);
  }
}

/** R(d): the organic chance of being active d >= 1 days after sign-up, for an average user. */
export function retentionCurve(d: number): number {
  return 0.42 * d ** -0.37;
}
