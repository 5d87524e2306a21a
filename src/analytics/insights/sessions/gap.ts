import { z } from 'zod';

/** Seconds per unit of a duration such as `30m`. */
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** At most a year: a longer gap would make every user one session. */
const MAX_GAP_SECONDS = 366 * 86_400;

/**
 * An inactivity gap: `30m`, `90s`, `2h`, `1d` (a whole number and a unit), or a number of seconds (a
 * spec file may give either). The result is in seconds.
 */
export const gapSchema = z.union([z.string(), z.number()]).transform((value, ctx): number => {
  const seconds = typeof value === 'number' ? value : parseGap(value);
  if (seconds === undefined || !Number.isInteger(seconds) || seconds < 1 || seconds > MAX_GAP_SECONDS) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a gap: write a whole number and a unit, s, m, h or d (30m), between 1s and 366d`,
    });
    return z.NEVER;
  }
  return seconds;
});

function parseGap(text: string): number | undefined {
  const match = /^\s*(\d+)\s*([smhd])\s*$/.exec(text);
  if (!match) return /^\s*\d+\s*$/.test(text) ? Number(text) : undefined;
  return Number(match[1]) * (UNITS[match[2] as string] as number);
}

/** A gap in seconds as people write it (`1800` -> `30m`). */
export function formatGap(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const)
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}
