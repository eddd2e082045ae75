// `souffle ingest --retire <k,...|single>`: after running fewer workers than before, stores what
// the broker sessions of the slots that no longer run still hold, then ends those sessions
// (ingest/retire-session.ts), so that Mosquitto stops routing messages to them.
import {
  createLogger,
  MAX_SLOTS,
  requireSharedSubscriptions,
  retireSession,
  SHARE_GROUP,
  slotClientId,
  workerConnection,
  type RetiredSession,
} from '../ingest/index.js';
import { output, UsageError } from './args.js';
import type { Config } from './config.js';
import { asUsage, ingestBroker } from './configured-ingest.js';
import { openConfiguredDatabase } from './open-database.js';

/** `--retire 3,4` or `--retire single`: the client ids whose sessions to retire. */
function parseRetire(config: Config, text: string): string[] {
  const items = text.split(',').map((s) => s.trim());
  return items.map((item) => {
    if (item === 'single') return config.SOUFFLE_MQTT_CLIENT_ID;
    const slot = Number(item);
    if (!item || !Number.isInteger(slot) || slot < 1 || slot > MAX_SLOTS) {
      throw new UsageError(
        `--retire "${text}": "${item}" is neither a slot from 1 to ${MAX_SLOTS} nor "single"`,
      );
    }
    return slotClientId(config.SOUFFLE_MQTT_CLIENT_ID, slot);
  });
}

export async function retire(config: Config, text: string, json: boolean | undefined): Promise<void> {
  const clientIds = await asUsage(() => {
    const ids = parseRetire(config, text);
    requireSharedSubscriptions(config.MQTT_URL, '--retire');
    return ids;
  });
  const logger = createLogger({
    level: config.LOG_LEVEL,
    scope: 'souffle ingest',
    format: config.LOG_FORMAT,
  });
  const handle = await openConfiguredDatabase(config);
  const retired: RetiredSession[] = [];
  try {
    for (const clientId of clientIds) {
      retired.push(
        await retireSession({
          db: handle.db,
          ...workerConnection(ingestBroker(config), undefined, clientId),
          clientId,
          shareGroup: SHARE_GROUP,
          logger,
        }),
      );
    }
  } finally {
    await handle.close();
  }
  output(json, retired, () =>
    retired
      .map((r) =>
        r.sessionPresent
          ? `${r.clientId}: session ended after storing what it held (${r.received} message(s): ` +
            `${r.valuesStored} new value(s), ${r.valuesDuplicate} already stored)`
          : `${r.clientId}: no session on the broker, nothing to do`,
      )
      .join('\n'),
  );
}
