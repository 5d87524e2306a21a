/**
 * API keys: created once, stored as a SHA-256 hash, verified in constant time. A key is `sl_` followed by
 * 32 random bytes in base64url (256 bits, so a plain hash is enough: a slow password hash only helps
 * against guessable secrets).
 */

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Warehouse } from '../data/warehouse/warehouse.ts';
import { SightlineError } from '../errors/index.ts';
import { type Principal, ROLES, type Role } from './context.ts';

const KEY_PATTERN = /^sl_[A-Za-z0-9_-]{43}$/;
/** What a listing shows of a key: `sl_` and 8 characters (48 bits: enough to tell keys apart, useless to guess). */
const PREFIX_LENGTH = 11;
const PROJECT_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** How stale `last_used_at` may be: writing it on every request would put a write on every read. */
const LAST_USED_EVERY_MS = 60_000;

export interface CreatedKey {
  id: string;
  /** The key itself: shown once, never stored. */
  key: string;
  projectId: string;
  role: Role;
  name: string | null;
}

export interface KeyInfo {
  id: string;
  projectId: string;
  role: Role;
  name: string | null;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface Verified {
  principal: Principal;
  usedAt: number;
}

/** Verified keys by hash, per warehouse, so a request costs a hash and a map lookup, not a query. */
const verifiedCache = new WeakMap<Warehouse, Map<string, Verified>>();

function cacheOf(warehouse: Warehouse): Map<string, Verified> {
  let cache = verifiedCache.get(warehouse);
  if (!cache) {
    cache = new Map();
    verifiedCache.set(warehouse, cache);
  }
  return cache;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Creates a key for a project (creating the project if it is new) and returns it: the only time it is shown. */
export async function createKey(
  warehouse: Warehouse,
  options: { projectId: string; role: Role; name?: string | undefined },
): Promise<CreatedKey> {
  if (!PROJECT_PATTERN.test(options.projectId)) {
    throw new SightlineError('SL_USAGE', `invalid project "${options.projectId}"`, {
      hint: 'a project is 1 to 64 letters, digits, _ . -',
    });
  }
  if (!isRole(options.role)) {
    throw new SightlineError('SL_USAGE', `unknown role "${options.role}"`, {
      hint: `use one of ${ROLES.join(', ')}`,
    });
  }
  const key = `sl_${randomBytes(32).toString('base64url')}`;
  const id = randomBytes(6).toString('hex');
  const name = options.name ?? null;
  await warehouse.execute(
    'INSERT INTO meta.projects VALUES (?, now()::TIMESTAMP) ON CONFLICT (project_id) DO NOTHING',
    [options.projectId],
  );
  await warehouse.execute(
    `INSERT INTO meta.api_keys (id, project_id, role, name, hash, prefix, created_at)
     VALUES (?, ?, ?, ?, ?, ?, now()::TIMESTAMP)`,
    [id, options.projectId, options.role, name, sha256(key).toString('hex'), key.slice(0, PREFIX_LENGTH)],
  );
  return { id, key, projectId: options.projectId, role: options.role, name };
}

/**
 * The principal behind a presented key, or null when it is malformed, unknown or revoked. Candidates
 * are found by the key's public prefix and their hashes compared with `timingSafeEqual`, so the answer
 * time does not depend on how much of a hash matched.
 */
export async function verifyKey(warehouse: Warehouse, key: string): Promise<Principal | null> {
  if (!KEY_PATTERN.test(key)) return null;
  const hash = sha256(key);
  const hex = hash.toString('hex');
  const cache = cacheOf(warehouse);
  const now = Date.now();
  const cached = cache.get(hex);
  if (cached) {
    if (now - cached.usedAt > LAST_USED_EVERY_MS) {
      cached.usedAt = now;
      touch(warehouse, cached.principal.keyId);
    }
    return cached.principal;
  }
  const candidates = await warehouse.query<{ id: string; project_id: string; role: string; hash: string }>(
    'SELECT id, project_id, role, hash FROM meta.api_keys WHERE prefix = ? AND revoked_at IS NULL',
    [key.slice(0, PREFIX_LENGTH)],
  );
  for (const row of candidates) {
    const stored = Buffer.from(row.hash, 'hex');
    if (stored.length === hash.length && timingSafeEqual(stored, hash) && isRole(row.role)) {
      const principal: Principal = { keyId: row.id, projectId: row.project_id, role: row.role };
      cache.set(hex, { principal, usedAt: now });
      touch(warehouse, row.id);
      return principal;
    }
  }
  return null;
}

/**
 * Records that a key was used, without holding up the request: the write waits behind any commit in
 * progress (under capture load, 14 requests at a server's start each waited about 1.5 s for it), and
 * `last_used_at` is a minute-stale hint anyway. One write per key at a time; a failed one only leaves the
 * hint staler. Whoever closes the warehouse first awaits `settleKeyWrites`, so no write is left running
 * on a closing database.
 */
function touch(warehouse: Warehouse, id: string): void {
  let pending = touching.get(warehouse);
  if (!pending) {
    pending = new Map();
    touching.set(warehouse, pending);
  }
  if (pending.has(id)) return;
  const write = warehouse
    .execute('UPDATE meta.api_keys SET last_used_at = now()::TIMESTAMP WHERE id = ?', [id])
    .then(
      () => {},
      () => {},
    )
    .finally(() => pending.delete(id));
  pending.set(id, write);
}

/** The `last_used_at` writes in flight on a warehouse, by key id. */
const touching = new WeakMap<Warehouse, Map<string, Promise<void>>>();

/** Resolves when the `last_used_at` writes started so far have ended (before the warehouse closes). */
export async function settleKeyWrites(warehouse: Warehouse): Promise<void> {
  await Promise.all([...(touching.get(warehouse)?.values() ?? [])]);
}

/** Keys, newest first: of one project, or of every project when `projectId` is omitted. Never the key itself. */
export async function listKeys(warehouse: Warehouse, projectId?: string): Promise<KeyInfo[]> {
  const rows = await warehouse.query<{
    id: string;
    project_id: string;
    role: Role;
    name: string | null;
    prefix: string;
    created_at: string;
    last_used_at: string | null;
    revoked_at: string | null;
  }>(
    `SELECT id, project_id, role, name, prefix, created_at, last_used_at, revoked_at FROM meta.api_keys
     ${projectId === undefined ? '' : 'WHERE project_id = ?'} ORDER BY created_at DESC, id`,
    projectId === undefined ? [] : [projectId],
  );
  return rows.map((r) => ({
    id: r.id,
    projectId: r.project_id,
    role: r.role,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  }));
}

/**
 * Revokes a key (of `projectId` only, when given) and forgets it in the verified cache, so the next
 * request with it is refused. Throws `SL_NOT_FOUND` for an unknown id, or one of another project.
 */
export async function revokeKey(warehouse: Warehouse, id: string, projectId?: string): Promise<KeyInfo> {
  const changed = await warehouse.execute(
    `UPDATE meta.api_keys SET revoked_at = coalesce(revoked_at, now()::TIMESTAMP)
     WHERE id = ? ${projectId === undefined ? '' : 'AND project_id = ?'}`,
    projectId === undefined ? [id] : [id, projectId],
  );
  if (changed === 0) throw new SightlineError('SL_NOT_FOUND', `no key with id ${id}`);
  const cache = cacheOf(warehouse);
  for (const [hash, verified] of cache) if (verified.principal.keyId === id) cache.delete(hash);
  const info = (await listKeys(warehouse, projectId)).find((k) => k.id === id);
  return info!;
}
