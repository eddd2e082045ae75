// How several ingest workers share one broker (docs/ingest.md, "Several workers"): each runs in a
// numbered slot with a fixed client id, so that its persistent session is found again after a
// restart, and subscribes through the shared subscription `$share/souffle/<topic>`, which
// Mosquitto has and the embedded broker has not. A lone worker uses the client id as given.

/** The shared subscription group of the workers: `$share/souffle/<topic>`. */
export const SHARE_GROUP = 'souffle';
/** Slots run from 1 to MAX_SLOTS. */
export const MAX_SLOTS = 64;
/** Reconnection period of a slot's worker, ms (a lone worker's is 1 s). */
export const SHARED_RECONNECT_MS = 250;
/** MQTT 3.1.1 servers must accept client ids of 1 to 23 characters (MQTT-3.1.3-5). */
const MAX_CLIENT_ID_LENGTH = 23;

/** A layout of workers the broker cannot run, or a client id too long for a slot. */
export class WorkerTopologyError extends Error {
  override name = 'WorkerTopologyError';
}

/** The fixed client id of a slot, from the lone worker's: its persistent session is found again after a restart. */
export function slotClientId(clientId: string, slot: number): string {
  const id = `${clientId}-${slot}`;
  // Longer ids are Mosquitto's choice to accept, and another broker may refuse them.
  if (id.length > MAX_CLIENT_ID_LENGTH) {
    throw new WorkerTopologyError(
      `the client id "${id}" of slot ${slot} is over 23 characters: shorten SOUFFLE_MQTT_CLIENT_ID`,
    );
  }
  return id;
}

/**
 * Every client id an ingest worker of this installation may use: the lone worker's and each slot's
 * that fits in 23 characters. On the generated Mosquitto each is a service user of its own, since
 * there the client id is the user name (docs/security.md, "Client ids are tied to identities").
 */
export function serviceClientIds(clientId: string): string[] {
  const ids = [clientId];
  for (let slot = 1; slot <= MAX_SLOTS; slot++) {
    const id = `${clientId}-${slot}`;
    if (id.length <= MAX_CLIENT_ID_LENGTH) ids.push(id);
  }
  return ids;
}

/**
 * Several workers need a broker with shared subscriptions: refuses the embedded one (no external
 * broker URL), saying why. `what` names what asked for several workers.
 */
export function requireSharedSubscriptions(mqttUrl: string | undefined, what: string): void {
  if (mqttUrl) return;
  throw new WorkerTopologyError(
    `${what} needs MQTT_URL (Mosquitto): several workers share the load through a shared ` +
      'subscription ($share/souffle/…), which the embedded broker does not have. Run Mosquitto ' +
      '(docs/ingest.md), or run a single worker (SOUFFLE_INGEST_WORKERS=1, no --slot).',
  );
}
