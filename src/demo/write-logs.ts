import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Rng } from '../math/random.ts';
import { DAY_MS, dayTimestampFormatter, HOUR_MS } from './calendar.ts';
import { APP_VERSIONS, CAMPAIGNS, CITIES, DEVICES, GENDERS, OS_NAMES, SOURCES } from './catalogue.ts';
import {
  APP_OPEN,
  EVENT_NAMES,
  EventBuffer,
  EXPOSURE,
  LIKE,
  MESSAGE,
  VIA_PUSH,
  VIEW,
} from './event-buffer.ts';
import { eventId, MAX_IDS, postId, sessionId, userId } from './ids.ts';
import type { DemoPlan, MalformedKind } from './plan.ts';
import type { Population } from './population.ts';
import { RETENTION_DAYS, Tally } from './tally.ts';

/**
 * Turns a day's sorted events into the NDJSON lines a real app's log would hold, with the flaws the
 * plan asks for: the logging drop (lines never written), client retries (the same line twice, a few
 * lines apart) and malformed lines (a truncated write, an anonymous event without user_id, a timestamp
 * from a broken clock formatter). Lines are flat JSON objects in a fixed key order; strings come from
 * JSON.stringify'd catalogues, so names such as "São Paulo" are valid JSON.
 *
 * Lines are encoded into ~1 MB buffers and written with backpressure, so memory stays flat however
 * large the day.
 */

const CHUNK_BYTES = 1 << 20;
const HEADROOM_BYTES = 64 * 1024;
const EVENT_JSON = EVENT_NAMES.map((n) => JSON.stringify(n));
const json = (values: readonly string[]) => values.map((v) => JSON.stringify(v));
const OS_JSON = json(OS_NAMES);
const DEVICE_JSON = json(DEVICES.map((d) => d.model));
const VERSION_JSON = json(APP_VERSIONS);
const CITY_JSON = json(CITIES.map((c) => c.name));
const COUNTRY_JSON = json(CITIES.map((c) => c.country));
const SOURCE_JSON = json(SOURCES);
const CAMPAIGN_JSON = json(CAMPAIGNS);
const GENDER_JSON = json(GENDERS);
const EXPERIMENT_JSON = [
  '',
  ',"experiment":"aa_test","variant":"a1"',
  ',"experiment":"aa_test","variant":"a2"',
  ',"experiment":"feed_ranking_v2","variant":"control"',
  ',"experiment":"feed_ranking_v2","variant":"treatment"',
];
/** What a broken client-side formatter prints for an invalid Date. */
const BROKEN_TIMESTAMP = 'NaN-NaN-NaNTNaN:NaN:NaN.NaNZ';

/**
 * Appends text to a file through two reused 1 MB buffers: one fills while the other is being written,
 * and filling waits for that write to finish before reusing its buffer. Encoding each line into a
 * buffer straight away lets the line string die young; a string chunk built with `+=` keeps every line
 * alive until the chunk is flushed, long enough to be promoted to the old generation, and grew the heap
 * past 200 MB on the 500k-user run.
 */
class ChunkedFile {
  private readonly buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
  private readonly inFlight: (Promise<void> | undefined)[] = [undefined, undefined];
  private current = 0;
  private used = 0;
  private failure: Error | undefined;
  private readonly stream: WriteStream;

  constructor(path: string) {
    this.stream = createWriteStream(path);
    this.stream.on('error', (error) => {
      this.failure ??= error;
    });
  }

  /** Appends text; true when the buffer is nearly full and the caller should `await flush()`. */
  add(text: string): boolean {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (text.length * 3 > HEADROOM_BYTES) throw new Error(`demo writer: a line of ${text.length} characters`);
    this.used += this.buffers[this.current]!.write(text, this.used);
    return this.used >= CHUNK_BYTES - HEADROOM_BYTES;
  }

  async flush(): Promise<void> {
    if (this.used > 0) {
      const slice = this.buffers[this.current]!.subarray(0, this.used);
      const written = new Promise<void>((resolve, reject) => {
        this.stream.write(slice, (error) => (error ? reject(error) : resolve()));
      });
      // Awaited at the next flush; until then a failed write must not count as an unhandled rejection.
      written.catch(() => {});
      this.inFlight[this.current] = written;
      this.current ^= 1;
      this.used = 0;
    }
    const previous = this.inFlight[this.current];
    this.inFlight[this.current] = undefined;
    if (previous) await previous;
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.flush();
    this.stream.end();
    if (!this.stream.writableFinished) await once(this.stream, 'finish');
    if (this.failure) throw this.failure;
  }
}

export class LogWriter {
  private eventCounter = 0;
  private readonly expStartMs: number;
  private readonly droppedKinds: Set<number>;

  constructor(
    private readonly plan: DemoPlan,
    private readonly pop: Population,
    private readonly rng: Rng,
    private readonly tally: Tally,
    private readonly salt: number,
  ) {
    this.expStartMs = plan.startMs + plan.experiment.startDay * DAY_MS;
    this.droppedKinds = new Set(plan.loggingDrop.events.map((e) => EVENT_NAMES.indexOf(e as never)));
  }

  /**
   * The user's fields as a JSON fragment. Built anew for every line on purpose: a per-user cache kept
   * a day's worth of strings alive into the old generation (168 MB of heap on the 500k-user run), while
   * rebuilding costs a few seconds in all and leaves only short-lived garbage.
   */
  private attrs(u: number): string {
    const { pop } = this;
    const campaign = pop.campaign[u]! === 0 ? '' : `"campaign":${CAMPAIGN_JSON[pop.campaign[u]!]},`;
    return (
      `"os":${OS_JSON[pop.os[u]!]},"device":${DEVICE_JSON[pop.device[u]!]},"app_version":${VERSION_JSON[pop.version[u]!]},` +
      `"country":${COUNTRY_JSON[pop.city[u]!]},"city":${CITY_JSON[pop.city[u]!]},"source":${SOURCE_JSON[pop.source[u]!]},` +
      `${campaign}"gender":${GENDER_JSON[pop.gender[u]!]},"age":${pop.age[u]!},"exp_group":"${pop.expGroup[u]!}"`
    );
  }

  private nextEventId(): string {
    if (this.eventCounter >= MAX_IDS) throw new Error('demo: more than 2^32 event ids');
    return eventId(this.eventCounter++, this.salt, this.rng);
  }

  private line(i: number, buf: EventBuffer, timestamp: string, withUser: boolean, id: string): string {
    const kind = buf.kind[i]!;
    const u = buf.user[i]!;
    let extra = '';
    if (kind === VIEW) extra = `,"post_id":"${postId(buf.target[i]!)}","latency_ms":${buf.latency[i]!}`;
    else if (kind === LIKE) extra = `,"post_id":"${postId(buf.target[i]!)}"`;
    else if (kind === MESSAGE) extra = `,"receiver_id":"${userId(buf.target[i]!)}"`;
    else if (kind === EXPOSURE) extra = EXPERIMENT_JSON[this.pop.expGroup[u]!]!;
    else if (kind === APP_OPEN && buf.flags[i]! & VIA_PUSH) extra = ',"via":"push_notification"';
    const user = withUser ? `"user_id":"${userId(u)}",` : '';
    return (
      `{"event_id":"${id}",${user}"event":${EVENT_JSON[kind]},"timestamp":"${timestamp}",` +
      `"session_id":"${sessionId(buf.session[i]!, this.salt)}",${this.attrs(u)}${extra}}\n`
    );
  }

  /** A write cut short: any strict prefix of a JSON object is invalid JSON. */
  private truncated(line: string): string {
    return `${line.slice(0, this.rng.int(20, line.length - 3))}\n`;
  }

  /**
   * An extra line modelled on event i, with its own event id: anonymous (no user_id) or with a broken
   * timestamp. Event i itself is still written normally.
   */
  private malformedCopy(
    kind: 'missing_user_id' | 'invalid_timestamp',
    i: number,
    buf: EventBuffer,
    timestamp: string,
  ): string {
    if (kind === 'missing_user_id') return this.line(i, buf, timestamp, false, this.nextEventId());
    return this.line(i, buf, BROKEN_TIMESTAMP, true, this.nextEventId());
  }

  async writeDay(day: number, buf: EventBuffer, path: string): Promise<void> {
    const { plan, pop, rng, tally } = this;
    const order = buf.sortedOrder();
    const n = order.length;
    const file = new ChunkedFile(path);
    const format = dayTimestampFormatter(plan.startMs + day * DAY_MS);
    const dayStart = plan.startMs + day * DAY_MS;
    const { loggingDrop, latencySpike, viralPost, logRealism } = plan;
    const dropFrom = day === loggingDrop.day ? loggingDrop.startHour * HOUR_MS : DAY_MS;
    const dropTo = loggingDrop.endHour * HOUR_MS;
    const pending: { line: string; due: number }[] = [];
    let lines = 0;
    let written = 0;
    let dau = 0;

    const malformedHere = logRealism.malformed.filter((m) => m.day === day);
    let m = 0;
    /** Truncated writes waiting for the next written line, of which they are a prefix. */
    let truncations = 0;
    const addMalformed = async (kind: MalformedKind, text: string): Promise<void> => {
      if (file.add(text)) await file.flush();
      lines++;
      tally.malformed[day]! += 1;
      tally.malformedByKind[kind] = (tally.malformedByKind[kind] ?? 0) + 1;
    };

    for (let j = 0; j < n; j++) {
      const i = order[j]!;
      // Malformed lines land before the event at their position (position < 1, so every one is reached).
      while (m < malformedHere.length && Math.floor(malformedHere[m]!.position * n) <= j) {
        const spec = malformedHere[m++]!;
        if (spec.kind === 'truncated_json') truncations++;
        else await addMalformed(spec.kind, this.malformedCopy(spec.kind, i, buf, format(buf.offset[i]!)));
      }
      const kind = buf.kind[i]!;
      const offset = buf.offset[i]!;
      if (
        offset >= dropFrom &&
        offset < dropTo &&
        this.droppedKinds.has(kind) &&
        rng.bernoulli(loggingDrop.lossProbability)
      ) {
        continue;
      }
      const text = this.line(i, buf, format(offset), true, this.nextEventId());
      for (; truncations > 0; truncations--) await addMalformed('truncated_json', this.truncated(text));
      if (file.add(text)) await file.flush();
      lines++;
      written++;
      const u = buf.user[i]!;
      tally.written[Tally.cell(day, Math.floor(offset / HOUR_MS), kind)]! += 1;
      if (tally.lastSeen[u] !== day) {
        tally.lastSeen[u] = day;
        dau++;
        const since = day - pop.signupDay[u]!;
        const bit = RETENTION_DAYS.indexOf(since as never);
        if (bit >= 0) tally.retained[u]! |= 1 << bit;
      }
      const group = pop.expGroup[u]!;
      if (kind === EXPOSURE) tally.exposures[group]! += 1;
      else if ((kind === VIEW || kind === LIKE) && dayStart + offset >= this.expStartMs) {
        if (kind === VIEW) tally.viewsAfterStart[group]! += 1;
        else tally.likesAfterStart[group]! += 1;
      }
      if (kind === VIEW || kind === LIKE) {
        if (
          day === viralPost.day &&
          buf.target[i] === viralPost.postIndex &&
          offset >= viralPost.startHour * HOUR_MS &&
          offset < viralPost.endHour * HOUR_MS
        ) {
          if (kind === VIEW) tally.viral.views++;
          else tally.viral.likes++;
        }
        if (
          kind === VIEW &&
          day === latencySpike.day &&
          offset >= latencySpike.startHour * HOUR_MS &&
          offset < latencySpike.endHour * HOUR_MS
        ) {
          tally.latency.writtenSum += buf.latency[i]!;
          tally.latency.writtenViews++;
        }
      }
      // Client retries: the same line again, a few lines later.
      for (let k = 0; k < pending.length; ) {
        if (pending[k]!.due <= lines) {
          if (file.add(pending[k]!.line)) await file.flush();
          lines++;
          tally.duplicates[day]! += 1;
          pending.splice(k, 1);
        } else k++;
      }
      if (rng.bernoulli(logRealism.duplicateRate)) {
        pending.push({ line: text, due: lines + rng.int(1, logRealism.maxDuplicateDelay) });
      }
    }
    for (const p of pending) {
      if (file.add(p.line)) await file.flush();
      lines++;
      tally.duplicates[day]! += 1;
    }
    // Only on a day without events (or whose last events were all dropped): lines modelled on a
    // made-up app_open of user 0, so that the planned number of malformed lines is always written.
    const fake = new EventBuffer();
    fake.push(12 * HOUR_MS, APP_OPEN, 0, 0, -1, -1, 0);
    for (; m < malformedHere.length; m++) {
      const { kind } = malformedHere[m]!;
      if (kind === 'truncated_json') truncations++;
      else await addMalformed(kind, this.malformedCopy(kind, 0, fake, format(12 * HOUR_MS)));
    }
    for (; truncations > 0; truncations--) {
      await addMalformed(
        'truncated_json',
        this.truncated(this.line(0, fake, format(12 * HOUR_MS), true, this.nextEventId())),
      );
    }
    await file.close();
    tally.lines[day] = lines;
    tally.validEvents[day] = written;
    tally.dau[day] = dau;
  }

  get eventIdsUsed(): number {
    return this.eventCounter;
  }
}
