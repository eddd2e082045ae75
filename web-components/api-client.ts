// The widgets' HTTP client. No cookies (`credentials: 'omit'`), JSON only, every call abortable.
// The API is found from the widget script's own URL, so a school pasting
// <script src="https://souffle.example.org/widgets/souffle.js"> needs no configuration.
import type {
  CompareResponse,
  ErrorResponse,
  IndexResponse,
  LatestResponse,
  SeriesResponse,
  StationsResponse,
  StationSummary,
} from '../data/api-types.js';
import type { IndexScheme } from '../data/indices.js';

const API_PATH = '/api/v1';

/**
 * The API base URL (no trailing slash). `attribute` (the `api` attribute: a server such as
 * "https://souffle.example.org" or its ".../api/v1") wins, resolved against the page; otherwise
 * the server the module came from. Modules live one folder below the server root (widgets/ or
 * assets/), so "../api/v1" also works when Souffle is served under a path prefix.
 */
export function resolveApiBase(
  attribute: string | null | undefined,
  moduleUrl: string,
  pageUrl: string,
): string {
  const given = attribute?.trim();
  const url = given ? new URL(given, pageUrl) : new URL('..' + API_PATH, moduleUrl);
  url.search = '';
  url.hash = '';
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith(API_PATH) ? path : path + API_PATH;
  return url.href.replace(/\/+$/, '');
}

/** The base for this module, unless an element names another. `import.meta.url` goes through a
 * variable so that Vite does not take `new URL(..., import.meta.url)` for an asset to bundle. */
const moduleUrl: string = import.meta.url;
export function apiBaseFor(attribute: string | null | undefined): string {
  return resolveApiBase(attribute, moduleUrl, document.baseURI);
}

/** A failed API call: `status` 0 for a network failure; `code` from the API's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { signal, credentials: 'omit', headers: { accept: 'application/json' } });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'network', `cannot reach ${url}: ${(error as Error).message}`);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as ErrorResponse | null;
    const code = body?.error?.code ?? `http_${response.status}`;
    throw new ApiError(
      response.status,
      code,
      body?.error?.message ?? `${response.status} ${response.statusText}`,
    );
  }
  return (await response.json()) as T;
}

/** Query string from defined values only. */
function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

const station = (base: string, id: string) => `${base}/stations/${encodeURIComponent(id)}`;
const iso = (t: number) => new Date(t).toISOString();

export const api = {
  /** With `index`, each station carries its current index in that scheme (one request for a map). */
  stations: (base: string, signal?: AbortSignal, index?: IndexScheme) =>
    getJson<StationsResponse>(`${base}/stations${query({ index })}`, signal),
  station: (base: string, id: string, signal?: AbortSignal) =>
    getJson<StationSummary>(station(base, id), signal),
  latest: (base: string, id: string, signal?: AbortSignal) =>
    getJson<LatestResponse>(`${station(base, id)}/latest`, signal),
  index: (base: string, id: string, scheme: IndexScheme, signal?: AbortSignal) =>
    getJson<IndexResponse>(`${station(base, id)}/index${query({ scheme })}`, signal),
  series: (
    base: string,
    id: string,
    p: { phenomenon: string; from: number; to: number; step: '1h' | '1d' },
    signal?: AbortSignal,
  ) =>
    getJson<SeriesResponse>(
      `${station(base, id)}/series${query({ phenomenon: p.phenomenon, from: iso(p.from), to: iso(p.to), step: p.step })}`,
      signal,
    ),
  compare: (
    base: string,
    id: string,
    p: { phenomenon: string; from: number; to: number; reference?: string },
    signal?: AbortSignal,
  ) =>
    getJson<CompareResponse>(
      `${station(base, id)}/compare${query({ phenomenon: p.phenomenon, from: iso(p.from), to: iso(p.to), reference: p.reference })}`,
      signal,
    ),
};
