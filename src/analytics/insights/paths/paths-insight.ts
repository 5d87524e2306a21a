import type { PathAnchor } from '../../../data/sql/event-sequences.ts';
import { resolveRange } from '../date-range.ts';
import { parseWhere } from '../event-scan.ts';
import type { InsightContext } from '../insight-context.ts';
import { defineInsight, type InsightResultBase, type InsightWarning } from '../insight-type.ts';
import { compareText } from '../sessions/compare-text.ts';
import { type PathCountRow, pathsSql } from './paths-query.ts';
import { type PathsSpec, pathsFlags, pathsSpecSchema } from './paths-spec.ts';

/** Users who went from `from` at `step` to `to`, the next event of their path in time. */
export interface PathTransition {
  step: number;
  from: string;
  to: string;
  users: number;
}

export interface PathNode {
  step: number;
  event: string;
  users: number;
}

export interface PathsResult extends InsightResultBase {
  /** The top links, most users first (Sankey links). */
  transitions: PathTransition[];
  /** Step 1 and every end of a kept transition, by step then users (Sankey nodes). */
  nodes: PathNode[];
  /** Whole paths in time order, most users first. */
  topPaths: { path: string[]; users: number }[];
}

export const pathsInsight = defineInsight<PathsSpec, PathsResult>({
  name: 'paths',
  summary: 'the paths users take from or to an event: top transitions, Sankey nodes, whole paths',
  schema: pathsSpecSchema,
  flags: pathsFlags,
  run: runPaths,
  tables: (result) => [
    { title: 'Transitions', rows: result.transitions.map((t) => ({ ...t })) },
    {
      title: 'Top paths',
      rows: result.topPaths.map((p) => ({ path: p.path.join(' → '), users: p.users })),
    },
  ],
});

async function runPaths(ctx: InsightContext, spec: PathsSpec): Promise<PathsResult> {
  const range = await resolveRange(ctx, spec);
  const filter = parseWhere(ctx, spec.where);
  const anchor: PathAnchor | undefined = spec.startEvent
    ? { event: spec.startEvent, direction: 'after' }
    : spec.endEvent
      ? { event: spec.endEvent, direction: 'before' }
      : undefined;
  const rows = await ctx.query<PathCountRow>(
    pathsSql(ctx, {
      range,
      filter,
      events: spec.events,
      anchor,
      steps: spec.steps,
      gapSeconds: spec.sessionGap,
      collapseRepeats: spec.collapseRepeats,
      top: spec.top,
      topPaths: spec.topPaths,
    }),
  );

  const transitions = rows
    .filter((r) => r.kind === 'link')
    .map((r) => ({
      step: Number(r.step),
      from: r.event as string,
      to: r.to_event as string,
      users: Number(r.users),
    }))
    .sort(
      (a, b) =>
        b.users - a.users || a.step - b.step || compareText(a.from, b.from) || compareText(a.to, b.to),
    );
  // A link's `to` is one step further along the path: forwards, or back towards the anchor.
  const toStep = anchor?.direction === 'before' ? -1 : 1;
  const shown = new Set<string>();
  for (const t of transitions) {
    shown.add(JSON.stringify([t.step, t.from]));
    shown.add(JSON.stringify([t.step + toStep, t.to]));
  }
  const nodes = rows
    .filter((r) => r.kind === 'node')
    .map((r) => ({ step: Number(r.step), event: r.event as string, users: Number(r.users) }))
    .filter((n) => n.step === 1 || shown.has(JSON.stringify([n.step, n.event])))
    .sort((a, b) => a.step - b.step || b.users - a.users || compareText(a.event, b.event));
  const topPaths = rows
    .filter((r) => r.kind === 'path')
    .sort((a, b) => Number(b.users) - Number(a.users) || compareText(a.path, b.path))
    .map((r) => ({ path: JSON.parse(r.path as string) as string[], users: Number(r.users) }));

  const warnings: InsightWarning[] = [];
  const dropped = rows.find((r) => r.kind === 'dropped');
  const droppedLinks = Number(dropped?.step ?? 0);
  if (droppedLinks > 0)
    warnings.push({
      code: 'SL_PATHS_TRANSITIONS_DROPPED',
      message: `${droppedLinks} transition${droppedLinks === 1 ? '' : 's'} below the top ${spec.top} ${droppedLinks === 1 ? 'is' : 'are'} left out; ${Number(dropped?.users)} distinct users took at least one of them (raise --top to see them)`,
    });
  if (nodes.length === 0)
    warnings.push({
      code: 'SL_NO_DATA',
      message: anchor
        ? `no user did "${anchor.event}" from ${range.from} to ${range.to} with these filters`
        : `no events from ${range.from} to ${range.to} with these filters`,
    });
  return { transitions, nodes, topPaths, sql: ctx.sqlText(), warnings };
}
