/**
 * What every renderer says the same way, in plain text: a metric's changes with their direction and
 * whether they are good news, table cells in their formats, a table laid out in monospace columns, and
 * an alert's status. Each renderer escapes these strings for its own dialect.
 */
import type {
  AlertInfo,
  Change,
  MetricValue,
  Polarity,
  ReportBlock,
  TableCell,
  TableColumn,
  Tone,
} from '../document.ts';
import { formatChange, formatValue } from '../format.ts';

/**
 * Whether a change is good news for a metric of this polarity: up is good for DAU, bad for latency.
 * A change the builder marked as not significant is neutral (day-to-day noise is neither), as is a
 * change of zero or of a metric with no preferred direction.
 */
export function changeTone(change: Change, polarity: Polarity): Tone {
  if (change.significant === false || polarity === 'neutral' || change.absolute === 0) return 'neutral';
  return change.absolute > 0 === (polarity === 'up') ? 'good' : 'bad';
}

/** ▲ for a rise, ▼ for a fall, = for none: the direction, apart from whether it is good. */
export function changeArrow(change: Change): string {
  return change.absolute > 0 ? '▲' : change.absolute < 0 ? '▼' : '=';
}

/** The colour circle a tone is shown with in text channels (Telegram, Slack, the plain-text e-mail). */
export const TONE_EMOJI: Readonly<Record<Tone, string>> = {
  good: '🟢',
  bad: '🔴',
  warning: '🟠',
  neutral: '⚪',
};

/** Slack's names for the same circles (mrkdwn shortcodes render in every Slack client). */
export const TONE_SLACK: Readonly<Record<Tone, string>> = {
  good: ':large_green_circle:',
  bad: ':red_circle:',
  warning: ':large_orange_circle:',
  neutral: ':white_circle:',
};

export interface ChangePart {
  /** `▲ +6.2% (+1,234) d/d` */
  readonly text: string;
  readonly tone: Tone;
}

/**
 * A metric's changes as short phrases: against the period before (`d/d` in a daily report, `w/w` in a
 * weekly one), then week over week (`w/w`).
 */
export function metricChanges(item: MetricValue, period: 'day' | 'week' = 'day'): ChangePart[] {
  const parts: ChangePart[] = [];
  const add = (change: Change | undefined, period: string) => {
    if (change === undefined) return;
    const text = `${changeArrow(change)} ${formatChange(change, item.format)} ${period}`;
    parts.push({ text, tone: changeTone(change, item.polarity) });
  };
  add(item.previousPeriod, period === 'week' ? 'w/w' : 'd/d');
  add(item.previousWeek, 'w/w');
  return parts;
}

/**
 * The tone a metric is headed with: that of its day-over-day change, else its week-over-week one;
 * neutral without either.
 */
export function metricTone(item: MetricValue, period: 'day' | 'week' = 'day'): Tone {
  return metricChanges(item, period)[0]?.tone ?? 'neutral';
}

/** The metric's value in its format (`12,345`, `4.1%`, `–` for no data). */
export function metricValue(item: MetricValue): string {
  return formatValue(item.value, item.format);
}

/** A table cell as text: numbers in the column's format (plain grouping without one), null as `–`. */
export function cellText(cell: TableCell | undefined, column: TableColumn): string {
  if (cell === null || cell === undefined) return '–';
  if (typeof cell === 'number') return formatValue(cell, column.format ?? 'decimal');
  return cell;
}

/** Whether a column is right-aligned: as declared, else when it has a number format. */
export function alignRight(column: TableColumn): boolean {
  return column.align === undefined ? column.format !== undefined : column.align === 'right';
}

/**
 * A table as monospace lines: a header row, then one row per record, columns padded to their widest
 * cell (numbers to the right), two spaces apart; and `and N more` under it when rows were left out.
 * Widths count UTF-16 units, which is right for the Latin text and digits tables hold.
 */
export function tableLines(block: Extract<ReportBlock, { kind: 'table' }>): string[] {
  const header = block.columns.map((c) => c.label);
  const rows = block.rows.map((row) => block.columns.map((c) => cellText(row[c.key], c)));
  const widths = block.columns.map((_, i) => Math.max(header[i]!.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (alignRight(block.columns[i]!) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const lines = [line(header), ...rows.map(line)];
  if (block.omitted) lines.push(`and ${block.omitted} more`);
  return lines;
}

export const ALERT_STATUS: Readonly<
  Record<AlertInfo['status'], { label: string; emoji: string; slack: string }>
> = {
  firing: { label: 'FIRING', emoji: '🚨', slack: ':rotating_light:' },
  repeat: { label: 'STILL FIRING', emoji: '🔁', slack: ':repeat:' },
  resolved: { label: 'RESOLVED', emoji: '✅', slack: ':white_check_mark:' },
};

/** `2026-09-26 10:15 UTC` from an ISO time: minutes are the alerts' resolution. */
export function utcMinute(iso: string): string {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : `${t.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** One line per alert of a notification: `os=Android: firing since 2026-09-26 10:15 UTC`. */
export function alertLines(alert: AlertInfo): string[] {
  return alert.alerts.map((a) => {
    const who = a.group === '' ? a.rule : `${a.rule} ${a.group}`;
    return a.status === 'resolved'
      ? `${who}: resolved, ${utcMinute(a.startsAt)} to ${a.endsAt ? utcMinute(a.endsAt) : 'now'}`
      : `${who}: firing since ${utcMinute(a.startsAt)}`;
  });
}

/** The heading of an alert document: `🚨 FIRING: title`. */
export function alertHeading(
  alert: AlertInfo,
  title: string,
): { emoji: string; label: string; text: string } {
  const status = ALERT_STATUS[alert.status];
  return { emoji: status.emoji, label: status.label, text: `${status.label}: ${title}` };
}

/** The chart image drawn for the block at `index`, when there is one. */
export function imageFor<T extends { blockIndex: number }>(
  images: readonly T[],
  index: number,
): T | undefined {
  return images.find((image) => image.blockIndex === index);
}
