/**
 * Chart images served by Sightline itself, for channels that show an image only from a URL (Slack's
 * incoming webhooks cannot upload). A PNG is stored in `meta.report_images` under 128 random bits and
 * served without a key at `<publicUrl>/images/<id>.png` (`src/server/routes/images.ts`): the id is the
 * capability, as with a shared-link URL, so whoever received the message can see its chart and nobody can
 * enumerate others. Images older than 30 days are pruned when new ones are stored (a report's message is
 * read in its first days; after that Slack shows its own cached copy).
 */
import { randomBytes } from 'node:crypto';
import type { Warehouse } from '../../data/warehouse/warehouse.ts';
import type { AutomationDeps } from '../project.ts';

/** Stores an image and returns the URL it can be fetched from. */
export interface ImageHost {
  put(png: Uint8Array, filename: string): Promise<string>;
}

export const IMAGE_RETENTION_DAYS = 30;

/** A hosted image's id: 32 lowercase hex digits (128 bits). */
export const IMAGE_ID = /^[0-9a-f]{32}$/;

/** The image host of a deployment whose public URL is known; undefined when it is not (no URL to give). */
export function imageHostFor(
  deps: Pick<AutomationDeps, 'warehouse' | 'project' | 'publicUrl'>,
): ImageHost | undefined {
  if (!deps.publicUrl) return undefined;
  return new WarehouseImageHost(deps.warehouse, deps.project.project, deps.publicUrl);
}

export class WarehouseImageHost implements ImageHost {
  constructor(
    private readonly warehouse: Warehouse,
    private readonly projectId: string,
    private readonly publicUrl: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores the PNG (and prunes expired ones); returns `<publicUrl>/images/<id>.png`. */
  async put(png: Uint8Array, filename: string): Promise<string> {
    const id = randomBytes(16).toString('hex');
    const now = this.now();
    // The Warehouse binds no byte arrays; base64 text through DuckDB's from_base64 stores the exact bytes.
    await this.warehouse.execute(
      'INSERT INTO meta.report_images (id, project_id, filename, png, created_at) VALUES (?, ?, ?, from_base64(?), ?)',
      [id, this.projectId, filename, Buffer.from(png).toString('base64'), new Date(now)],
    );
    await pruneImages(this.warehouse, now);
    return `${this.publicUrl.replace(/\/+$/, '')}/images/${id}.png`;
  }
}

/** The stored PNG of `id`, or null when there is none (never stored, pruned, or not an id). */
export async function readImage(warehouse: Warehouse, id: string): Promise<Uint8Array | null> {
  if (!IMAGE_ID.test(id)) return null;
  const rows = await warehouse.query<{ png: string }>(
    'SELECT to_base64(png) AS png FROM meta.report_images WHERE id = ?',
    [id],
  );
  const row = rows[0];
  return row ? new Uint8Array(Buffer.from(row.png, 'base64')) : null;
}

/** Deletes images older than the retention; returns how many. */
export function pruneImages(warehouse: Warehouse, now: number): Promise<number> {
  return warehouse.execute('DELETE FROM meta.report_images WHERE created_at < ?', [
    new Date(now - IMAGE_RETENTION_DAYS * 86_400_000),
  ]);
}
