import { describe, expect, it } from 'vitest';
import { funnelReferenceSql } from '../../bench/insights/funnel-reference.ts';
import { runFunnel } from '../../src/analytics/insights/funnels/funnel-insight.ts';
import { funnelSpecSchema } from '../../src/analytics/insights/funnels/funnel-spec.ts';
import { contextFor, createRng, randomEvents, type TestEvent, warehouseWithCases } from './fixtures.ts';

const CASES = 150;

interface Case {
  project: string;
  events: TestEvent[];
  steps: string[];
  windowSeconds: number;
  from: string;
  to: string;
}

function randomCase(seed: number): Case {
  const rng = createRng(seed);
  const events = randomEvents(rng, { days: 2, maxUsers: 6, maxEventsPerUser: 14, names: ['a', 'b', 'c'] });
  const n = rng.int(2, 4);
  // Distinct names take the insight's fast path (ties left unordered), repeats the exact one.
  const steps = rng.bernoulli(0.5)
    ? ['a', 'b', 'c'].slice(0, Math.min(n, 3))
    : Array.from({ length: n }, () => rng.pick(['a', 'b', 'c']));
  const from = rng.pick(['2026-09-01', '2026-09-02']);
  return {
    project: `fr${seed}`,
    events,
    steps,
    windowSeconds: rng.pick([1800, 3600, 7200, 86_400]),
    from,
    to: rng.pick([from, '2026-09-02']),
  };
}

describe('the funnel benchmark reference', () => {
  const cases = Array.from({ length: CASES }, (_, i) => randomCase(i + 1));
  const warehouse = warehouseWithCases(cases);

  it(`gives the insight's step counts on ${CASES} random event sets`, async () => {
    let converted = 0;
    for (const c of cases) {
      const result = await runFunnel(
        contextFor(warehouse(), c.project),
        funnelSpecSchema.parse({ steps: c.steps, window: c.windowSeconds, from: c.from, to: c.to }),
      );
      const reference = await warehouse().query<{ step: number; users: number }>(
        funnelReferenceSql({ ...c, project: c.project }),
      );
      const context = `${c.project}: ${JSON.stringify({ ...c, events: undefined })}`;
      expect(
        reference.map((r) => Number(r.users)),
        context,
      ).toEqual(result.steps.map((s) => s.count));
      if ((result.steps.at(-1)?.count ?? 0) > 0) converted++;
    }
    expect(converted).toBeGreaterThan(20);
  });
});
