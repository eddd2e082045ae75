// Why a request to AtmoSud failed. Typed because the puller branches on the kind: a network
// failure or timeout means "offline" (log one line, touch nothing), a bad status or an unexpected
// shape is AtmoSud's answer and goes to the ingest error log with a copy of the body.

export type AtmosudErrorKind =
  /** No answer at all: DNS, refused or reset connection. */
  | 'network'
  /** No complete answer within the request timeout. */
  | 'timeout'
  /** An HTTP status other than 2xx (after retries, for retryable ones). */
  | 'status'
  /** A 2xx answer that is not what the reference describes: HTML, malformed JSON, missing field. */
  | 'shape'
  /** The caller aborted (the puller was stopped, backfill interrupted). */
  | 'aborted';

export class AtmosudError extends Error {
  override name = 'AtmosudError';
  constructor(
    readonly kind: AtmosudErrorKind,
    /** Method, path and query of the request, e.g. "GET /observations/stations?format=json". */
    readonly request: string,
    readonly reason: string,
    /** The response body, for the ingest error log (truncated there). */
    readonly body?: string,
    readonly status?: number,
  ) {
    super(`${request}: ${reason}`);
  }

  /** True when AtmoSud could not be reached at all, as opposed to answering badly. */
  get offline(): boolean {
    return this.kind === 'network' || this.kind === 'timeout';
  }
}

/** A short description of a fetch failure, with the system error code where there is one. */
export function describeNetworkError(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  const code = e.cause?.code;
  const detail = e.cause?.message ?? e.message ?? String(error);
  return code && !detail.includes(code) ? `${detail} (${code})` : detail;
}
