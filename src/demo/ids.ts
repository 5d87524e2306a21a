import type { Rng } from '../math/random.ts';

/**
 * Identifiers as a real app would log them. Event and session ids must be unique, so their first 32
 * bits are a bijection of a running counter (murmur3's fmix32 finaliser is invertible: xor-shifts and
 * multiplications by odd constants), salted per run; the remaining bits are random and only decorate.
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hex8(x: number): string {
  return HEX[x >>> 24]! + HEX[(x >>> 16) & 255]! + HEX[(x >>> 8) & 255]! + HEX[x & 255]!;
}

/** murmur3's 32-bit finaliser: a bijection on uint32 that scatters nearby inputs. */
export function fmix32(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** FNV-1a over the UTF-16 code units of a string, then fmix32; `seed` enters the initial basis. */
export function hashString(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ fmix32(seed)) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

/** Counters are uint32; a run that needs more ids than that is refused up front (see generate.ts). */
export const MAX_IDS = 2 ** 32;

/** Users are numbered in sign-up order, from 1. */
export function userId(index: number): string {
  return `u_${String(index + 1).padStart(7, '0')}`;
}

export function postId(index: number): string {
  return `p_${index + 1}`;
}

/** A version-4-shaped UUID whose first 8 hex digits are unique per counter value. */
export function eventId(counter: number, salt: number, rng: Rng): string {
  const a = rng.nextUint32();
  const b = rng.nextUint32();
  const c = rng.nextUint32();
  const head = hex8(fmix32((counter ^ salt) >>> 0));
  const mid = hex8(a);
  const tail = hex8(b);
  const variant = HEX[0x80 | (c & 0x3f)]!;
  return `${head}-${mid.slice(0, 4)}-4${mid.slice(5, 8)}-${variant}${tail.slice(0, 2)}-${tail.slice(2, 8)}${hex8(c).slice(2, 8)}`;
}

/** 16 hex digits; the first 8 are unique per counter value (and unrelated to the event id of the same counter). */
export function sessionId(counter: number, salt: number): string {
  const s = Math.imul(salt, 0x9e3779b1);
  return hex8(fmix32((counter ^ s) >>> 0)) + hex8(fmix32((counter + s) >>> 0) ^ 0x5bd1e995);
}
