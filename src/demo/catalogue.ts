/**
 * The demo world: where its users live, what phones they carry, which app versions exist, and the
 * shape of a day and a week. Static data only; the shares are plausible for a consumer messenger
 * (Android-heavy outside the US and the UK, a US-heavy user base), not measured from anything.
 */

export interface City {
  name: string;
  country: string;
  /** Hours from UTC; daylight saving is ignored so that the demo's hour-of-day shape is stable. */
  utcOffsetHours: number;
  /** Share of the country's users. */
  share: number;
}

export interface Country {
  name: string;
  /** Share of all sign-ups. */
  share: number;
  /** Share of the country's users on iOS (the rest are on Android). */
  iosShare: number;
  /** Multiplies feed latency (network quality). */
  latencyFactor: number;
  cities: readonly Omit<City, 'country'>[];
}

export const COUNTRIES: readonly Country[] = [
  {
    name: 'United States',
    share: 0.22,
    iosShare: 0.56,
    latencyFactor: 1,
    cities: [
      { name: 'New York', utcOffsetHours: -5, share: 0.45 },
      { name: 'Los Angeles', utcOffsetHours: -8, share: 0.33 },
      { name: 'Chicago', utcOffsetHours: -6, share: 0.22 },
    ],
  },
  {
    name: 'India',
    share: 0.19,
    iosShare: 0.05,
    latencyFactor: 1.45,
    cities: [
      { name: 'Mumbai', utcOffsetHours: 5.5, share: 0.38 },
      { name: 'Delhi', utcOffsetHours: 5.5, share: 0.37 },
      { name: 'Bengaluru', utcOffsetHours: 5.5, share: 0.25 },
    ],
  },
  {
    name: 'Brazil',
    share: 0.15,
    iosShare: 0.13,
    latencyFactor: 1.25,
    cities: [
      { name: 'São Paulo', utcOffsetHours: -3, share: 0.62 },
      { name: 'Rio de Janeiro', utcOffsetHours: -3, share: 0.38 },
    ],
  },
  {
    name: 'Indonesia',
    share: 0.11,
    iosShare: 0.1,
    latencyFactor: 1.4,
    cities: [
      { name: 'Jakarta', utcOffsetHours: 7, share: 0.68 },
      { name: 'Surabaya', utcOffsetHours: 7, share: 0.32 },
    ],
  },
  {
    name: 'Germany',
    share: 0.1,
    iosShare: 0.36,
    latencyFactor: 0.9,
    cities: [
      { name: 'Berlin', utcOffsetHours: 1, share: 0.42 },
      { name: 'Munich', utcOffsetHours: 1, share: 0.3 },
      { name: 'Hamburg', utcOffsetHours: 1, share: 0.28 },
    ],
  },
  {
    name: 'United Kingdom',
    share: 0.09,
    iosShare: 0.5,
    latencyFactor: 0.9,
    cities: [
      { name: 'London', utcOffsetHours: 0, share: 0.72 },
      { name: 'Manchester', utcOffsetHours: 0, share: 0.28 },
    ],
  },
  {
    name: 'Mexico',
    share: 0.08,
    iosShare: 0.22,
    latencyFactor: 1.2,
    cities: [
      { name: 'Mexico City', utcOffsetHours: -6, share: 0.7 },
      { name: 'Guadalajara', utcOffsetHours: -6, share: 0.3 },
    ],
  },
  {
    name: 'Turkey',
    share: 0.06,
    iosShare: 0.18,
    latencyFactor: 1.15,
    cities: [
      { name: 'Istanbul', utcOffsetHours: 3, share: 0.76 },
      { name: 'Ankara', utcOffsetHours: 3, share: 0.24 },
    ],
  },
];

/** Every city, flattened, with the index of its country; user state stores the city index. */
export const CITIES: readonly (City & { countryIndex: number })[] = COUNTRIES.flatMap(
  (country, countryIndex) => country.cities.map((city) => ({ ...city, country: country.name, countryIndex })),
);

export const OS_NAMES = ['Android', 'iOS'] as const;
export const ANDROID = 0;
export const IOS = 1;

export interface Device {
  model: string;
  os: typeof ANDROID | typeof IOS;
  /** Share among the OS's users. */
  share: number;
  /** Multiplies feed latency (budget phones render slower). */
  latencyFactor: number;
}

export const DEVICES: readonly Device[] = [
  { model: 'Samsung Galaxy A54', os: ANDROID, share: 0.22, latencyFactor: 1.1 },
  { model: 'Xiaomi Redmi Note 12', os: ANDROID, share: 0.2, latencyFactor: 1.2 },
  { model: 'Samsung Galaxy S23', os: ANDROID, share: 0.14, latencyFactor: 0.85 },
  { model: 'Motorola Moto G54', os: ANDROID, share: 0.12, latencyFactor: 1.25 },
  { model: 'Oppo A78', os: ANDROID, share: 0.1, latencyFactor: 1.2 },
  { model: 'Google Pixel 8', os: ANDROID, share: 0.08, latencyFactor: 0.85 },
  { model: 'Realme 11', os: ANDROID, share: 0.08, latencyFactor: 1.15 },
  { model: 'OnePlus 11', os: ANDROID, share: 0.06, latencyFactor: 0.9 },
  { model: 'iPhone 14', os: IOS, share: 0.24, latencyFactor: 0.85 },
  { model: 'iPhone 13', os: IOS, share: 0.22, latencyFactor: 0.9 },
  { model: 'iPhone 15', os: IOS, share: 0.2, latencyFactor: 0.8 },
  { model: 'iPhone 15 Pro', os: IOS, share: 0.14, latencyFactor: 0.75 },
  { model: 'iPhone 12', os: IOS, share: 0.1, latencyFactor: 0.95 },
  { model: 'iPhone SE', os: IOS, share: 0.1, latencyFactor: 1 },
];

export const GENDERS = ['female', 'male', 'other'] as const;
export const GENDER_SHARES = [0.47, 0.49, 0.04] as const;

/**
 * App versions in release order. The first two exist before the period starts; the others are released
 * during it (see plan.ts), and active users upgrade over the following days.
 */
export const APP_VERSIONS = ['5.0', '5.1', '5.2', '5.3'] as const;
/** A new install gets the latest released version, except this share that gets the one before (stale store caches, sideloaded APKs). */
export const NEW_INSTALL_PREVIOUS_VERSION_SHARE = 0.15;
/** Chance that an active user on an old version upgrades that day; iOS users update faster. */
export const DAILY_UPGRADE_PROBABILITY = [0.18, 0.3] as const;

export const SOURCES = ['organic', 'ads'] as const;
export const ORGANIC = 0;
export const ADS = 1;

/** Campaigns of the always-on paid acquisition; index 0 means "no campaign" (organic users). */
export const CAMPAIGNS = [
  '',
  'app_store_search',
  'social_video',
  'influencer_collab',
  'black_friday_blast',
] as const;
export const ALWAYS_ON_CAMPAIGN_SHARES = [0, 0.35, 0.4, 0.25, 0] as const;
/** The planted burst campaign (see plan.ts): its index in CAMPAIGNS. */
export const BURST_CAMPAIGN = 4;
/** Share of the ordinary daily sign-ups that come from the always-on ads. */
export const ADS_SHARE = 0.35;

/**
 * Relative activity by local hour of day (0..23): quiet nights, a lunch bump, an evening peak. Sessions
 * and sign-ups are placed by this curve in each city's local time.
 */
export const LOCAL_HOUR_WEIGHTS = [
  2.0, 1.2, 0.7, 0.5, 0.5, 0.8, 1.8, 3.2, 4.2, 4.5, 4.6, 4.9, 5.5, 5.2, 4.8, 4.8, 5.0, 5.5, 6.0, 6.6, 7.0,
  6.8, 5.5, 3.6,
] as const;

/** Multiplies the chance that a user is active, by UTC weekday (0 = Sunday). */
export const ACTIVITY_BY_WEEKDAY = [0.9, 1.04, 1.06, 1.05, 1.03, 0.98, 0.86] as const;
/** Multiplies the day's sign-ups, by UTC weekday (0 = Sunday): installs peak at the weekend. */
export const SIGN_UPS_BY_WEEKDAY = [1.22, 0.94, 0.9, 0.9, 0.95, 1.06, 1.26] as const;
