import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type EventRow } from '../event.ts';
import { emptySlots, SLOT } from '../event-fields.ts';
import { createNormalizer } from '../normalize.ts';
import { extractNested, isNestedRecord } from './nested.ts';

const normalize = createNormalizer({ limits: DEFAULT_LIMITS, nowUs: 1_717_200_000_000_000 });

function accept(value: unknown): EventRow {
  const raw = JSON.stringify(value);
  const result = normalize({ ordinal: 0, line: 1, value, bytes: Buffer.byteLength(raw), raw });
  if ('reject' in result) throw new Error(`rejected: ${result.reject} (${result.detail})`);
  return result;
}

// A Segment track call as delivered to a webhook destination (segment.com/docs/connections/spec/track),
// with the context fields of the spec's "common fields" page.
const SEGMENT_TRACK = {
  anonymousId: '23adfd82-aa0f-45a7-a756-24f2a7a4c895',
  channel: 'client',
  context: {
    app: { name: 'InitechGlobal', version: '545', build: '3.0.1.545' },
    campaign: { name: 'TPS Innovation Newsletter', source: 'Newsletter', medium: 'email' },
    device: {
      id: 'B5372DB0-C21E-11E4-8DFC-AA07A5B093DB',
      manufacturer: 'Apple',
      model: 'iPhone7,2',
      type: 'ios',
    },
    ip: '8.8.8.8',
    library: { name: 'analytics.js', version: '2.11.1' },
    locale: 'en-US',
    location: {
      city: 'San Francisco',
      country: 'United States',
      latitude: 40.2964197,
      longitude: -76.9411617,
    },
    os: { name: 'iPhone OS', version: '8.1.3' },
    traits: { gender: 'female', age: 31, email: 'peter@example.com' },
  },
  event: 'Course Clicked',
  integrations: {},
  messageId: 'ajs-f8ca1e4de5024d9430b3928bd8ac6b96',
  originalTimestamp: '2015-12-12T19:11:01.152Z',
  properties: { title: 'Intro to Analytics', plan: 'Pro' },
  receivedAt: '2015-12-12T19:11:01.266Z',
  sentAt: '2015-12-12T19:11:01.169Z',
  timestamp: '2015-12-12T19:11:01.249Z',
  type: 'track',
  userId: 'AiUGstSDIg',
  version: 2,
};

// A PostHog event as returned by the events API / batch export.
const POSTHOG_PAGEVIEW = {
  uuid: '0188f7c4-5b1e-7a3c-9d0e-2f4a6b8c1d3e',
  event: '$pageview',
  distinct_id: '0188f7c4-1111-7000-8000-000000000001',
  timestamp: '2024-03-01T10:00:00.123456+00:00',
  properties: {
    $os: 'Mac OS X',
    $os_version: '14.3.0',
    $browser: 'Chrome',
    $device_type: 'Desktop',
    $current_url: 'https://app.example.com/pricing?utm_source=newsletter',
    $host: 'app.example.com',
    $pathname: '/pricing',
    $lib: 'web',
    $lib_version: '1.110.0',
    $session_id: '0188f7c4-2222-7000-8000-000000000002',
    $geoip_country_code: 'DE',
    $geoip_country_name: 'Germany',
    $geoip_city_name: 'Berlin',
    utm_source: 'newsletter',
    utm_campaign: 'spring_sale',
    plan: 'pro',
  },
};

describe('isNestedRecord', () => {
  it.each([
    [{ properties: {} }, true],
    [{ context: {} }, true],
    [{ distinct_id: 'x' }, true],
    [{ userId: 'x' }, true],
    [{ anonymousId: 'x' }, true],
    [{ properties: 'not an object' }, false],
    [{ user_id: 'x', event: 'e' }, false],
  ])('%j -> %s', (value, nested) => {
    expect(isNestedRecord(value)).toBe(nested);
  });
});

describe('Segment', () => {
  it('normalises a track call', () => {
    const row = accept(SEGMENT_TRACK);
    expect(row).toMatchObject({
      event_id: 'ajs-f8ca1e4de5024d9430b3928bd8ac6b96',
      user_id: 'AiUGstSDIg',
      event: 'Course Clicked',
      ts_us: 1449947461249000,
      os: 'iPhone OS',
      device: 'ios',
      app_version: '545',
      country: 'United States',
      city: 'San Francisco',
      source: 'Newsletter',
      campaign: 'TPS Innovation Newsletter',
      gender: 'female',
      age: 31,
      platform: null,
      session_id: null,
    });
    expect(JSON.parse(row.properties!)).toEqual({
      title: 'Intro to Analytics',
      plan: 'Pro',
      context: {
        app: { name: 'InitechGlobal', build: '3.0.1.545' },
        campaign: { medium: 'email' },
        device: { id: 'B5372DB0-C21E-11E4-8DFC-AA07A5B093DB', manufacturer: 'Apple', model: 'iPhone7,2' },
        ip: '8.8.8.8',
        library: { name: 'analytics.js', version: '2.11.1' },
        locale: 'en-US',
        location: { latitude: 40.2964197, longitude: -76.9411617 },
        os: { version: '8.1.3' },
        traits: { email: 'peter@example.com' },
      },
      anonymousId: '23adfd82-aa0f-45a7-a756-24f2a7a4c895',
      channel: 'client',
      integrations: {},
      originalTimestamp: '2015-12-12T19:11:01.152Z',
      receivedAt: '2015-12-12T19:11:01.266Z',
      sentAt: '2015-12-12T19:11:01.169Z',
      type: 'track',
      version: 2,
    });
  });

  it('does not change the input message', () => {
    const copy = structuredClone(SEGMENT_TRACK);
    accept(SEGMENT_TRACK);
    expect(SEGMENT_TRACK).toEqual(copy);
  });

  it('names identify, page and screen calls, and keeps identify traits under traits', () => {
    const identify = accept({
      type: 'identify',
      messageId: 'm-1',
      anonymousId: 'anon-1',
      timestamp: '2024-03-01T10:00:00Z',
      traits: { name: 'Peter Gibbons', gender: 'male', age: '40', email: 'peter@example.com' },
    });
    expect(identify).toMatchObject({ event: '$identify', user_id: 'anon-1', gender: 'male', age: 40 });
    expect(JSON.parse(identify.properties!)).toEqual({
      traits: { name: 'Peter Gibbons', email: 'peter@example.com' },
    });

    const page = accept({
      type: 'page',
      name: 'Home',
      userId: 'u',
      messageId: 'm-2',
      sentAt: '2024-03-01T10:00:00Z',
    });
    expect(page).toMatchObject({ event: '$pageview', ts_us: 1709287200000000 });
    expect(JSON.parse(page.properties!)).toEqual({ name: 'Home' });
    const screen = accept({ type: 'screen', userId: 'u', messageId: 'm-3', originalTimestamp: 1709287200 });
    expect(screen.event).toBe('$screen');
  });
});

describe('PostHog', () => {
  it('normalises a $pageview', () => {
    const row = accept(POSTHOG_PAGEVIEW);
    expect(row).toMatchObject({
      event_id: '0188f7c4-5b1e-7a3c-9d0e-2f4a6b8c1d3e',
      user_id: '0188f7c4-1111-7000-8000-000000000001',
      event: '$pageview',
      ts_us: 1709287200123456,
      os: 'Mac OS X',
      device: 'Desktop',
      country: 'DE',
      city: 'Berlin',
      session_id: '0188f7c4-2222-7000-8000-000000000002',
      source: 'newsletter',
      campaign: 'spring_sale',
      platform: 'web',
      app_version: null,
    });
    expect(JSON.parse(row.properties!)).toEqual({
      $os_version: '14.3.0',
      $browser: 'Chrome',
      $current_url: 'https://app.example.com/pricing?utm_source=newsletter',
      $host: 'app.example.com',
      $pathname: '/pricing',
      $lib: 'web',
      $lib_version: '1.110.0',
      $geoip_country_name: 'Germany',
      plan: 'pro',
    });
  });

  it('derives the platform from a mobile $lib and reads $app_version', () => {
    const row = accept({
      event: 'Application Opened',
      distinct_id: 'd1',
      timestamp: '2024-03-01T10:00:00Z',
      properties: { $lib: 'posthog-ios', $app_version: '2.4.0', $geoip_country_name: 'Germany' },
    });
    expect(row).toMatchObject({ platform: 'ios', app_version: '2.4.0', country: 'Germany' });
  });

  it("promotes a $identify's $set gender and age (person properties); the rest of $set and $set_once stay", () => {
    const row = accept({
      event: '$identify',
      distinct_id: 'd1',
      timestamp: '2024-03-01T10:00:00Z',
      properties: {
        $set: { gender: 'male', age: 40, email: 'x@example.test' },
        $set_once: { age: 20 },
      },
    });
    expect(row).toMatchObject({ gender: 'male', age: 40 });
    expect(JSON.parse(row.properties!)).toEqual({
      $set: { email: 'x@example.test' },
      $set_once: { age: 20 },
    });
  });

  it('prefers plain promoted names, at the top level then in properties, over the $-names', () => {
    const row = accept({
      event: 'e',
      distinct_id: 'd1',
      ts: 1709287200,
      os: 'Top',
      properties: { os: 'Plain', $os: 'Dollar', exp_group: 2, age: '33' },
    });
    expect(row).toMatchObject({ os: 'Top', exp_group: '2', age: 33 });
    expect(JSON.parse(row.properties!)).toEqual({ os: 'Plain', $os: 'Dollar' });
  });

  it('takes the user id from userId, then distinct_id, then anonymousId, then user_id', () => {
    const base = { event: 'e', ts: 1709287200, properties: {} };
    expect(accept({ ...base, user_id: 'd', anonymousId: 'c', distinct_id: 'b', userId: 'a' }).user_id).toBe(
      'a',
    );
    expect(accept({ ...base, user_id: 'd', anonymousId: 'c', distinct_id: 'b' }).user_id).toBe('b');
    expect(accept({ ...base, user_id: 'd', anonymousId: 'c' }).user_id).toBe('c');
    expect(accept({ ...base, user_id: 'd' }).user_id).toBe('d');
  });
});

describe('extractNested', () => {
  it('leaves slots filled by the mapping alone', () => {
    const values = emptySlots();
    values[SLOT.user_id] = 'mapped';
    const rest = extractNested({ userId: 'auto', properties: { a: 1 } }, values);
    expect(values[SLOT.user_id]).toBe('mapped');
    expect(rest).toEqual({ a: 1, userId: 'auto' });
  });

  it('lets properties win a name clash with a top-level leftover', () => {
    const rest = extractNested(
      { distinct_id: 'd', channel: 'top', properties: { channel: 'prop' } },
      emptySlots(),
    );
    expect(rest).toEqual({ channel: 'prop' });
  });

  it('returns null when nothing is left', () => {
    expect(extractNested({ distinct_id: 'd', event: 'e', properties: {} }, emptySlots())).toBeNull();
  });
});
