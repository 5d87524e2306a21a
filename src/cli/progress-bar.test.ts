import { describe, expect, it } from 'vitest';
import { ProgressBar } from './progress-bar.ts';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = {
    isTTY,
    columns: 80,
    write: (s: string) => writes.push(s),
  } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('progress bar', () => {
  it('draws a bar with percentage and rows/s on a terminal, and clears it at the end', () => {
    const { stream, writes } = fakeStream(true);
    const bar = new ProgressBar(stream);
    bar.update({ label: 'events.ndjson', done: 50, total: 200, records: 1234 });
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^\r\[######\.{18}\] {2}25% 1,234 records, [\d,]+ rows\/s {2}events\.ndjson/);
    bar.finish();
    expect(writes.at(-1)).toMatch(/^\r +\r$/);
  });

  it('redraws at most ten times a second', () => {
    const { stream, writes } = fakeStream(true);
    const bar = new ProgressBar(stream);
    for (let i = 0; i < 1000; i++) bar.update({ label: 'x', done: i, total: 1000, records: i });
    expect(writes.length).toBeLessThanOrEqual(2);
  });

  it('prints nothing when the output is not a terminal', () => {
    const { stream, writes } = fakeStream(false);
    const bar = new ProgressBar(stream);
    bar.update({ label: 'x', done: 1, total: 2, records: 1 });
    bar.finish();
    expect(writes).toEqual([]);
  });
});
