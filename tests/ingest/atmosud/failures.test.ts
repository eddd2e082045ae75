// How the puller behaves when AtmoSud is unreachable, slow, overloaded or answers badly.
import { afterEach, describe, expect, it } from 'vitest';
import { listIngestErrors } from '../../../data/store/ingest-errors.js';
import { parseRetryAfter } from '../../../ingest/atmosud/http-client.js';
import { freePort } from '../../../testing/free-port.js';
import { fakeMeasure, fakeStation } from '../../helpers/fake-atmosud.js';
import { HOUR, NOW, readings, setup, snapshot, type Setup } from './helpers.js';

const T = (hoursAgo: number) => Math.floor(NOW / HOUR) * HOUR - hoursAgo * HOUR;

let s: Setup;
afterEach(async () => s?.cleanup());

/** Two stations with one value each: enough to see that one failure does not stop the other. */
const twoStations = () => ({
  stations: [
    fakeStation('FR03043', { pollutants: ['no2'] }),
    fakeStation('FR00008', { pollutants: ['no2'] }),
  ],
  measures: [fakeMeasure('FR03043', 'no2', T(1), 30), fakeMeasure('FR00008', 'no2', T(1), 40)],
});

const onlyFR03043 = (q: Record<string, string>) => q.station_id === 'FR03043';

const stationsWithValues = async () => [...new Set((await readings(s.db)).map((r) => r.station_id))].sort();

describe('the AtmoSud puller facing failures', () => {
  it('offline: logs one clear line per cycle and changes nothing stored', async () => {
    s = await setup(twoStations());
    await s.puller().pullOnce();
    const before = await snapshot(s.db);
    const cursorsBefore = await s.db.selectFrom('pull_cursors').selectAll().execute();
    s.lines.length = 0;

    const closedPort = await freePort();
    const summary = await s.puller({ baseUrl: `http://127.0.0.1:${closedPort}` }).pullOnce();

    expect(summary.status).toBe('offline');
    expect(s.lines).toHaveLength(1);
    expect(s.lines[0]).toMatchObject({ level: 'error' });
    expect(s.lines[0]!.message).toMatch(
      /^AtmoSud unreachable: GET \/observations\/stations.*ECONNREFUSED.*nothing stored was changed/,
    );
    expect(await snapshot(s.db)).toEqual(before);
    expect(await s.db.selectFrom('pull_cursors').selectAll().execute()).toEqual(cursorsBefore);
  });

  it('an HTML error page with status 200 is rejected, kept in the error log, and the known stations are still pulled', async () => {
    s = await setup(twoStations());
    const puller = s.puller();
    await puller.pullOnce();
    s.fake.data.measures.push(fakeMeasure('FR03043', 'no2', T(0), 33));
    s.fake.fail('stations', { kind: 'html' });

    const summary = await puller.pullOnce();

    expect(summary.status).toBe('partial');
    expect(summary.values.inserted).toBe(1); // the new hour, through the stored station list
    const [error] = await listIngestErrors(s.db, { deviceId: null, source: 'atmosud' });
    expect(error!.reason).toMatch(
      /^station list rejected: expected JSON, got HTML \(content-type "text\/html/,
    );
    expect(error!.payload).toContain('<h1>Maintenance en cours</h1>');
    expect(error!.topic).toMatch(/^GET \/observations\/stations\?/);
  });

  it('malformed JSON for one station is recorded, and the other station is stored', async () => {
    s = await setup(twoStations());
    s.fake.fail('measures', { kind: 'malformed' });
    const summary = await s.puller({ concurrency: 1 }).pullOnce();

    expect(summary.status).toBe('partial');
    expect(await stationsWithValues()).toHaveLength(1);
    const [error] = await listIngestErrors(s.db, { source: 'atmosud' });
    expect(error!.reason).toMatch(/malformed JSON/);
    expect(error!.payload).toBe('{"stations":[{"id_station":"FR03043",');
  });

  it('an answer missing a field is rejected with the name of the field', async () => {
    s = await setup(twoStations());
    s.fake.fail('measures', { kind: 'body', body: JSON.stringify({ resultats: [] }) });
    await s.puller({ concurrency: 1 }).pullOnce();
    const [error] = await listIngestErrors(s.db, { source: 'atmosud' });
    expect(error!.reason).toContain('expected {"mesures": [...]}');
  });

  it('a 500 is retried, and a request that keeps failing does not stop the other stations', async () => {
    s = await setup(twoStations());
    s.fake.fail('measures', { kind: 'status', status: 500 });
    const first = await s.puller().pullOnce();
    expect(first.status).toBe('ok');
    expect(await stationsWithValues()).toEqual(['atmosud-FR00008', 'atmosud-FR03043']);
    expect(s.fake.requestsTo('measures')).toHaveLength(3); // one failed, then one per station

    s.fake.fail('measures', { kind: 'status', status: 500 }, { times: 3, when: onlyFR03043 }); // 1 try + 2 retries
    const second = await s.puller().pullOnce();
    expect(second.status).toBe('partial');
    expect(second.requestsFailed).toBe(1);
    expect(second.message).toMatch(
      /1 request\(s\) failed, first: GET \/observations\/stations\/mesures\?.*HTTP 500/,
    );
  });

  it('a 429 with Retry-After is honoured before retrying', async () => {
    s = await setup(twoStations());
    s.fake.fail('stations', { kind: 'status', status: 429, retryAfter: '1' });
    const summary = await s.puller().pullOnce();

    expect(summary.status).toBe('ok');
    const [refused, retried] = s.fake.requestsTo('stations');
    expect(retried!.at - refused!.at).toBeGreaterThanOrEqual(1000 - 5); // waited what the server asked
  });

  it('a Retry-After of an hour is cut to the configured cap rather than stalling the puller', async () => {
    s = await setup(twoStations());
    s.fake.fail('stations', { kind: 'status', status: 503, retryAfter: '3600' });
    const summary = await s.puller({ retryAfterCapMs: 50 }).pullOnce();
    expect(summary.status).toBe('ok');
    expect(s.fake.requestsTo('stations')).toHaveLength(2);
  });

  it('a request that never answers times out, is retried, then given up without stopping the rest', async () => {
    s = await setup(twoStations());
    s.fake.fail('measures', { kind: 'hang' }, { times: 3, when: onlyFR03043 });
    const summary = await s.puller({ timeoutMs: 150 }).pullOnce();

    expect(summary.status).toBe('partial');
    expect(summary.message).toMatch(/no answer within 150 ms/);
    expect(await stationsWithValues()).toHaveLength(1);
    // A timeout is not AtmoSud's answer: nothing goes to the error log.
    expect(await listIngestErrors(s.db, { source: 'atmosud' })).toEqual([]);
  });

  it('never has more requests in flight than the concurrency limit', async () => {
    const codes = ['FR03043', 'FR00008', 'FR03006', 'FR03053', 'FR03030'];
    s = await setup({ stations: codes.map((code) => fakeStation(code, { pollutants: ['no2'] })) });
    s.fake.fail('measures', { kind: 'delay', ms: 100 }, { times: 5 });
    const summary = await s.puller({ concurrency: 2 }).pullOnce();

    expect(summary.status).toBe('ok');
    expect(s.fake.requestsTo('measures')).toHaveLength(5);
    expect(s.fake.maxInFlight).toBe(2);
  });

  it('the same bad value re-read in the overlap window is recorded once, not every cycle', async () => {
    s = await setup({
      stations: [fakeStation('FR03043', { pollutants: ['no2'] })],
      measures: [fakeMeasure('FR03043', 'no2', T(1), -3)],
    });
    const puller = s.puller();
    await puller.pullOnce();
    await puller.pullOnce();
    expect(await listIngestErrors(s.db, { source: 'atmosud' })).toHaveLength(1);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2025-10-10T12:00:00Z');
  it('is read as seconds or as an HTTP date, and capped', () => {
    expect(parseRetryAfter('120', now, 300_000)).toBe(120_000);
    expect(parseRetryAfter('Fri, 10 Oct 2025 12:00:30 GMT', now, 300_000)).toBe(30_000);
    expect(parseRetryAfter('Fri, 10 Oct 2025 11:00:00 GMT', now, 300_000)).toBe(0);
    expect(parseRetryAfter('86400', now, 300_000)).toBe(300_000);
    expect(parseRetryAfter('soon', now, 300_000)).toBeUndefined();
    expect(parseRetryAfter(null, now, 300_000)).toBeUndefined();
  });
});
