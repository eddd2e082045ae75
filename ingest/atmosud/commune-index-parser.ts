// Parses AtmoSud's daily ATMO index per commune into Atmo France's standard record. The nesting
// of /iqa2021/commune/indices/journalier is not documented (docs/atmosud.md), so the answer is
// walked rather than matched against one schema. Accepted shapes (fixtures in
// tests/ingest/atmosud/fixtures/):
//   - keyed by INSEE then date: { "13055": { "commune": "Marseille", "valeurs": { "2024-06-10":
//     { "indice": {valeur, qualificatif, couleur}, "no2": {...}, "pm2.5": {...} } } } }
//     (as used by public PHP clients of the API);
//   - a list of records per date, under "data"/"indices"/any key or bare: { "date": ...,
//     "valeur"|"indice"|"iqa": ..., "qualificatif", "couleur", "no2": {...} | "sous_indices": ... };
//   - Atmo France records (date_ech, code_qual, lib_qual, coul_qual, code_no2, ...), bare or as
//     GeoJSON features' properties.
// This file is longer than most because each shape needs its own small rule; the rules share
// one walk so that a new nesting usually needs no new code.
import type { CommuneIndicesTable } from '../../data/schema.js';
import { atmoFranceRecordSchema, check, indexValueSchema } from './schemas.js';
import { parisDay } from './time-windows.js';

export type CommuneIndexRecord = Omit<CommuneIndicesTable, 'pulled_at'>;

type SubIndex = 'no2' | 'so2' | 'o3' | 'pm10' | 'pm25';
// Maps, not object literals: a key such as "constructor" in an answer must not match a prototype.
const SUB_KEYS: ReadonlyMap<string, SubIndex> = new Map([
  ['no2', 'no2'],
  ['so2', 'so2'],
  ['o3', 'o3'],
  ['pm10', 'pm10'],
  ['pm2.5', 'pm25'],
  ['pm25', 'pm25'],
  ['pm2_5', 'pm25'],
]);
const OVERALL_KEYS = ['indice', 'iqa', 'indice_atmo', 'global'];
const SUB_CONTAINERS = ['sous_indices', 'sous-indices', 'sousindices', 'polluants', 'sub_indices'];
const DATE_KEYS = ['date', 'date_ech', 'date_echeance', 'jour'];
const ZONE_KEYS = ['lib_zone', 'commune', 'nom_commune', 'nom'];
const INSEE_KEYS = ['insee', 'code_zone', 'code_insee'];

/** Arrêté of 10 July 2020: 0 unavailable, 1–6 Bon…Extrêmement mauvais, 7 event. */
const LABELS: ReadonlyMap<string, number> = new Map([
  ['indisponible', 0],
  ['bon', 1],
  ['moyen', 2],
  ['degrade', 3],
  ['mauvais', 4],
  ['tres mauvais', 5],
  ['extremement mauvais', 6],
  ['evenement', 7],
]);

export type ParseResult = { records: CommuneIndexRecord[]; problems: string[] };

type Ctx = { insee: string; date?: string; zone?: string | null };

export function parseCommuneIndices(body: unknown, insee: string): ParseResult {
  const byDate = new Map<string, CommuneIndexRecord>();
  const problems: string[] = [];
  walk(body, { insee }, 0, (record) => byDate.set(`${record.insee}@${record.date}`, record), problems);
  const records = [...byDate.values()].filter((r) => r.insee === insee);
  if (records.length === 0 && problems.length === 0) {
    problems.push(
      byDate.size > 0 ? `no index for commune ${insee} in the answer` : 'no index found in the answer',
    );
  }
  return { records: records.sort((a, b) => a.date.localeCompare(b.date)), problems };
}

function walk(
  node: unknown,
  ctx: Ctx,
  depth: number,
  emit: (r: CommuneIndexRecord) => void,
  problems: string[],
) {
  if (depth > 8 || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) walk(item, ctx, depth + 1, emit, problems);
    return;
  }
  const obj = node as Record<string, unknown>;
  const here: Ctx = {
    insee: stringOf(INSEE_KEYS.map((k) => obj[k]).find((v) => v != null)) ?? ctx.insee,
    date: dayOf(DATE_KEYS.map((k) => obj[k]).find((v) => v != null)) ?? ctx.date,
    zone: stringOf(ZONE_KEYS.map((k) => obj[k]).find((v) => typeof v === 'string')) ?? ctx.zone,
  };
  if (Object.hasOwn(obj, 'code_qual')) return atmoFranceRecord(obj, here, emit, problems);
  const overall = overallOf(obj);
  const hasSubs = Object.keys(obj).some((k) => SUB_KEYS.has(k.toLowerCase()));
  if (overall !== undefined || hasSubs) {
    if (!here.date) return void problems.push(`index without a date for commune ${here.insee}`);
    if (overall === undefined || overall.code === null) {
      return void problems.push(
        `no overall index (valeur/qualificatif) for commune ${here.insee} on ${here.date}`,
      );
    }
    const subs = subIndicesOf(obj);
    return emit({
      insee: here.insee,
      date: here.date,
      lib_zone: here.zone ?? null,
      code_qual: overall.code,
      lib_qual: overall.label,
      coul_qual: overall.colour,
      code_no2: subs.no2 ?? null,
      code_so2: subs.so2 ?? null,
      code_o3: subs.o3 ?? null,
      code_pm10: subs.pm10 ?? null,
      code_pm25: subs.pm25 ?? null,
      source: 'AtmoSud',
    });
  }
  for (const [key, value] of Object.entries(obj)) {
    if (value === null || typeof value !== 'object') continue;
    const child: Ctx = { ...here };
    if (/^\d[\dAB]\d{3}$/.test(key)) child.insee = key;
    const keyDay = /^\d{4}-\d{2}-\d{2}/.test(key) ? dayOf(key) : undefined;
    if (keyDay) child.date = keyDay;
    walk(value, child, depth + 1, emit, problems);
  }
}

function atmoFranceRecord(
  obj: Record<string, unknown>,
  ctx: Ctx,
  emit: (r: CommuneIndexRecord) => void,
  problems: string[],
) {
  const parsed = check(atmoFranceRecordSchema, obj);
  const date = parsed.success ? dayOf(parsed.data.date_ech) : undefined;
  if (!parsed.success || !date || !isCode(parsed.data.code_qual)) {
    return void problems.push(
      `Atmo France record for commune ${ctx.insee} without a valid date_ech/code_qual`,
    );
  }
  const r = parsed.data;
  const sub = (v: number | null | undefined) => (isCode(v) ? v : null);
  emit({
    insee: ctx.insee,
    date,
    lib_zone: r.lib_zone ?? ctx.zone ?? null,
    code_qual: r.code_qual,
    lib_qual: r.lib_qual ?? null,
    coul_qual: r.coul_qual ?? null,
    code_no2: sub(r.code_no2),
    code_so2: sub(r.code_so2),
    code_o3: sub(r.code_o3),
    code_pm10: sub(r.code_pm10),
    code_pm25: sub(r.code_pm25),
    source: r.source ?? 'AtmoSud',
  });
}

type IndexValue = { code: number | null; label: string | null; colour: string | null };

/** The overall index of a day entry: under "indice"/"iqa"/..., or flat valeur/qualificatif/couleur. */
function overallOf(obj: Record<string, unknown>): IndexValue | undefined {
  for (const key of OVERALL_KEYS) {
    if (!Object.hasOwn(obj, key)) continue;
    const v = obj[key];
    if (typeof v === 'number' || typeof v === 'string') {
      return indexValue({ valeur: v, qualificatif: obj.qualificatif, couleur: obj.couleur });
    }
    if (v && typeof v === 'object') return indexValue(v);
  }
  if (Object.hasOwn(obj, 'valeur') || Object.hasOwn(obj, 'qualificatif')) return indexValue(obj);
  return undefined;
}

function subIndicesOf(obj: Record<string, unknown>): Partial<Record<SubIndex, number>> {
  const out: Partial<Record<SubIndex, number>> = {};
  const take = (key: string, v: unknown) => {
    const sub = SUB_KEYS.get(key.toLowerCase());
    const code = sub ? indexValue(v)?.code : null;
    if (sub && code !== null && code !== undefined) out[sub] = code;
  };
  for (const [k, v] of Object.entries(obj)) take(k, v);
  for (const container of SUB_CONTAINERS) {
    const c = obj[container];
    if (Array.isArray(c)) {
      for (const item of c) {
        const name =
          (item as Record<string, unknown>)?.polluant ?? (item as Record<string, unknown>)?.nom_polluant;
        if (typeof name === 'string') take(name, item);
      }
    } else if (c && typeof c === 'object') for (const [k, v] of Object.entries(c)) take(k, v);
  }
  return out;
}

/** `{valeur, qualificatif, couleur}` or a bare number → index code (valeur wins, else the label). */
function indexValue(v: unknown): IndexValue | undefined {
  if (typeof v === 'number') return { code: isCode(v) ? v : null, label: null, colour: null };
  const parsed = check(indexValueSchema, v);
  if (!parsed.success) return undefined;
  const { valeur, qualificatif, couleur } = parsed.data;
  const fromLabel = qualificatif ? LABELS.get(normalise(qualificatif)) : undefined;
  const code = isCode(valeur) ? valeur : (fromLabel ?? null);
  return { code, label: qualificatif ?? null, colour: couleur ?? null };
}

const isCode = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 8;

const normalise = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ');

const stringOf = (v: unknown) =>
  typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined;

/** A day as YYYY-MM-DD: a date as written, or an instant (ISO with time, epoch ms) as a Paris day. */
function dayOf(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return parisDay(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return t;
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(t)) {
    const zoned = /([zZ]|[+-]\d{2}:?\d{2})$/.test(t) ? t : null;
    // Without an offset the wall-clock date is the publication's own: keep it as written.
    if (!zoned) return t.slice(0, 10);
    const ms = Date.parse(zoned.replace(' ', 'T'));
    return Number.isFinite(ms) ? parisDay(ms) : undefined;
  }
  return undefined;
}
