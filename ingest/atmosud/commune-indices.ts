// The official daily ATMO index of the configured communes for J-1, J and J+1 (Paris days),
// stored in commune_indices with Atmo France's field names. A row is rewritten only when AtmoSud
// changed it (a forecast J+1 becomes today's index), so pulled_at is when this version arrived.
import type { Db } from '../../data/db.js';
import { AtmosudError } from './atmosud-error.js';
import { parseCommuneIndices, type CommuneIndexRecord } from './commune-index-parser.js';
import type { PullContext } from './pull-context.js';
import { anyJsonSchema } from './schemas.js';
import { parisDay } from './time-windows.js';

const INDICES_PATH = '/iqa2021/commune/indices/journalier';

export type CommuneIndexStats = {
  written: number;
  unchanged: number;
  failed: number;
  /** Why requests failed, for the cycle's log line. */
  failures: string[];
};

/** Pulls every commune in parallel (the client limits concurrency); one failure never stops the rest. */
export async function pullCommuneIndices(
  ctx: PullContext,
  communes: readonly string[],
): Promise<CommuneIndexStats> {
  const stats: CommuneIndexStats = { written: 0, unchanged: 0, failed: 0, failures: [] };
  const now = ctx.now();
  const query = (insee: string) => ({
    insee,
    date_debut: parisDay(now, -1),
    date_fin: parisDay(now, 1),
    format_indice: 'valeur,qualificatif,couleur',
    indice: 'all',
    format: 'json',
  });
  const results = await Promise.allSettled(
    communes.map(async (insee) => {
      const { data, body, request } = await ctx.client.getJson(
        INDICES_PATH,
        query(insee),
        anyJsonSchema,
        ctx.signal,
      );
      const { records, problems } = parseCommuneIndices(data, insee);
      // A failed or partial parse keeps the raw answer, so the shape can be understood and added.
      if (problems.length > 0) {
        ctx.errors.add({ request, reason: `commune ${insee} index: ${problems.join('; ')}`, body });
      }
      if (records.length === 0)
        throw new AtmosudError('shape', request, `no usable index for commune ${insee}`);
      const written = await storeCommuneIndices(ctx.db, records, now);
      stats.written += written;
      stats.unchanged += records.length - written;
    }),
  );
  for (const r of results) {
    if (r.status === 'fulfilled') continue;
    stats.failed += 1;
    const e = r.reason;
    stats.failures.push(e instanceof Error ? e.message : String(e));
    // Shape errors of a parse were recorded above with the body; others are recorded here.
    if (e instanceof AtmosudError && e.kind !== 'aborted' && !e.offline && e.body !== undefined) {
      ctx.errors.add({ request: e.request, reason: e.reason, body: e.body });
    } else if (!(e instanceof AtmosudError)) throw e;
  }
  return stats;
}

/** Upserts the records that differ from what is stored; returns how many were written. */
async function storeCommuneIndices(
  db: Db,
  records: readonly CommuneIndexRecord[],
  now: number,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    let written = 0;
    for (const r of records) {
      const old = await trx
        .selectFrom('commune_indices')
        .selectAll()
        .where('insee', '=', r.insee)
        .where('date', '=', r.date)
        .executeTakeFirst();
      if (old && (Object.keys(r) as (keyof CommuneIndexRecord)[]).every((k) => old[k] === r[k])) continue;
      const row = { ...r, pulled_at: now };
      await trx
        .insertInto('commune_indices')
        .values(row)
        .onConflict((oc) => oc.columns(['insee', 'date']).doUpdateSet(row))
        .execute();
      written += 1;
    }
    return written;
  });
}
