import type { Rng } from '../math/random.ts';
import { DAY_MS, HOUR_MS, weekday } from './calendar.ts';
import {
  ADS,
  ADS_SHARE,
  ALWAYS_ON_CAMPAIGN_SHARES,
  CITIES,
  COUNTRIES,
  DEVICES,
  GENDER_SHARES,
  IOS,
  LOCAL_HOUR_WEIGHTS,
  NEW_INSTALL_PREVIOUS_VERSION_SHARE,
  ORGANIC,
  SIGN_UPS_BY_WEEKDAY,
} from './catalogue.ts';
import { hashString, userId } from './ids.ts';
import type { DemoPlan } from './plan.ts';

/**
 * Everyone who signs up during the period, numbered in sign-up order, with their fixed attributes and
 * latent traits. Columns are typed arrays (a user costs about 40 bytes), so half a million users fit in
 * 20 MB and the per-day loop reads contiguous memory.
 */
export interface Population {
  size: number;
  /** firstOfDay[d] is the index of the first user who signs up on day d; firstOfDay[days] = size. */
  firstOfDay: Int32Array;
  /** Sign-up instant, milliseconds since the epoch. */
  signupMs: Float64Array;
  signupDay: Uint16Array;
  city: Uint8Array;
  country: Uint8Array;
  os: Uint8Array;
  device: Uint8Array;
  gender: Uint8Array;
  age: Uint8Array;
  source: Uint8Array;
  /** Index into CAMPAIGNS; 0 for organic users. */
  campaign: Uint8Array;
  /** 1..4, from a seeded hash of the user id. */
  expGroup: Uint8Array;
  /** Multiplies the chance of being active on a day (lognormal, mean 1). */
  activity: Float32Array;
  /** Multiplies activity for the acquisition source (1 organic, lower for ads and the burst campaign). */
  retention: Float32Array;
  /** Chance of liking a viewed post (logit-normal around 0.2). */
  ctr: Float32Array;
  /** Mean feed views per session (lognormal, mean 2). */
  views: Float32Array;
  /** Mean messages sent per session (lognormal, mean 0.5, higher for the young). */
  messages: Float32Array;
  /** Index into APP_VERSIONS; changes as users upgrade. */
  version: Uint8Array;
}

/** Sign-ups per day: exponential growth times the weekly cycle, plus the planted burst; sums to users. */
export function signUpsPerDay(plan: DemoPlan): number[] {
  const ordinary = plan.users - plan.campaign.users;
  const weights = plan.dates.map((_, d) => {
    const trend = plan.growthFactor ** (d / (plan.days - 1));
    return trend * SIGN_UPS_BY_WEEKDAY[weekday(plan.startMs + d * DAY_MS)]!;
  });
  const total = weights.reduce((a, b) => a + b, 0);
  // Largest remainder: floors first, then one more to the days with the largest fractional parts
  // (ties to the earlier day), so the counts are integers that add up exactly.
  const exact = weights.map((w) => (w / total) * ordinary);
  const counts = exact.map(Math.floor);
  let missing = ordinary - counts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, d) => ({ d, frac: x - Math.floor(x) }))
    .sort((a, b) => b.frac - a.frac || a.d - b.d);
  for (const { d } of order) {
    if (missing === 0) break;
    counts[d]! += 1;
    missing--;
  }
  counts[plan.campaign.day]! += plan.campaign.users;
  return counts;
}

const CITY_WEIGHTS = CITIES.map((city) => COUNTRIES[city.countryIndex]!.share * city.share);

interface NewUser {
  offsetMs: number;
  city: number;
  os: number;
  device: number;
  gender: number;
  age: number;
  source: number;
  campaign: number;
  version: number;
}

/** Milliseconds after UTC midnight of an instant drawn from the local hour-of-day curve of a city. */
export function drawTimeOfDay(rng: Rng, utcOffsetHours: number): number {
  const localHour = rng.weightedIndex(LOCAL_HOUR_WEIGHTS);
  const localMs = localHour * HOUR_MS + Math.floor(rng.next() * HOUR_MS);
  return (((localMs - utcOffsetHours * HOUR_MS) % DAY_MS) + DAY_MS) % DAY_MS;
}

export function latestVersion(plan: DemoPlan, day: number): number {
  let latest = 0;
  for (let v = 0; v < plan.releaseDay.length; v++) if (plan.releaseDay[v]! <= day) latest = v;
  return latest;
}

export function createPopulation(plan: DemoPlan, rng: Rng): Population {
  const size = plan.users;
  const pop: Population = {
    size,
    firstOfDay: new Int32Array(plan.days + 1),
    signupMs: new Float64Array(size),
    signupDay: new Uint16Array(size),
    city: new Uint8Array(size),
    country: new Uint8Array(size),
    os: new Uint8Array(size),
    device: new Uint8Array(size),
    gender: new Uint8Array(size),
    age: new Uint8Array(size),
    source: new Uint8Array(size),
    campaign: new Uint8Array(size),
    expGroup: new Uint8Array(size),
    activity: new Float32Array(size),
    retention: new Float32Array(size),
    ctr: new Float32Array(size),
    views: new Float32Array(size),
    messages: new Float32Array(size),
    version: new Uint8Array(size),
  };
  const deviceWeights = [0, 1].map((os) => DEVICES.map((d) => (d.os === os ? d.share : 0)));
  const counts = signUpsPerDay(plan);
  const { campaign } = plan;
  let next = 0;
  for (let day = 0; day < plan.days; day++) {
    pop.firstOfDay[day] = next;
    const dayStart = plan.startMs + day * DAY_MS;
    const latest = latestVersion(plan, day);
    const n = counts[day]!;
    const burst = day === campaign.day ? campaign.users : 0;
    const batch: NewUser[] = [];
    for (let i = 0; i < n; i++) {
      const isBurst = i < burst;
      const city = rng.weightedIndex(CITY_WEIGHTS);
      const cityInfo = CITIES[city]!;
      const os = rng.bernoulli(COUNTRIES[cityInfo.countryIndex]!.iosShare) ? IOS : 0;
      const device = rng.weightedIndex(deviceWeights[os]!);
      const gender = rng.weightedIndex(GENDER_SHARES);
      const age = Math.min(75, Math.max(16, Math.round(rng.lognormal(Math.log(28), 0.3))));
      let source = ORGANIC;
      let campaignIndex = 0;
      if (isBurst) {
        source = ADS;
        campaignIndex = campaign.campaignIndex;
      } else if (rng.bernoulli(ADS_SHARE)) {
        source = ADS;
        campaignIndex = rng.weightedIndex(ALWAYS_ON_CAMPAIGN_SHARES);
      }
      const version = latest > 0 && rng.bernoulli(NEW_INSTALL_PREVIOUS_VERSION_SHARE) ? latest - 1 : latest;
      const offsetMs = isBurst
        ? (campaign.startHour + rng.next() * (campaign.endHour - campaign.startHour)) * HOUR_MS
        : drawTimeOfDay(rng, cityInfo.utcOffsetHours);
      batch.push({
        offsetMs: Math.floor(offsetMs),
        city,
        os,
        device,
        gender,
        age,
        source,
        campaign: campaignIndex,
        version,
      });
    }
    // User ids follow sign-up time, as an auto-increment id would.
    batch.sort((a, b) => a.offsetMs - b.offsetMs);
    for (const u of batch) {
      const i = next++;
      pop.signupMs[i] = dayStart + u.offsetMs;
      pop.signupDay[i] = day;
      pop.city[i] = u.city;
      pop.country[i] = CITIES[u.city]!.countryIndex;
      pop.os[i] = u.os;
      pop.device[i] = u.device;
      pop.gender[i] = u.gender;
      pop.age[i] = u.age;
      pop.source[i] = u.source;
      pop.campaign[i] = u.campaign;
      pop.version[i] = u.version;
      pop.expGroup[i] = (hashString(userId(i), plan.seed) % 4) + 1;
      pop.activity[i] = rng.lognormal(-0.5 * 0.7 * 0.7, 0.7);
      pop.retention[i] =
        u.campaign === campaign.campaignIndex
          ? campaign.retentionMultiplier
          : u.source === ADS
            ? plan.adsRetentionMultiplier
            : 1;
      const logit = Math.log(0.2 / 0.8) + 0.45 * rng.normal();
      pop.ctr[i] = 1 / (1 + Math.exp(-logit));
      pop.views[i] = rng.lognormal(Math.log(2) - 0.125, 0.5);
      const ageFactor = u.age < 25 ? 1.35 : u.age > 45 ? 0.8 : 1;
      pop.messages[i] = ageFactor * rng.lognormal(Math.log(0.5) - 0.32, 0.8);
    }
  }
  pop.firstOfDay[plan.days] = next;
  if (next !== size) throw new Error(`population: ${next} users created, expected ${size}`);
  return pop;
}
