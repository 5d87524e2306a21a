import { z } from 'zod';

/** Seconds per unit of a duration such as `30m`. */
const UNITS = { w: 604_800, d: 86_400, h: 3600, m: 60, s: 1 } as const;

/** A year and a day: a longer window or gap is a mistake, and it widens every scan by as much. */
const MAX_SECONDS = 366 * 86_400;

/**
 * A duration flag: a whole number and a unit (`90s`, `30m`, `1h`, `1d`, `2w`), or a number of seconds
 * (a spec file may give either); the result is in seconds. It is an exact duration: `1d` is 24 hours even
 * across a change of daylight saving time. `what` names it in the error (`window`, `gap`).
 */
export function durationSchema(what: string, example: string) {
  return z.union([z.string(), z.number()]).transform((value, ctx): number => {
    const seconds = typeof value === 'number' ? value : parseDuration(value);
    if (seconds === undefined || !Number.isInteger(seconds) || seconds < 1 || seconds > MAX_SECONDS) {
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" is not a ${what}: write a whole number and a unit, s, m, h, d or w (${example}), between 1s and 366d`,
      });
      return z.NEVER;
    }
    return seconds;
  });
}

function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+)\s*([smhdw])\s*$/.exec(text);
  if (!match) return /^\s*\d+\s*$/.test(text) ? Number(text) : undefined;
  return Number(match[1]) * UNITS[match[2] as keyof typeof UNITS];
}

/** A duration in seconds as people write it (`86400` -> `1d`, `1800` -> `30m`). */
export function formatDuration(seconds: number): string {
  for (const [unit, size] of Object.entries(UNITS))
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}
