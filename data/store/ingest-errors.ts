// The ingest error log: why a value or message was rejected, kept per device (bounded) so that a
// citizen can see why their sensor's data is missing. AtmoSud errors are kept under device null.
import type { Kysely, Transaction } from 'kysely';
import type { Database, IngestError } from '../schema.js';

const ERRORS_KEPT_PER_DEVICE = 100;
const PAYLOAD_KEPT_BYTES = 2048;

export type NewIngestError = {
  deviceId: string | null;
  source: string;
  time: number;
  topic?: string | null;
  reason: string;
  payload?: string | Uint8Array | null;
};

/** Truncates a payload to a readable copy: text as text, bytes decoded leniently. */
function truncatePayload(
  payload: string | Uint8Array | null | undefined,
  max = PAYLOAD_KEPT_BYTES,
): string | null {
  if (payload == null) return null;
  const text =
    typeof payload === 'string'
      ? payload
      : new TextDecoder('utf-8', { fatal: false }).decode(payload.subarray(0, max + 4));
  return text.length > max
    ? `${text.slice(0, max)}… (${typeof payload === 'string' ? payload.length : payload.byteLength} bytes)`
    : text;
}

/** Records errors and trims each device's log to the newest ERRORS_KEPT_PER_DEVICE entries. */
export async function recordIngestErrors(
  db: Kysely<Database> | Transaction<Database>,
  errors: readonly NewIngestError[],
  keep = ERRORS_KEPT_PER_DEVICE,
): Promise<void> {
  if (errors.length === 0) return;
  await db
    .insertInto('ingest_errors')
    .values(
      errors.map((e) => ({
        device_id: e.deviceId,
        source: e.source,
        time: e.time,
        topic: e.topic ?? null,
        reason: e.reason,
        payload: truncatePayload(e.payload),
      })),
    )
    .execute();
  for (const deviceId of new Set(errors.map((e) => e.deviceId))) {
    const scope = db.selectFrom('ingest_errors').select('id');
    const newest = (
      deviceId === null ? scope.where('device_id', 'is', null) : scope.where('device_id', '=', deviceId)
    )
      .orderBy('id', 'desc')
      .limit(1)
      .offset(keep);
    const cutoff = await newest.executeTakeFirst();
    if (!cutoff) continue;
    const del = db.deleteFrom('ingest_errors').where('id', '<=', cutoff.id);
    await (
      deviceId === null ? del.where('device_id', 'is', null) : del.where('device_id', '=', deviceId)
    ).execute();
  }
}

export async function listIngestErrors(
  db: Kysely<Database>,
  filter: { deviceId?: string | null; source?: string; limit?: number } = {},
): Promise<IngestError[]> {
  let q = db
    .selectFrom('ingest_errors')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 50);
  if (filter.deviceId === null) q = q.where('device_id', 'is', null);
  else if (filter.deviceId !== undefined) q = q.where('device_id', '=', filter.deviceId);
  if (filter.source) q = q.where('source', '=', filter.source);
  return q.execute();
}
