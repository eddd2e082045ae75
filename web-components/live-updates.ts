// Live updates for the widgets, loaded only when a widget asks for them (a lazy chunk: the entry
// stays within its budget). One EventSource per API for all the stations the page's widgets
// show (browsers allow six connections per server over HTTP/1.1), reopened when that set changes.
// EventSource reconnects by itself with Last-Event-ID; when the server refuses (429, an old
// server without /stream), the widgets' periodic refresh is the fallback.

type Api = {
  source?: EventSource;
  timer?: ReturnType<typeof setTimeout>;
  stations: Map<string, Set<() => void>>;
};

/** The server's limit of stations per stream (api/routes/stream.ts): beyond, stations poll. */
const MAX_STATIONS = 20;
const apis = new Map<string, Api>();

function reopen(base: string, entry: Api): void {
  clearTimeout(entry.timer);
  // Widgets of one page connect within a moment: one stream for all of them, not one each.
  entry.timer = setTimeout(() => {
    entry.source?.close();
    entry.source = undefined;
    const ids = [...entry.stations.keys()].sort().slice(0, MAX_STATIONS);
    if (!ids.length) return;
    const source = new EventSource(`${base}/stream?stations=${encodeURIComponent(ids.join(','))}`);
    source.addEventListener('reading', (m) => {
      const { station } = JSON.parse((m as MessageEvent<string>).data) as { station: string };
      for (const listener of entry.stations.get(station) ?? []) listener();
    });
    entry.source = source;
  }, 50);
}

/** Calls `onReading` on each new reading of the station; returns how to stop. */
export function watch(base: string, station: string, onReading: () => void): () => void {
  const entry = apis.get(base) ?? { stations: new Map() };
  apis.set(base, entry);
  const listeners = entry.stations.get(station) ?? new Set();
  const isNew = listeners.size === 0;
  listeners.add(onReading);
  entry.stations.set(station, listeners);
  if (isNew) reopen(base, entry);
  return () => {
    listeners.delete(onReading);
    if (listeners.size) return;
    entry.stations.delete(station);
    reopen(base, entry);
  };
}
