import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../src/data/warehouse/open-warehouse.ts';
import { settleKeyWrites, verifyKey } from '../../src/server/keys.ts';
import { runCli, tempDir } from '../helpers/cli.ts';

/** `sightline keys`: a key is printed once, only its hash is stored, and list/revoke work on it. */
const { dir, cleanup } = tempDir('sl-keys-');
afterAll(cleanup);
const db = path.join(dir, 'keys.duckdb');

async function rows(): Promise<Record<string, unknown>[]> {
  const { warehouse } = await openWarehouse({ path: db });
  try {
    return await warehouse.query('SELECT * FROM meta.api_keys ORDER BY created_at');
  } finally {
    await warehouse.close();
  }
}

describe('sightline keys', () => {
  let created: { key: string; id: string; project: string; role: string };

  it('create --json prints the key once, and the table holds its SHA-256 hash and prefix only', async () => {
    const r = await runCli([
      'keys',
      'create',
      '--project',
      'acme',
      '--role',
      'editor',
      '--name',
      'ci',
      '--json',
      '--db',
      db,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    created = JSON.parse(r.stdout);
    expect(Object.keys(created).sort()).toEqual(['id', 'key', 'project', 'role']);
    expect(created).toMatchObject({ project: 'acme', role: 'editor' });
    expect(created.key).toMatch(/^sl_[A-Za-z0-9_-]{43}$/);
    const [row, ...more] = await rows();
    expect(more).toEqual([]);
    expect(row).toMatchObject({
      id: created.id,
      project_id: 'acme',
      role: 'editor',
      name: 'ci',
      hash: createHash('sha256').update(created.key).digest('hex'),
      prefix: created.key.slice(0, 11),
      last_used_at: null,
      revoked_at: null,
    });
    // The key itself is nowhere in the row.
    expect(JSON.stringify(row)).not.toContain(created.key.slice(11));
  });

  it('the human form prints the key on its own line and says it will not be shown again', async () => {
    const r = await runCli(['keys', 'create', '--project', 'acme', '--role', 'viewer', '--db', db]);
    expect(r.code).toBe(0);
    const [key, blank, note] = r.stdout.split('\n');
    expect(key).toMatch(/^sl_[A-Za-z0-9_-]{43}$/);
    expect(blank).toBe('');
    expect(note).toMatch(
      /^viewer key [0-9a-f]{12} for project acme\. Store it now: it will not be shown again/,
    );
  });

  it('a verified key answers at once and records when it was used, without holding up the request', async () => {
    const { warehouse } = await openWarehouse({ path: db });
    try {
      expect(await verifyKey(warehouse, created.key)).toMatchObject({ projectId: 'acme', role: 'editor' });
      const lastUsed = async () =>
        (
          await warehouse.query<{ t: string | null }>(
            'SELECT last_used_at AS t FROM meta.api_keys WHERE id = ?',
            [created.id],
          )
        )[0]?.t;
      const deadline = Date.now() + 10_000;
      while ((await lastUsed()) === null && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(await lastUsed()).not.toBeNull();
    } finally {
      await settleKeyWrites(warehouse);
      await warehouse.close();
    }
  });

  it('list shows prefixes and never a key; revoke makes the key invalid', async () => {
    const list = await runCli(['keys', 'list', '--json', '--db', db]);
    expect(list.code).toBe(0);
    expect(list.stdout).not.toContain(created.key);
    const keys = JSON.parse(list.stdout);
    expect(keys.map((k: { role: string }) => k.role).sort()).toEqual(['editor', 'viewer']);
    expect(keys.find((k: { id: string }) => k.id === created.id).prefix).toBe(created.key.slice(0, 11));

    const revoke = await runCli(['keys', 'revoke', created.id, '--db', db]);
    expect(revoke.stdout).toBe(`Revoked editor key ${created.id} of project acme.\n`);
    const { warehouse } = await openWarehouse({ path: db });
    try {
      expect(await verifyKey(warehouse, created.key)).toBeNull();
    } finally {
      await warehouse.close();
    }
    const again = await runCli(['keys', 'revoke', '000000000000', '--db', db]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error SL_NOT_FOUND: no key with id 000000000000/);
  });

  it('an unknown role or project name is a usage error', async () => {
    const role = await runCli(['keys', 'create', '--project', 'acme', '--role', 'owner', '--db', db]);
    expect(role.code).toBe(2);
    expect(role.stderr).toMatch(/^error SL_USAGE: unknown role "owner" \(use one of viewer, editor, admin\)/);
    const project = await runCli(['keys', 'create', '--project', 'a b', '--role', 'viewer', '--db', db]);
    expect(project.code).toBe(2);
    expect(project.stderr).toMatch(/^error SL_USAGE: invalid project "a b"/);
  });
});
