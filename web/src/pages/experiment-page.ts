import { api } from '../api.ts';
import { describeError, h, mount, state } from '../dom.ts';
import { formatInterval, formatNumber, formatP, formatPercent, formatSignedPercent } from '../format.ts';
import { href } from '../router.ts';

/** The part of `sightline experiment analyze NAME --json` this page reads. */
interface Effect {
  effect: number;
  ci: [number, number];
  pValue: number;
}
interface MetricReport {
  metric: string;
  label: string | null;
  role: string;
  better: string;
  kind: string;
  test: { name: string; why: string };
  arms: { variant: string; n: number; mean: number }[];
  variants: {
    variant: string;
    absolute: Effect;
    relative: Effect;
    adjustedPValue?: number;
    significant: boolean;
    direction: string | null;
    bayesian?: { chanceToWin: number };
  }[];
}
interface Report {
  experiment: string;
  description: string;
  kind: string;
  window: { from: string; to: string; days: number };
  control: string;
  alpha: number;
  exposure: {
    users: number;
    variants: { variant: string; users: number; expectedShare: number; observedShare: number }[];
  };
  srm: { pValue: number; threshold: number; mismatch: boolean };
  metrics: MetricReport[];
  recommendation: { decision: string; variant: string | null; reasons: string[] };
  warnings: { code: string; message: string }[];
  validatedBy?: string;
}
interface AaResult {
  experiment: string;
  falsePositiveRate: number;
  fprInterval: [number, number];
  tested: number;
  verdict: { ok: boolean; reasons: string[] };
}

/** The experiments of the project, each a link to its report. */
export function experimentsPage(): HTMLElement {
  const list = h('div', {}, state.loading());
  void api<unknown>('GET', '/experiments')
    .then((raw) => {
      const items = (Array.isArray(raw) ? raw : ((raw as { experiments?: unknown[] }).experiments ?? [])) as {
        name: string;
        description?: string;
        kind?: string;
      }[];
      if (items.length === 0)
        return mount(list, state.empty('No experiments are declared in sightline.yaml.'));
      mount(
        list,
        h(
          'ul',
          { class: 'experiment-list' },
          items.map((e) =>
            h(
              'li',
              {},
              h(
                'a',
                { href: href('experiments', e.name), 'data-testid': `experiment-link-${e.name}` },
                e.name,
              ),
              e.kind ? h('span', { class: 'badge' }, e.kind) : null,
              e.description ? h('p', { class: 'muted' }, e.description) : null,
            ),
          ),
        ),
      );
    })
    .catch((error) => mount(list, state.error(error)));
  return h('main', { class: 'page' }, h('h2', {}, 'Experiments'), list);
}

/**
 * One experiment's report: the recommendation first (what to do), then exposure per arm with the SRM
 * check, the A/A validation of the split, and every metric with each arm's n and mean and each
 * variant's relative effect drawn as an interval around zero, with its p-value.
 */
export function experimentPage(name: string): HTMLElement {
  const page = h(
    'main',
    { class: 'page experiment-page', 'data-testid': 'experiment-page' },
    state.loading(),
  );
  const list = api<{ experiments: { name: string; kind: string }[] }>('GET', '/experiments').catch(() => ({
    experiments: [],
  }));
  void api<Report>('GET', `/experiments/${encodeURIComponent(name)}`)
    .then(async (report) =>
      mount(page, ...reportView(report, aaExperimentOf(report, (await list).experiments))),
    )
    .catch((error) => mount(page, state.error(error)));
  return page;
}

/**
 * The A/A experiment that validates this one's split: itself when it is an A/A, the one it names in
 * `validatedBy`, or else the project's only A/A experiment (the report does not carry `validatedBy`
 * yet, and a project with one A/A split uses it for every test).
 */
function aaExperimentOf(r: Report, all: { name: string; kind: string }[]): string | undefined {
  if (r.kind === 'aa') return r.experiment;
  if (r.validatedBy) return r.validatedBy;
  const aa = all.filter((e) => e.kind === 'aa');
  return aa.length === 1 ? aa[0]!.name : undefined;
}

function reportView(r: Report, aaName: string | undefined): HTMLElement[] {
  const aa = h('div', { class: 'aa', 'data-testid': 'aa' }, state.loading('Running the A/A check…'));
  if (aaName) {
    void api<AaResult>('POST', `/experiments/${encodeURIComponent(aaName)}/aa`, {})
      .then((result) => mount(aa, aaView(result)))
      .catch((error) =>
        mount(aa, h('p', { class: 'muted' }, `A/A check of ${aaName}: `, describeError(error).message)),
      );
  } else
    mount(aa, h('p', { class: 'muted' }, 'No A/A validation is declared for this experiment (validatedBy).'));

  return [
    h('div', { class: 'page-head' }, h('h2', {}, r.experiment), h('p', { class: 'muted' }, r.description)),
    h(
      'section',
      {
        class: `recommendation decision-${r.recommendation.decision.replaceAll(' ', '-')}`,
        'data-testid': 'recommendation',
      },
      h(
        'h3',
        {},
        'Recommendation: ',
        h('span', { 'data-testid': 'decision' }, r.recommendation.decision),
        r.recommendation.variant ? ` (${r.recommendation.variant})` : '',
      ),
      h(
        'ul',
        {},
        r.recommendation.reasons.map((reason) => h('li', {}, reason)),
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h(
        'h3',
        {},
        `Exposure: ${formatNumber(r.exposure.users)} users, ${r.window.from} to ${r.window.to} (${r.window.days} days)`,
      ),
      h(
        'table',
        { 'data-testid': 'arms' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['arm', 'users', 'expected share', 'observed share'].map((c) => h('th', {}, c)),
          ),
        ),
        h(
          'tbody',
          {},
          r.exposure.variants.map((v) =>
            h(
              'tr',
              { 'data-testid': `arm-${v.variant}` },
              h('td', {}, v.variant, v.variant === r.control ? ' (control)' : ''),
              h('td', { class: 'num', 'data-value': String(v.users) }, formatNumber(v.users)),
              h('td', { class: 'num' }, formatPercent(v.expectedShare)),
              h('td', { class: 'num' }, formatPercent(v.observedShare)),
            ),
          ),
        ),
      ),
      h(
        'p',
        {
          class: r.srm.mismatch ? 'verdict bad' : 'verdict good',
          'data-testid': 'srm',
          'data-mismatch': String(r.srm.mismatch),
        },
        r.srm.mismatch
          ? `Sample ratio mismatch: p = ${formatP(r.srm.pValue)} < ${r.srm.threshold}. The split is broken; do not trust the effects.`
          : `No sample ratio mismatch (p = ${formatP(r.srm.pValue)}, threshold ${r.srm.threshold}).`,
      ),
      aa,
    ),
    ...r.metrics.map((m) => metricView(m, r.control, r.alpha)),
    r.warnings.length > 0
      ? h(
          'ul',
          { class: 'warnings' },
          r.warnings.map((w) => h('li', {}, h('strong', {}, w.code), ' ', w.message)),
        )
      : null,
  ].filter((x): x is HTMLElement => x !== null);
}

function aaView(a: AaResult): HTMLElement {
  return h(
    'p',
    {
      class: a.verdict.ok ? 'verdict good' : 'verdict bad',
      'data-testid': 'aa-verdict',
      'data-ok': String(a.verdict.ok),
    },
    `A/A check of ${a.experiment}: ${a.verdict.ok ? 'the split looks sound' : 'the split looks broken'}; `,
    `false positives ${formatPercent(a.falsePositiveRate)} [${formatPercent(a.fprInterval[0])}, ${formatPercent(a.fprInterval[1])}] over ${formatNumber(a.tested)} draws.`,
    ...a.verdict.reasons.map((reason) => h('span', { class: 'reason' }, ` ${reason}`)),
  );
}

function metricView(m: MetricReport, control: string, alpha: number): HTMLElement {
  // One scale for every variant of the metric, symmetric around zero, so intervals compare by eye.
  const reach = Math.max(0.01, ...m.variants.flatMap((v) => v.relative.ci.map(Math.abs)));
  return h(
    'section',
    { class: 'card metric', 'data-testid': `metric-${m.metric}` },
    h('h3', {}, m.label ?? m.metric, ' ', h('span', { class: 'badge' }, m.role)),
    h('p', { class: 'muted' }, `${m.test.name}: ${m.test.why}`),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            'arm',
            'users (n)',
            'mean',
            'relative effect',
            `${Math.round((1 - alpha) * 100)}% interval`,
            '',
            'p (adjusted)',
          ].map((c) => h('th', {}, c)),
        ),
      ),
      h(
        'tbody',
        {},
        m.arms.map((arm) => {
          const v = m.variants.find((x) => x.variant === arm.variant);
          return h(
            'tr',
            { 'data-testid': `effect-${m.metric}-${arm.variant}` },
            h('td', {}, arm.variant, arm.variant === control ? ' (control)' : ''),
            h('td', { class: 'num', 'data-value': String(arm.n) }, formatNumber(arm.n)),
            h('td', { class: 'num', 'data-value': String(arm.mean) }, formatNumber(arm.mean)),
            h(
              'td',
              { class: 'num', 'data-testid': 'relative', 'data-value': v ? String(v.relative.effect) : '' },
              v ? formatSignedPercent(v.relative.effect) : '–',
            ),
            h(
              'td',
              { class: 'num', 'data-testid': 'ci', 'data-value': v ? v.relative.ci.join(',') : '' },
              v ? formatInterval(v.relative.ci) : '',
            ),
            h('td', { class: 'ci-cell' }, v ? intervalBar(v.relative, reach, v.significant, m.better) : null),
            h(
              'td',
              { class: 'num' },
              v
                ? `${formatP(v.relative.pValue)}${v.adjustedPValue === undefined ? '' : ` (${formatP(v.adjustedPValue)})`}`
                : '',
            ),
          );
        }),
      ),
    ),
  );
}

/** The interval as a bar on a scale from −reach to +reach with zero marked: green when it is a significant win. */
function intervalBar(e: Effect, reach: number, significant: boolean, better: string): HTMLElement {
  const x = (v: number) => `${(50 + (50 * v) / reach).toFixed(2)}%`;
  const good = significant && (better === 'lower' ? e.effect < 0 : e.effect > 0);
  const tone = significant ? (good ? 'win' : 'loss') : 'flat';
  return h(
    'div',
    { class: 'ci-bar', 'aria-hidden': 'true' },
    h('span', { class: 'zero' }),
    h('span', { class: `range ${tone}`, style: `left:${x(e.ci[0])};right:calc(100% - ${x(e.ci[1])})` }),
    h('span', { class: 'point', style: `left:${x(e.effect)}` }),
  );
}
