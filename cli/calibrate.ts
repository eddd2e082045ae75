// `souffle calibrate`: fit a citizen device's series against a reference station beside it, show
// the evidence (before and after, and the US EPA PurpleAir formula, against the EPA targets), and
// with --apply store the calibration so that every value users read is corrected from then on.
import { existsSync } from 'node:fs';
import { parseTime } from '../api/index.js';
import {
  calibrate,
  CalibrationError,
  DEFAULT_MODEL,
  REFERENCE_RULES,
  meetsTargets,
  MODELS,
  type Agreement,
  type AgreementPair,
  type CalibrationReport,
  type Coefficients,
  type Model,
} from '../data/index.js';
import { output, parseCommandArgs, UsageError } from './args.js';
import type { Config } from './config.js';
import { openConfiguredDatabase } from './open-database.js';

export const usage = `souffle calibrate <device> --reference <station>|nearest|nearest-any [--radius 25000]
                [--phenomenon pm25] [--sensor S]
                [--model sma|linear|linear-rh] [--from DATE] [--to DATE] [--holdout 0.5]
                [--apply [--valid-from DATE]] [--json]
  --reference nearest picks the nearest background AtmoSud station measuring the phenomenon within
  --radius metres (default 25000; else the nearest of unknown type), nearest-any any type, traffic
  included (docs/methods.md, "Comparing a sensor with AtmoSud").
  Fits the device's valid hourly means against the reference station's (hours flagged stuck or
  spike, or less than 45 minutes covered, left out), on the earlier part of the window, and
  evaluates the fit on the later part (--holdout, the share of the window held back, default
  0.5): RMSE, bias, R², slope and intercept, raw and corrected, hourly and on 24-hour means of
  local days, beside the US EPA targets for PM2.5 sensors and the US EPA PurpleAir formula.
  Models: sma (default; standardised major axis: keeps the reference's spread, so 24-hour means
  can meet the EPA slope target), linear (a·raw + c, least squares: the smallest hourly error,
  peaks flattened), linear-rh (a·raw + b·RH + c).
  --apply stores the calibration, valid from --valid-from (default --from): from then on the API,
  widgets and exports show corrected values (raw with ?values=raw). Dates as for souffle export;
  the window defaults to the 30 days before now. See docs/methods.md, "Calibration".

  Example: souffle calibrate balcon-chave --reference FR02004 --from 2026-10-01 --to 2026-11-01 --apply`;

function time(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = parseTime(text);
  if (typeof t === 'string') throw new UsageError(`--${name} "${text}": ${t}`);
  return t;
}

export async function run(argv: string[], config: Config): Promise<void> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      reference: { type: 'string' },
      radius: { type: 'string' },
      phenomenon: { type: 'string' },
      sensor: { type: 'string' },
      model: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      holdout: { type: 'string' },
      apply: { type: 'boolean' },
      'valid-from': { type: 'string' },
    },
    true,
  );
  const [deviceId, ...extra] = positionals;
  if (!deviceId) throw new UsageError('which device? souffle calibrate <device> --reference <station>');
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (!values.reference) throw new UsageError('--reference <station>|nearest is required');
  const radius = values.radius === undefined ? undefined : Number(values.radius);
  if (radius !== undefined && !(Number.isInteger(radius) && radius > 0 && radius <= 200_000))
    throw new UsageError(`--radius "${values.radius}": expected metres, a whole number from 1 to 200000`);
  if (radius !== undefined && !(REFERENCE_RULES as readonly string[]).includes(values.reference))
    throw new UsageError('--radius goes with --reference nearest or nearest-any');
  const model = (values.model ?? DEFAULT_MODEL) as Model;
  if (!MODELS.includes(model))
    throw new UsageError(`--model "${values.model}": expected ${MODELS.join(', ')}`);
  const holdout = values.holdout === undefined ? undefined : Number(values.holdout);
  if (holdout !== undefined && !(holdout > 0 && holdout < 1))
    throw new UsageError(`--holdout "${values.holdout}": expected a share between 0 and 1, e.g. 0.5`);
  if (values['valid-from'] !== undefined && !values.apply)
    throw new UsageError('--valid-from goes with --apply');

  if (!config.SOUFFLE_DATABASE_URL && !existsSync(config.SOUFFLE_DB))
    throw new Error(`no database at ${config.SOUFFLE_DB} (set SOUFFLE_DB, or run \`souffle start\` first)`);
  const handle = await openConfiguredDatabase(config, { migrate: false });
  try {
    const report = await calibrate(handle.db, {
      deviceId,
      referenceStationId: values.reference,
      radiusMetres: radius,
      phenomenon: values.phenomenon,
      sensor: values.sensor,
      model,
      from: time('from', values.from),
      to: time('to', values.to),
      holdout,
      apply: values.apply === true,
      validFrom: time('valid-from', values['valid-from']),
      timeZone: config.SOUFFLE_TIMEZONE,
      onProgress: (step) => process.stderr.write(`souffle calibrate: ${step}\n`),
    });
    output(values.json, report, () => describeReport(report));
  } catch (e) {
    if (e instanceof CalibrationError) throw new Error(e.message);
    throw e;
  } finally {
    await handle.close();
  }
}

const km = (m: number) => (m < 1000 ? `${m} m` : `${(m / 1000).toFixed(1)} km`);
const day = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');
const num = (v: number | null, digits = 2) => (v === null ? '—' : v.toFixed(digits));

export function formula(c: Coefficients): string {
  const sign = (v: number) => (v < 0 ? `− ${num(-v, 4)}` : `+ ${num(v, 4)}`);
  return `corrected = ${num(c.a, 4)}·raw ${c.b === undefined ? '' : `${sign(c.b)}·RH `}${sign(c.c)}`;
}

function row(label: string, a: Agreement, checks: boolean): string {
  const t = meetsTargets(a);
  const mark = (ok: boolean) => (checks ? (ok ? ' ✓' : ' ✗') : '  ');
  return [
    label.padEnd(22),
    String(a.n).padStart(4),
    `${num(a.rmse)}${mark(t.rmse)}`.padStart(10),
    num(a.bias).padStart(7),
    `${num(a.r2)}${mark(t.r2)}`.padStart(8),
    `${num(a.slope)}${mark(t.slope)}`.padStart(9),
    `${num(a.intercept)}${mark(t.intercept)}`.padStart(11),
  ].join(' ');
}

function table(title: string, r: CalibrationReport, pick: (p: AgreementPair) => Agreement): string[] {
  const checks = r.targets !== null;
  const lines = [
    title,
    `${''.padEnd(22)}    n       RMSE    bias      R²     slope   intercept`,
    row('raw', pick(r.evaluation.raw), checks),
    row(`corrected (${r.evaluation.model})`, pick(r.evaluation.corrected), checks),
  ];
  if (r.evaluation.epa) lines.push(row('US EPA PurpleAir formula', pick(r.evaluation.epa), checks));
  return lines;
}

export function describeReport(r: CalibrationReport): string {
  const e = r.evaluation;
  const t = r.targets;
  const better = (p: (x: AgreementPair) => Agreement) => {
    const raw = p(e.raw).rmse;
    const cor = p(e.corrected).rmse;
    return raw !== null && cor !== null && raw > 0
      ? ` (${Math.round((1 - cor / raw) * 100)} % lower than raw)`
      : '';
  };
  const epaWorse =
    e.epa &&
    e.epa.hourly.rmse !== null &&
    e.raw.hourly.rmse !== null &&
    e.epa.hourly.rmse > e.raw.hourly.rmse;
  return [
    `${r.device} (${r.phenomenon}, sensor ${r.sensor}) against ${r.reference.name} (${r.reference.id}, ${km(r.reference.distanceMetres)} away)`,
    `reference: ${r.reference.choice}`,
    `window ${day(r.window.from)} – ${day(r.window.to)} UTC: ${r.hours.paired} paired valid hours (sensor ${r.hours.sensor}, reference ${r.hours.reference}, with humidity ${r.hours.withHumidity})`,
    `training   ${day(e.training.from)} – ${day(e.training.to)}: ${e.training.n} hours`,
    `evaluation ${day(e.evaluation.from)} – ${day(e.evaluation.to)}: ${e.evaluation.n} hours (held back, later in time)`,
    formula(e.coefficients),
    '',
    ...table('hourly values, evaluation part', r, (p) => p.hourly),
    '',
    ...table('24-hour means of local days (18 hours or more), evaluation part', r, (p) => p.daily),
    '',
    ...(t
      ? [
          `US EPA targets for PM2.5 sensors (✓ met, ✗ not): R² ≥ ${t.r2Min}, slope ${t.slopeMin}–${t.slopeMax}, intercept ±${t.interceptMax} µg/m³, RMSE ≤ ${t.rmseMax} µg/m³ (sensor regressed on reference)`,
        ]
      : []),
    `hourly RMSE ${num(e.raw.hourly.rmse)} → ${num(e.corrected.hourly.rmse)}${better((p) => p.hourly)}`,
    ...(epaWorse
      ? [
          `the US EPA PurpleAir formula does worse than raw here (RMSE ${num(e.epa!.hourly.rmse)}): it was fitted on PurpleAir units, not this sensor`,
        ]
      : []),
    r.calibrationId !== null
      ? `applied: calibration ${r.calibrationId}, correcting readings from ${day(r.validFrom!)} UTC on`
      : 'not applied (add --apply to store it)',
  ].join('\n');
}
