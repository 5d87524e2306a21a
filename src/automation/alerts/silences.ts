/**
 * Silences (Alertmanager's): a time range in which alerts whose rule and group labels match are recorded
 * but not sent. A matcher names a rule, group labels that must be equal (`os=Android`), or both; an empty
 * matcher would silence everything and is refused. Stored in `meta.silences` per project; expiring a
 * silence moves its end to now, so the history keeps it.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Warehouse } from '../../data/warehouse/warehouse.ts';
import { SightlineError } from '../../errors/index.ts';

export const silenceMatchersSchema = z
  .strictObject({
    rule: z.string().min(1).optional(),
    /** Group labels that must all be equal (`{ os: 'Android' }`). */
    group: z.record(z.string().min(1), z.string()).optional(),
  })
  .refine((m) => m.rule !== undefined || Object.keys(m.group ?? {}).length > 0, {
    message: 'a silence needs a rule, a group label, or both (an empty one would silence every alert)',
  });

export type SilenceMatchers = z.infer<typeof silenceMatchersSchema>;

export interface Silence {
  readonly id: string;
  readonly matchers: SilenceMatchers;
  /** Epoch ms; the silence holds in [startsAt, endsAt). */
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy: string | null;
  readonly comment: string | null;
}

/** True when the silence holds at `t` and matches the rule and every label it names. */
export function silences(
  silence: Silence,
  rule: string,
  labels: Readonly<Record<string, string>>,
  t: number,
): boolean {
  if (t < silence.startsAt || t >= silence.endsAt) return false;
  if (silence.matchers.rule !== undefined && silence.matchers.rule !== rule) return false;
  return Object.entries(silence.matchers.group ?? {}).every(([k, v]) => labels[k] === v);
}

/** `os=Android` → `{ os: 'Android' }`; several separated by commas. A value may contain `=`. */
export function parseGroupLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    const key = part.slice(0, at).trim();
    if (at <= 0 || key === '')
      throw new SightlineError(
        'SL_SILENCE_INVALID',
        `"${part.trim()}" is not a group label: write name=value`,
        {
          hint: 'for example --group os=Android',
        },
      );
    labels[key] = part.slice(at + 1).trim();
  }
  return labels;
}

interface Row {
  id: string;
  matchers: string;
  starts_at: string;
  ends_at: string;
  created_by: string | null;
  comment: string | null;
}

function fromRow(r: Row): Silence {
  return {
    id: r.id,
    matchers: JSON.parse(r.matchers) as SilenceMatchers,
    startsAt: Date.parse(r.starts_at),
    endsAt: Date.parse(r.ends_at),
    createdBy: r.created_by,
    comment: r.comment,
  };
}

export interface NewSilence {
  readonly matchers: SilenceMatchers;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy?: string | null;
  readonly comment?: string | null;
}

/** Stores a silence and returns it with its new id (12 hex digits). */
export async function createSilence(
  warehouse: Warehouse,
  project: string,
  silence: NewSilence,
  now: number,
): Promise<Silence> {
  const matchers = silenceMatchersSchema.parse(silence.matchers);
  if (!(silence.endsAt > silence.startsAt))
    throw new SightlineError('SL_SILENCE_INVALID', 'a silence must end after it starts', {
      hint: 'give a positive duration (--for 2h)',
    });
  const id = randomBytes(6).toString('hex');
  await warehouse.execute(
    'INSERT INTO meta.silences (id, project_id, matchers, starts_at, ends_at, created_by, comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [
      id,
      project,
      JSON.stringify(matchers),
      new Date(silence.startsAt),
      new Date(silence.endsAt),
      silence.createdBy ?? null,
      silence.comment ?? null,
      new Date(now),
    ],
  );
  return {
    id,
    matchers,
    startsAt: silence.startsAt,
    endsAt: silence.endsAt,
    createdBy: silence.createdBy ?? null,
    comment: silence.comment ?? null,
  };
}

/** The project's silences, newest first; with `activeAt`, only those holding at that time. */
export async function listSilences(
  warehouse: Warehouse,
  project: string,
  options: { activeAt?: number } = {},
): Promise<Silence[]> {
  const at = options.activeAt;
  const rows = await warehouse.query<Row & Record<string, unknown>>(
    `SELECT id, CAST(matchers AS VARCHAR) AS matchers, starts_at, ends_at, created_by, comment
     FROM meta.silences WHERE project_id = ?${at === undefined ? '' : ' AND starts_at <= ? AND ends_at > ?'}
     ORDER BY created_at DESC, id`,
    at === undefined ? [project] : [project, new Date(at), new Date(at)],
  );
  return rows.map(fromRow);
}

/**
 * Ends a silence at `now` (one already over is left as it was) and returns it; SL_NOT_FOUND when the
 * project has no silence with that id.
 */
export async function expireSilence(
  warehouse: Warehouse,
  project: string,
  id: string,
  now: number,
): Promise<Silence> {
  await warehouse.execute(
    'UPDATE meta.silences SET ends_at = ? WHERE project_id = ? AND id = ? AND ends_at > ?',
    [new Date(now), project, id, new Date(now)],
  );
  const found = (await listSilences(warehouse, project)).find((s) => s.id === id);
  if (!found) throw new SightlineError('SL_NOT_FOUND', `no silence with id ${id}`);
  return found;
}

/** A silence as `sightline silences --json` and the API print it (times in ISO 8601 UTC). */
export function silenceJson(s: Silence) {
  const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
  return {
    id: s.id,
    matchers: s.matchers,
    startsAt: iso(s.startsAt),
    endsAt: iso(s.endsAt),
    createdBy: s.createdBy,
    comment: s.comment,
  };
}
