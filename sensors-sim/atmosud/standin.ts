// A stand-in for AtmoSud's open-data API, answering the requests the puller makes (station list,
// hourly measures, commune indices) from a dataset. `souffle demo` hands the puller its `fetch`,
// so the demo's reference data comes through the same path as AtmoSud's: the puller's client,
// schemas, cursors and store, with no network and no port. The tests' fake AtmoSud serves the
// same answers on a real port, with faults on top.
import { Hono, type Context } from 'hono';
import type { AtmosudDataset } from './metropolis.js';
import { POLLUTANT_CODES, pollutantName, type Json } from './shapes.js';

/** The records of `/observations/stations/mesures` for a query, as AtmoSud filters them. */
export function measuresFor(data: AtmosudDataset, q: Record<string, string>): Json[] {
  const from = q.date_debut ? Date.parse(q.date_debut) : -Infinity;
  const to = q.date_fin ? Date.parse(q.date_fin) : Infinity;
  const names = q.nom_polluant ? q.nom_polluant.split(',').map((n) => n.trim().toLowerCase()) : undefined;
  const all = [
    ...data.measures,
    ...(q.station_id && data.generateMeasures ? data.generateMeasures(q.station_id, from, to) : []),
  ];
  // A record that cannot be dated or named is served anyway: the tests use such records to check
  // that the puller rejects them.
  return all.filter((m) => {
    const t = Date.parse(String(m.date_debut));
    const name = pollutantName(m.polluant_id) ?? String(m.label_polluant ?? '').toLowerCase();
    const inPeriod = Number.isNaN(t) || (t >= from && t <= to);
    const asked = !names || !(name in POLLUTANT_CODES) || names.includes(name);
    return (!q.station_id || m.id_station === q.station_id) && asked && inPeriod;
  });
}

/** The answers per route, each a function of the request's context and query. */
export const standinAnswers = (data: AtmosudDataset) => ({
  stations: (c: Context) => c.json({ stations: data.stations }),
  // Public clients send one pollutant per request here (comma lists are only seen on
  // /mesures/derniere): a list is refused, so that a puller sending one fails its tests.
  measures: (c: Context, q: Record<string, string>) =>
    (q.nom_polluant ?? '').includes(',')
      ? c.json({ detail: 'nom_polluant: one pollutant per request' }, 400)
      : c.json({ mesures: measuresFor(data, q) }),
  indices: (c: Context, q: Record<string, string>) => {
    const body = data.indices[q.insee ?? ''];
    if (body === undefined) return c.json({});
    return c.json((typeof body === 'function' ? body(q) : body) as Json);
  },
  pollutants: (c: Context) => c.json({ polluants: Object.keys(POLLUTANT_CODES) }),
});

/** An in-process AtmoSud: `fetch` has the signature of the global one, for the puller's client. */
export function createAtmosudStandin(data: AtmosudDataset): { fetch: typeof fetch } {
  const answer = standinAnswers(data);
  const app = new Hono();
  app.get('/observations/stations', (c) => answer.stations(c));
  app.get('/observations/stations/mesures', (c) => answer.measures(c, c.req.query()));
  app.get('/iqa2021/commune/indices/journalier', (c) => answer.indices(c, c.req.query()));
  app.get('/observations/stations/polluants', (c) => answer.pollutants(c));
  app.all('*', (c) => c.json({ detail: 'Not Found' }, 404));
  return {
    fetch: async (input, init) => app.fetch(new Request(input, init)),
  };
}
