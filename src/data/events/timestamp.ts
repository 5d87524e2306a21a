/**
 * Timestamps as integer microseconds since the Unix epoch, UTC.
 *
 * ISO 8601 strings are parsed by hand: `Date.parse` keeps only milliseconds and accepts calendar nonsense
 * (V8 turns `2024-02-30` into March 1st), and we need microseconds and a clean rejection.
 */

const US_PER_SECOND = 1_000_000;
const US_PER_MINUTE = 60 * US_PER_SECOND;
const US_PER_HOUR = 60 * US_PER_MINUTE;
const US_PER_DAY = 24 * US_PER_HOUR;

/*
 * Epoch numbers carry no unit, so the unit is decided by magnitude. The cut-offs sit where the units stop
 * overlapping for any date people send: 1e11 seconds is the year 5138, while 1e11 milliseconds is
 * 1973-03-03, so from 1973 on a millisecond value is always >= 1e11 and a second value always < 1e11.
 * The same factor of 1000 separates milliseconds from microseconds at 1e14 and microseconds from
 * nanoseconds at 1e17; nanoseconds (>= 1e17 for any date after 1973) are not accepted.
 */
const SECONDS_BELOW = 1e11;
const MILLISECONDS_BELOW = 1e14;
const MICROSECONDS_BELOW = 1e17;

/**
 * Parse a timestamp into integer epoch microseconds, or null when it is not one.
 *
 * Accepted: ISO 8601 date-times (`T`, `t` or a space between date and time; seconds and a fraction of up
 * to 9 digits optional, truncated to microseconds; `Z`, `±HH`, `±HHMM` or `±HH:MM` offsets, none meaning
 * UTC), a bare date (midnight UTC), and epoch seconds, milliseconds or microseconds as numbers or numeric
 * strings (see the cut-offs above). Impossible calendar values (month 13, February 30, hour 24) are null.
 */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value === 'string') return parseTimestampString(value);
  if (typeof value === 'number') return fromEpochNumber(value);
  if (typeof value === 'bigint') return fromEpochNumber(Number(value));
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? null : ms * 1000;
  }
  return null;
}

function fromEpochNumber(v: number): number | null {
  if (!Number.isFinite(v)) return null;
  const magnitude = v < 0 ? -v : v;
  // Rounding, not truncation: 1709287200.123456 * 1e6 is 1709287200123455.8 in binary floating point.
  if (magnitude < SECONDS_BELOW) return Math.round(v * 1e6);
  if (magnitude < MILLISECONDS_BELOW) return Math.round(v * 1e3);
  if (magnitude < MICROSECONDS_BELOW) return Math.round(v);
  return null;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function parseTimestampString(input: string): number | null {
  let s = input;
  if (s.length === 0) return null;
  if (isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(s.length - 1))) {
    s = s.trim();
    if (s.length === 0) return null;
  }
  // `YYYY-` starts an ISO date; anything else must be an epoch number.
  if (s.length >= 10 && s.charCodeAt(4) === 0x2d && isDigit(s.charCodeAt(0))) return parseIso(s);
  return parseEpochString(s);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Two decimal digits at `i`, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 0x30;
  const b = s.charCodeAt(i + 1) - 0x30;
  // Written so that NaN (reading past the end) also fails.
  if (!(a >= 0 && a <= 9 && b >= 0 && b <= 9)) return -1;
  return a * 10 + b;
}

/** Epoch number written as text: `[-+]digits[.digits]`, or any other JS number syntax as a fallback. */
function parseEpochString(s: string): number | null {
  let i = 0;
  const n = s.length;
  let negative = false;
  const first = s.charCodeAt(0);
  if (first === 0x2d || first === 0x2b) {
    negative = first === 0x2d;
    i = 1;
  }
  const intStart = i;
  let whole = 0;
  while (i < n) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) break;
    whole = whole * 10 + d;
    i++;
  }
  const intDigits = i - intStart;
  if (i === n) return intDigits === 0 ? null : fromEpochNumber(negative ? -whole : whole);
  if (s.charCodeAt(i) !== 0x2e) return fromExoticNumber(s);
  i++;
  const fracStart = i;
  // Keep the fraction as exact decimal digits, up to the 6 that any unit can use.
  let frac = 0;
  let fracDigits = 0;
  while (i < n) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return fromExoticNumber(s);
    if (fracDigits < 6) {
      frac = frac * 10 + d;
      fracDigits++;
    }
    i++;
  }
  if (intDigits === 0 && i === fracStart) return null;
  for (let k = fracDigits; k < 6; k++) frac *= 10; // frac is now millionths of the unit
  let us: number;
  if (whole < SECONDS_BELOW) us = whole * 1e6 + frac;
  else if (whole < MILLISECONDS_BELOW) us = whole * 1e3 + Math.trunc(frac / 1e3);
  else if (whole < MICROSECONDS_BELOW) us = whole;
  else return null;
  return negative ? -us : us;
}

/** `1.7e9` and the like: rare, so Number() is fine, but no hex, binary or `Infinity`. */
function fromExoticNumber(s: string): number | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!(isDigit(c) || c === 0x2e || c === 0x2d || c === 0x2b || c === 0x65 || c === 0x45)) return null;
  }
  const v = Number(s);
  return Number.isNaN(v) ? null : fromEpochNumber(v);
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function parseIso(s: string): number | null {
  const n = s.length;
  const yHi = twoDigits(s, 0);
  const yLo = twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  if (yHi < 0 || yLo < 0 || month < 1 || month > 12 || day < 1 || s.charCodeAt(7) !== 0x2d) return null;
  const year = yHi * 100 + yLo;
  const monthDays = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month]!;
  if (day > monthDays) return null;
  const dayUs = daysFromCivil(year, month, day) * US_PER_DAY;
  if (n === 10) return dayUs;

  const sep = s.charCodeAt(10);
  if (sep !== 0x54 && sep !== 0x74 && sep !== 0x20) return null; // T, t, space
  if (n < 16 || s.charCodeAt(13) !== 0x3a) return null;
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return null;
  let us = dayUs + hour * US_PER_HOUR + minute * US_PER_MINUTE;
  let i = 16;
  if (i < n && s.charCodeAt(i) === 0x3a) {
    const second = twoDigits(s, i + 1);
    if (second < 0 || second > 59) return null;
    us += second * US_PER_SECOND;
    i += 3;
    const dot = i < n ? s.charCodeAt(i) : 0;
    if (dot === 0x2e || dot === 0x2c) {
      i++;
      const start = i;
      let frac = 0;
      while (i < n) {
        const d = s.charCodeAt(i) - 0x30;
        if (d < 0 || d > 9) break;
        if (i - start < 6) frac = frac * 10 + d;
        i++;
      }
      const digits = i - start;
      if (digits === 0 || digits > 9) return null;
      for (let k = digits; k < 6; k++) frac *= 10;
      us += frac;
    }
  }
  if (i === n) return us;
  const z = s.charCodeAt(i);
  if (z === 0x5a || z === 0x7a) return i + 1 === n ? us : null; // Z, z
  if (z !== 0x2b && z !== 0x2d) return null;
  const offHour = twoDigits(s, i + 1);
  if (offHour < 0 || offHour > 23) return null;
  i += 3;
  let offMinute = 0;
  if (i < n) {
    if (s.charCodeAt(i) === 0x3a) i++;
    offMinute = twoDigits(s, i);
    if (offMinute < 0 || offMinute > 59 || i + 2 !== n) return null;
  }
  const offset = offHour * US_PER_HOUR + offMinute * US_PER_MINUTE;
  // Local time = UTC + offset, so UTC = local - offset.
  return z === 0x2b ? us - offset : us + offset;
}

/** `YYYY-MM-DDTHH:MM:SS.ffffffZ` for epoch microseconds (the inverse of parseTimestamp for ISO text). */
export function formatTimestampUs(epochUs: number | bigint): string {
  const us = BigInt(epochUs);
  const dayUs = BigInt(US_PER_DAY);
  let days = us / dayUs;
  let rest = us % dayUs;
  if (rest < 0n) {
    rest += dayUs;
    days -= 1n;
  }
  const date = civilFromDays(Number(days));
  const r = Number(rest);
  const hour = Math.floor(r / US_PER_HOUR);
  const minute = Math.floor((r % US_PER_HOUR) / US_PER_MINUTE);
  const second = Math.floor((r % US_PER_MINUTE) / US_PER_SECOND);
  const micro = r % US_PER_SECOND;
  return `${date}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(micro, 6)}Z`;
}

/** `YYYY-MM-DD` of days since 1970-01-01 (the inverse of daysFromCivil, same source). */
export function civilFromDays(epochDays: number): string {
  const z = epochDays + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const yearText = year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
  return `${yearText}-${pad(month, 2)}-${pad(day, 2)}`;
}

function pad(v: number, width: number): string {
  return String(v).padStart(width, '0');
}
