// The official commune index rules, on the rows the AtmoSud puller stores (J and J+1, Paris days):
// a forecast for tomorrow at or above the level starts an episode, today's index below it does
// not, and AtmoSud lowering its forecast ends the episode, each notice POSTed once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate, nextDate } from '../../data/local-days.js';
import { silentLogger } from '../../data/logger.js';
import { createAlertRule } from '../../data/store/alert-rules.js';
import { AlertService } from '../../ingest/alerts/alert-service.js';
import { startHookReceiver, type HookReceiver } from '../helpers/alert-receivers.js';
import { tempDb, type TempDb } from '../helpers/temp-db.js';
import { waitFor } from './ingest-helpers.js';

const ZONE = 'Europe/Paris';
let db: TempDb;
let receiver: HookReceiver;
let service: AlertService;

beforeAll(async () => {
  db = await tempDb();
  receiver = await startHookReceiver();
  service = new AlertService({
    db: db.db,
    logger: silentLogger,
    publicUrl: 'http://souffle.test',
    timeZone: ZONE,
    checkIntervalMs: 3_600_000, // checks are called by the test
    webhookPolicy: { allowCidrs: ['127.0.0.1/32'] },
  });
});
afterAll(async () => {
  await service.stop();
  await receiver.close();
  await db.cleanup();
});

async function index(date: string, code: number) {
  const row = {
    insee: '13055',
    date,
    lib_zone: 'Marseille',
    code_qual: code,
    lib_qual: null,
    coul_qual: null,
    code_no2: null,
    code_so2: null,
    code_o3: null,
    code_pm10: null,
    code_pm25: null,
    source: 'AtmoSud',
    pulled_at: Date.now(),
  };
  await db.db
    .insertInto('commune_indices')
    .values(row)
    .onConflict((oc) => oc.columns(['insee', 'date']).doUpdateSet(row))
    .execute();
}

const events = (rule: string) =>
  receiver.hooks
    .map((h) => JSON.parse(h.body) as { event: string; value: number; rule: { id: string } })
    .filter((n) => n.rule.id === rule)
    .map((n) => `${n.event} ${n.value}`);

describe('commune index rules', () => {
  it("start on tomorrow's forecast at the level, not on today's index, and end when the forecast drops", async () => {
    const today = localDate(Date.now(), ZONE);
    await index(today, 2);
    await index(nextDate(today), 4);
    const rule = (name: 'commune_index' | 'commune_forecast') =>
      createAlertRule(
        db.db,
        {
          kind: name,
          commune: '13055',
          threshold: 4,
          clearBelow: 3,
          channel: 'webhook',
          target: receiver.url,
          locale: 'fr',
        },
        Date.now(),
      ).then((r) => r.rule.id);
    const forecast = await rule('commune_forecast');
    const todays = await rule('commune_index');

    await service.check();
    await waitFor(() => events(forecast).length === 1, { what: 'the forecast start' });
    await service.check();
    await index(nextDate(today), 2);
    await service.check();
    await waitFor(() => events(forecast).length === 2, { what: 'the forecast end' });
    await service.check();
    expect(events(forecast)).toEqual(['start 4', 'end 2']);
    expect(events(todays)).toEqual([]);
  });
});
