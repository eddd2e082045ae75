// The whole path of a reading pushed over HTTP, for the ingest endpoints' end-to-end tests
// (airrohr, openSenseMap, TTN): the API publishes through its outbox to a real embedded broker,
// a real ingest worker stores it. One setup so that each test states only what differs.
import { createApp, type AppOptions } from '../../api/app.js';
import type { ApiApp } from '../../api/app-deps.js';
import { createMqttPublisher } from '../../api/mqtt-publisher.js';
import { startEmbeddedBroker } from '../../ingest/embedded-broker.js';
import { IngestWorker } from '../../ingest/worker.js';
import { SERVICE, waitFor } from '../ingest/ingest-helpers.js';
import { ADMIN_TOKEN } from '../api/fixtures.js';
import type { TempDb } from './temp-db.js';

export type PushPipeline = { app: ApiApp; close: () => Promise<void> };

/** Starts broker, worker and publisher on `db`; `app` adds or overrides the API's options. */
export async function startPushPipeline(
  db: TempDb['db'],
  clientId: string,
  app: Partial<AppOptions> = {},
): Promise<PushPipeline> {
  const broker = await startEmbeddedBroker({ db, port: 0, host: '127.0.0.1', serviceCredentials: SERVICE });
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const worker = new IngestWorker({ db, mqttUrl: url, clientId: 'souffle-ingest', ...SERVICE });
  await worker.start();
  const publisher = createMqttPublisher({ url, ...SERVICE, clientId });
  await waitFor(async () => publisher.connected());
  return {
    app: createApp({
      db,
      adminToken: ADMIN_TOKEN,
      publicUrl: 'http://localhost',
      mqttUrl: url,
      publish: publisher.publish,
      brokerConnected: publisher.connected,
      ...app,
    }),
    async close() {
      await publisher.close();
      await worker.stop();
      await broker.close();
    },
  };
}
