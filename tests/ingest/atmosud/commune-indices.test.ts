// The official ATMO index per commune: each accepted shape (fixtures/) through the puller.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { listIngestErrors } from '../../../data/store/ingest-errors.js';
import { parseCommuneIndices } from '../../../ingest/atmosud/commune-index-parser.js';
import { fakeStation } from '../../helpers/fake-atmosud.js';
import { setup, type Setup } from './helpers.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

let s: Setup;
afterEach(async () => s?.cleanup());

const indices = async () =>
  (await s.db.selectFrom('commune_indices').selectAll().orderBy('insee').orderBy('date').execute()).map(
    ({ pulled_at: _, ...row }) => row,
  );

describe('the official ATMO index of the configured communes', () => {
  it('asks for J-1 to J+1 in Paris days, with the sub-indices', async () => {
    s = await setup({
      stations: [fakeStation('FR03043')],
      indices: { '13055': fixture('iqa-keyed-by-insee.json') },
    });
    await s.puller({ communes: ['13055', '13001'] }).pullOnce();

    const asked = s.fake.requestsTo('indices').map((r) => r.query);
    expect(asked.map((q) => q.insee).sort()).toEqual(['13001', '13055']);
    expect(asked[0]).toMatchObject({
      date_debut: '2025-10-09',
      date_fin: '2025-10-11',
      indice: 'all',
      format_indice: 'valeur,qualificatif,couleur',
      format: 'json',
    });
  });

  it('reads the answer keyed by INSEE code then date', async () => {
    s = await setup({
      stations: [fakeStation('FR03043')],
      indices: { '13055': fixture('iqa-keyed-by-insee.json') },
    });
    await s.puller({ communes: ['13055'] }).pullOnce();

    expect(await indices()).toEqual([
      row('13055', '2025-10-09', 'Marseille', [2, 'Moyen', '#50CCAA'], {
        no2: 2,
        so2: 1,
        o3: 2,
        pm10: 1,
        pm25: 1,
      }),
      row('13055', '2025-10-10', 'Marseille', [3, 'Dégradé', '#F0E641'], {
        no2: 2,
        so2: 1,
        o3: 3,
        pm10: 1,
        pm25: 2,
      }),
      row('13055', '2025-10-11', 'Marseille', [2, 'Moyen', '#50CCAA'], {
        no2: 1,
        so2: 1,
        o3: 2,
        pm10: 1,
        pm25: 1,
      }),
    ]);
  });

  it('reads a list of records per date, flat or nested, with sub-indices as a list, objects or numbers', async () => {
    s = await setup({
      stations: [fakeStation('FR03043')],
      indices: { '13001': fixture('iqa-records-list.json') },
    });
    await s.puller({ communes: ['13001'] }).pullOnce();

    expect(await indices()).toEqual([
      row('13001', '2025-10-09', 'Aix-en-Provence', [2, 'Moyen', '#50CCAA'], {
        no2: 1,
        so2: 1,
        o3: 2,
        pm10: 1,
        pm25: 1,
      }),
      row('13001', '2025-10-10', 'Aix-en-Provence', [4, 'Mauvais', '#FF5050'], { no2: 2, o3: 4, pm25: 3 }),
      row('13001', '2025-10-11', 'Aix-en-Provence', [0, 'Indisponible', '#DDDDDD'], {}),
    ]);
  });

  it("reads Atmo France's standard records, also inside GeoJSON features, keeping only the commune asked for", async () => {
    s = await setup({
      stations: [fakeStation('FR03043')],
      indices: { '13055': fixture('iqa-atmo-france-geojson.json') },
    });
    await s.puller({ communes: ['13055'] }).pullOnce();

    expect(await indices()).toEqual([
      row('13055', '2025-10-09', 'Marseille', [2, 'Moyen', '#50CCAA'], {
        no2: 2,
        so2: 1,
        o3: 2,
        pm10: 1,
        pm25: 1,
      }),
      row('13055', '2025-10-10', 'Marseille', [3, 'Dégradé', '#F0E641'], {
        no2: 2,
        so2: 1,
        o3: 3,
        pm10: 1,
        pm25: 2,
      }),
    ]);
  });

  it('keeps the raw answer of a failed parse in the ingest error log, and still pulls the other communes', async () => {
    s = await setup({
      stations: [fakeStation('FR03043')],
      indices: { '13055': fixture('iqa-unparseable.json'), '13001': fixture('iqa-records-list.json') },
    });
    const summary = await s.puller({ communes: ['13055', '13001'] }).pullOnce();

    expect(summary.status).toBe('partial');
    expect(summary.indices).toMatchObject({ written: 3, failed: 1 });
    const [error] = await listIngestErrors(s.db, { source: 'atmosud' });
    expect(error!.reason).toBe('commune 13055 index: no index found in the answer');
    expect(JSON.parse(error!.payload!)).toEqual(fixture('iqa-unparseable.json'));
  });

  it('rewrites a day only when AtmoSud changed it (a forecast revised)', async () => {
    const body = fixture('iqa-keyed-by-insee.json');
    s = await setup({ stations: [fakeStation('FR03043')], indices: { '13055': body } });
    const puller = s.puller({ communes: ['13055'] });
    await puller.pullOnce();
    const before = await s.db.selectFrom('commune_indices').selectAll().orderBy('date').execute();

    body['13055'].valeurs['2025-10-11'].indice = { valeur: 3, qualificatif: 'Dégradé', couleur: '#F0E641' };
    const summary = await puller.pullOnce();

    expect(summary.indices).toMatchObject({ written: 1, unchanged: 2 });
    const after = await s.db.selectFrom('commune_indices').selectAll().orderBy('date').execute();
    expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
    expect(after[2]).toMatchObject({ date: '2025-10-11', code_qual: 3, lib_qual: 'Dégradé' });
  });

  it('never takes a pollutant sub-index for the overall index of a day', () => {
    const parsed = parseCommuneIndices(
      { '13055': { valeurs: { '2025-10-10': { no2: { qualificatif: 'Mauvais' } } } } },
      '13055',
    );
    expect(parsed.records).toEqual([]);
    expect(parsed.problems).toEqual([
      'no overall index (valeur/qualificatif) for commune 13055 on 2025-10-10',
    ]);
  });
});

function row(
  insee: string,
  date: string,
  zone: string,
  [code, label, colour]: [number, string, string],
  subs: Partial<Record<'no2' | 'so2' | 'o3' | 'pm10' | 'pm25', number>>,
) {
  return {
    insee,
    date,
    lib_zone: zone,
    code_qual: code,
    lib_qual: label,
    coul_qual: colour,
    code_no2: subs.no2 ?? null,
    code_so2: subs.so2 ?? null,
    code_o3: subs.o3 ?? null,
    code_pm10: subs.pm10 ?? null,
    code_pm25: subs.pm25 ?? null,
    source: 'AtmoSud',
  };
}
