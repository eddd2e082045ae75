// Where and as whom an ingest worker connects to the external broker (Mosquitto), with the login
// it was given; and the settings of the embedded broker, whose worker runs in its process and
// needs no connection (ingest/ingest-services.ts).

export type IngestBroker = {
  /** The external broker's URL, or undefined: the embedded broker runs in this process. */
  url?: string;
  /** The login on the external broker; without a user name, the URL's credentials if any, else anonymous. */
  username?: string;
  password?: string;
  /** Where the embedded broker listens. */
  host: string;
  port: number;
  /** The service account on the embedded broker: asked for only when that broker runs. */
  serviceCredentials: () => { username: string; password: string };
  /** Failed device logins per address and window on the embedded broker (data/auth-throttle.ts). */
  authThrottle?: { limit?: number; windowMs?: number };
  /** How often the embedded broker checks connected devices against the database, ms. */
  revocationCheckMs?: number;
  /** What each device may publish on the embedded broker (ingest/device-rate-limit.ts). */
  rateLimit?: { perMinute: number; burst: number };
  /** MQTT over TLS on the embedded broker, on its own port (SOUFFLE_MQTT_TLS_*). */
  tls?: { port: number; certFile: string; keyFile: string };
  /** MQTT over WebSockets on the embedded broker, on its own port (SOUFFLE_MQTT_WS_PORT). */
  websocketPort?: number;
};

export type WorkerConnection = { mqttUrl: string; username?: string; password?: string };

/**
 * The worker's connection: to the embedded broker when it listens on `embeddedPort` (a worker
 * attached over MQTT, as tests do), else to `broker.url`. On the external broker a worker with a
 * login logs in as its client id (with the service password): the generated Mosquitto makes every
 * client's id its user name, so that no device can take the worker's session, and gives each
 * worker client id a service user.
 */
export function workerConnection(
  broker: IngestBroker,
  embeddedPort?: number,
  clientId?: string,
): WorkerConnection {
  if (embeddedPort !== undefined) {
    return { mqttUrl: `mqtt://127.0.0.1:${embeddedPort}`, ...broker.serviceCredentials() };
  }
  const username = clientId ?? broker.username;
  const creds = broker.username !== undefined ? { username, password: broker.password } : {}; // credentials in the URL, if any, are used by mqtt.js; else anonymous
  return { mqttUrl: broker.url!, ...creds };
}
