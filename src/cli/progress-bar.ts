import { formatCount } from './format.ts';

export interface ProgressState {
  label: string;
  done: number;
  total: number | null;
  records: number;
}

/**
 * A one-line progress bar on a terminal (stderr), redrawn at most ten times a second, with the record
 * rate. On anything that is not a terminal it prints nothing, so logs and pipes stay clean.
 */
export class ProgressBar {
  private lastDraw = 0;
  private readonly started = performance.now();
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  get enabled(): boolean {
    return Boolean(this.stream.isTTY);
  }

  update(state: ProgressState): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? Math.round(state.records / seconds) : 0;
    const width = 24;
    let bar = '';
    if (state.total && state.total > 0) {
      const fraction = Math.min(1, state.done / state.total);
      const filled = Math.round(fraction * width);
      bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% `;
    }
    const text = `${bar}${formatCount(state.records)} records, ${formatCount(rate)} rows/s  ${state.label}`;
    const columns = this.stream.columns ?? 100;
    this.stream.write(`\r${text.slice(0, columns - 1).padEnd(columns - 1)}`);
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn) this.stream.write(`\r${' '.repeat((this.stream.columns ?? 100) - 1)}\r`);
    this.drawn = false;
  }
}
