// Co-location calibrations (issue 14, docs/methods.md "Calibration"): a citizen series fitted
// against a reference station beside it. Each row is one version, kept for ever with the evidence
// it was accepted on (coefficients, periods, reference, metrics); `active` = 0 marks a version a
// later one replaced from the same validity start on. Readings are never rewritten: corrected
// values are computed when read (data/calibration/correct-points.ts), so raw stays raw.
import type { Kysely } from 'kysely';
import { columnTypes, dialectOf, tableOptions } from '../dialect.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  const sqlite = dialectOf(db) === 'sqlite';
  await db.schema
    .createTable('calibrations')
    .addColumn('id', 'integer', (c) =>
      sqlite ? c.primaryKey().autoIncrement() : c.primaryKey().generatedByDefaultAsIdentity(),
    )
    .addColumn('station_id', 'text', (c) => c.notNull().references('stations.id').onDelete('cascade'))
    // The device whose series was fitted, as registered then (no foreign key: the evidence
    // outlives a device replaced on the same station).
    .addColumn('device_id', 'text')
    .addColumn('phenomenon', 'text', (c) => c.notNull())
    .addColumn('sensor', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    /** JSON: { a, b?, c } of corrected = a·raw (+ b·RH) + c. */
    .addColumn('coefficients', 'text', (c) => c.notNull())
    .addColumn('reference_station_id', 'text', (c) => c.notNull())
    .addColumn('fit_from', t.int64, (c) => c.notNull())
    .addColumn('fit_to', t.int64, (c) => c.notNull())
    .addColumn('evaluate_from', t.int64, (c) => c.notNull())
    .addColumn('evaluate_to', t.int64, (c) => c.notNull())
    /** Readings at or after this instant are corrected by this version (until a later one starts). */
    .addColumn('valid_from', t.int64, (c) => c.notNull())
    /** JSON: the evaluation (data/calibration/evaluate.ts), what the calibration was accepted on. */
    .addColumn('metrics', 'text', (c) => c.notNull())
    .addColumn('created_at', t.int64, (c) => c.notNull())
    .addColumn('active', t.int, (c) => c.notNull().defaultTo(1))
    .modifyEnd(tableOptions(db))
    .execute();
  await db.schema
    .createIndex('calibrations_station_phenomenon')
    .on('calibrations')
    .columns(['station_id', 'phenomenon', 'sensor'])
    .execute();
}
