import { z } from 'zod';
import { FIELD_TARGETS, SLOT } from './event-fields.ts';
import { getPath, type JsonObject, removePath, shallowCopy } from './object-path.ts';

/** A dotted path into a record: `meta.uid` reads `record.meta.uid`. Keys containing dots cannot be named. */
const sourcePathSchema = z
  .string()
  .regex(/^[^.]+(\.[^.]+)*$/, 'expected a dotted path such as meta.uid (no empty segments)');

/**
 * Where to read event fields from when the automatic layouts (flat, Segment, PostHog) do not find them:
 * a target column (`user_id`, `event`, `timestamp`, `event_id` or a promoted field) -> a dotted source path.
 */
export const fieldMappingSchema = z.partialRecord(z.enum(FIELD_TARGETS), sourcePathSchema);

export type FieldMapping = z.infer<typeof fieldMappingSchema>;

/** A mapping turned into slot numbers and split paths, once per normaliser. */
export interface CompiledMapping {
  slots: number[];
  paths: string[][];
}

export function compileMapping(mapping: FieldMapping): CompiledMapping {
  const slots: number[] = [];
  const paths: string[][] = [];
  for (const target of FIELD_TARGETS) {
    const path = mapping[target];
    if (path === undefined) continue;
    slots.push(SLOT[target]);
    paths.push(path.split('.'));
  }
  return { slots, paths };
}

/**
 * Fill `values` from the mapped paths and return the record without them (a copy when anything was
 * removed; the input is never changed). A path that is missing, or holds null, leaves its slot to the
 * automatic layouts.
 */
export function applyMapping(record: JsonObject, mapping: CompiledMapping, values: unknown[]): JsonObject {
  let rest = record;
  for (let i = 0; i < mapping.slots.length; i++) {
    const path = mapping.paths[i]!;
    const value = getPath(rest, path);
    if (value === undefined || value === null) continue;
    values[mapping.slots[i]!] = value;
    if (rest === record) rest = shallowCopy(record);
    removePath(rest, path);
  }
  return rest;
}
