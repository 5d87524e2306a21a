/**
 * Live refresh: one `EventSource` on `/api/v1/events/stream` (the key in the query, since EventSource
 * cannot send headers) and the set of things on screen that re-run when new data lands. A tile adds
 * its refresher while it is mounted and removes it when it leaves, so only visible tiles re-run.
 */

type Refresher = () => void;

const refreshers = new Set<Refresher>();
let source: EventSource | null = null;
let listeners: ((state: 'live' | 'offline') => void)[] = [];

/** Registers something to re-run on new data; returns the function that unregisters it. */
export function onNewData(refresh: Refresher): () => void {
  refreshers.add(refresh);
  return () => refreshers.delete(refresh);
}

/** Re-runs every registered refresher that is still on the page (what a `data` event does). */
export function refreshVisible(): number {
  let n = 0;
  for (const refresh of [...refreshers]) {
    refresh();
    n++;
  }
  return n;
}

/** Opens the stream for `key` (closing any previous one); `status` hears whether it is connected. */
export function connectLive(key: string, status: (state: 'live' | 'offline') => void): void {
  disconnectLive();
  listeners = [status];
  source = new EventSource(`/api/v1/events/stream?key=${encodeURIComponent(key)}`);
  source.addEventListener('open', () => {
    for (const l of listeners) l('live');
  });
  source.addEventListener('error', () => {
    for (const l of listeners) l('offline');
  });
  source.addEventListener('data', () => refreshVisible());
}

export function disconnectLive(): void {
  source?.close();
  source = null;
  listeners = [];
}
