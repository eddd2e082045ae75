// The embedded MQTT broker (Aedes) used when MQTT_URL is unset, so that `npm start` needs no
// Mosquitto. Devices authenticate with their id and token; a device may publish only to its own
// topics; the service account (ingest worker, API forwarder) may do anything. A reading is handed
// to the ingest worker of this process and acknowledged to the device only once stored
// (ingest/embedded-publish.ts), so the broker itself holds no reading it has acknowledged. Its
// sessions live in memory; devices' subscriptions are QoS 0, so nothing queues for them offline.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { createAuthThrottle, type AuthThrottleOptions } from '../data/auth-throttle.js';
import type { Db } from '../data/db.js';
import type { Device } from '../data/schema.js';
import { authenticateDevice, currentTokenHashes } from '../data/store/devices.js';
import { deviceMayPublish, deviceMaySubscribe } from '../data/topics.js';
import { DeviceRateLimit, type RateLimitOptions } from './device-rate-limit.js';
import { publishGate, type IngestSink } from './embedded-publish.js';
import { silentLogger, type Logger } from './logger.js';
import { listen, listenWebSocket } from './broker-listeners.js';
import { limitPacketSize } from './packet-size-limit.js';
import { createRefusedPublishLog } from './refused-publish-log.js';

export type EmbeddedBrokerOptions = {
  db: Db;
  /** 0 picks a free port (tests). */
  port: number;
  host?: string;
  serviceCredentials: { username: string; password: string };
  /** Largest MQTT packet accepted, bytes: above the worker's 64 KiB payload limit, so that a
   * payload between the two is delivered and its rejection shows in the device's error log. */
  maxPacketSize?: number;
  logger?: Logger;
  /**
   * Failed device logins allowed per source address and window before CONNECT is refused without
   * checking the token (default: 10 per minute, data/auth-throttle.ts).
   */
  authThrottle?: Partial<AuthThrottleOptions>;
  /**
   * How often the connected devices are checked against the database, ms (default 2000): a device
   * removed or whose token was rotated, by any process (the admin API, `souffle device`), is
   * disconnected within this time even if it publishes nothing (docs/security.md, Revoked devices).
   */
  revocationCheckMs?: number;
  /**
   * The ingest worker of this process (`IngestWorker`): readings are handed to it and each
   * acknowledged to its device after its commit. Without it (tests that attach a worker over
   * MQTT), readings are routed to subscribers and acknowledged on receipt, as Aedes does.
   */
  ingest?: IngestSink;
  /**
   * What each device may publish; unlimited when absent (tests, tools). `souffle start` and
   * `souffle ingest` pass SOUFFLE_MQTT_RATE and SOUFFLE_MQTT_BURST (default 60 a minute, 120).
   */
  rateLimit?: RateLimitOptions;
  /**
   * MQTT over TLS as well, on its own port (SOUFFLE_MQTT_TLS_PORT; 0 picks a free one): the same
   * broker, logins and limits, behind the certificate and key in these PEM files.
   */
  tls?: EmbeddedBrokerTls;
  /**
   * MQTT over WebSockets as well, on its own port (SOUFFLE_MQTT_WS_PORT; 0 picks a free one), for
   * browser clients and networks that only let HTTP through: the same broker, logins and limits.
   * Plain ws://; put it behind the HTTPS proxy for wss:// (docs/operations.md).
   */
  websocketPort?: number;
};

export type EmbeddedBrokerTls = { port: number; certFile: string; keyFile: string };

export type EmbeddedBroker = {
  port: number;
  /** The TLS listener's port, when there is one. */
  tlsPort?: number;
  /** The WebSocket listener's port, when there is one. */
  websocketPort?: number;
  /**
   * Reads the certificate and key files again (`souffle` does on SIGHUP, after a renewal): new
   * connections get them, connected devices stay. Throws, keeping the old ones, if they are unusable.
   */
  reloadTls(): void;
  close(): Promise<void>;
};

/** The PEM files of the TLS listener, read now, with a message that names the file at fault. */
function readTlsFiles(tls: EmbeddedBrokerTls): { cert: Buffer; key: Buffer } {
  const read = (what: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new Error(`cannot read the MQTT TLS ${what} ${file}: ${(e as Error).message}`);
    }
  };
  return { cert: read('certificate', tls.certFile), key: read('key', tls.keyFile) };
}

/**
 * Client ids beginning with this are reserved for Souffle's own services (ingest worker, API
 * forwarder): a device using one could take over the worker's persistent session.
 */
const SERVICE_CLIENT_ID_PREFIX = 'souffle';

const defaults = {
  host: '0.0.0.0',
  maxPacketSize: 128 * 1024,
  logger: silentLogger,
  revocationCheckMs: 2000,
};

/** A device keeps the token hash it logged in with: the row it must still match to stay connected. */
type Identity =
  | { kind: 'service' }
  | { kind: 'device'; device: Pick<Device, 'id' | 'format' | 'serial' | 'token_hash'>; revoked: boolean };

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { db, port, host, serviceCredentials, maxPacketSize, logger, revocationCheckMs, ingest, rateLimit } =
    {
      ...defaults,
      ...options,
    };
  const identities = new WeakMap<Client, Identity>();
  /** Connected (or connecting) device clients, checked by the revocation sweep. */
  const deviceClients = new Set<Client>();
  const throttle = createAuthThrottle(options.authThrottle);
  const servicePassword = digest(serviceCredentials.password);
  const limit = rateLimit && new DeviceRateLimit(rateLimit);
  const accept = publishGate({ db, logger, ingest, rateLimit: limit });
  const recordRefusal = createRefusedPublishLog(db, logger);
  /**
   * Per connection, the acknowledgement of its latest PUBLISH: each waits for the one before, so
   * that PUBACKs leave in the order the PUBLISHes came (MQTT-4.6.0-2) although a dropped message
   * is settled at once and a stored one after a commit. Aedes reads the next packets of a
   * connection only once those it has parsed are settled: this is the connection's in-flight window.
   */
  const settled = new WeakMap<Client, Promise<void>>();
  const inOrder = (client: Client, work: Promise<void>, done: (e: Error | null) => void) => {
    const turn = (settled.get(client) ?? Promise.resolve()).then(() =>
      work.then(
        () => done(null),
        (e: Error) => done(e),
      ),
    );
    settled.set(client, turn);
  };

  const broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      const token = password?.toString('utf8') ?? '';
      if (!username) return done(authError('anonymous clients are not accepted', 4), false);
      if (username === serviceCredentials.username) {
        const ok = timingSafeEqual(digest(token), servicePassword);
        if (ok) identities.set(client, { kind: 'service' });
        else logger.warn(`service account "${username}" failed to authenticate (client ${client.id})`);
        return ok ? done(null, true) : done(authError('bad user name or password', 4), false);
      }
      if (client.id.startsWith(SERVICE_CLIENT_ID_PREFIX)) {
        logger.warn(`device "${username}" used the reserved client id "${client.id}"`);
        return done(authError(`client ids starting "${SERVICE_CLIENT_ID_PREFIX}" are reserved`, 2), false);
      }
      // Counted before the scrypt hash. The service account is not throttled: its check is a cheap
      // digest, and the worker and the API forwarder share the address of whoever floods locally.
      const address = (client.conn as Partial<Socket>).remoteAddress;
      const attempt = throttle.attempt(address);
      if (!attempt.ok) {
        logger.warn(
          `refused device "${username}" from ${address}: too many failed logins, for ${attempt.retryAfterSeconds} s`,
        );
        return done(authError('too many failed logins from this address; retry later', 3), false);
      }
      authenticateDevice(db, username, token).then(
        (device) => {
          if (!device) {
            logger.warn(`device "${username}" failed to authenticate (unknown id or wrong token)`);
            return done(authError('bad user name or password', 4), false);
          }
          attempt.succeeded();
          // A persistent session belongs to its client id: a device using another device's id
          // would take over that session and receive what was queued for it (docs/security.md).
          if (!deviceMayUseClientId(device, client.id)) {
            logger.warn(`device "${device.id}" used the client id "${client.id}", not its own`);
            return done(authError(`a device's client id is its id or "${device.id}-…"`, 2), false);
          }
          identities.set(client, { kind: 'device', device, revoked: false });
          deviceClients.add(client);
          done(null, true);
        },
        (e: Error) => done(authError(`authentication failed: ${e.message}`, 3), false),
      );
    },
    authorizePublish: (client, packet, done) => {
      if (!client) return done(null); // published by the broker itself
      const who = identities.get(client);
      if (who?.kind === 'service') return inOrder(client, accept(packet, undefined), done);
      if (who?.kind === 'device' && deviceMayPublish(who.device, packet.topic)) {
        // Checked against the database on every publish (one indexed read), so that a device removed
        // or rotated by another process cannot publish between two sweeps: a re-registration of the
        // same id would otherwise receive the old owner's readings. Refusing closes the connection.
        const revoked = new Error(`device "${who.device.id}" was removed or its token rotated`);
        if (who.revoked) return done(revoked);
        const checked = currentTokenHashes(db, [who.device.id]).then(
          (hashes) => {
            if (hashes.get(who.device.id) === who.device.token_hash) return accept(packet, who.device.id);
            revoke(client, who);
            throw revoked;
          },
          (e: Error) => {
            throw new Error(`cannot check device "${who.device.id}": ${e.message}`);
          },
        );
        return inOrder(client, checked, done);
      }
      const name = who?.kind === 'device' ? who.device.id : client.id;
      logger.warn(`refused: device "${name}" may not publish to ${packet.topic}`);
      if (who?.kind === 'device') recordRefusal(who.device, packet.topic);
      done(new Error(`device "${name}" may not publish to ${packet.topic}`));
    },
    authorizeSubscribe: (client, subscription, done) => {
      const who = identities.get(client);
      if (who?.kind === 'service') return done(null, subscription);
      if (who?.kind === 'device' && deviceMaySubscribe(who.device, subscription.topic)) {
        // Granted with QoS 0: a device receives nothing Souffle needs it to keep, and a QoS 0
        // subscription queues nothing for a device that is away (an offline queue is memory any
        // device could fill by publishing to its own topics). Changed in place: Aedes stores the
        // SUBSCRIBE packet's own entries in the session.
        subscription.qos = 0;
        return done(null, subscription);
      }
      logger.warn(`refused: client "${client.id}" may not subscribe to ${subscription.topic}`);
      done(null, null); // SUBACK 0x80: failure (MQTT-3.9.3)
    },
  });
  broker.on('clientError', (client, e) => logger.debug(`client ${client.id}: ${e.message}`));
  broker.on('clientDisconnect', (client) => deviceClients.delete(client));

  function revoke(client: Client, who: Identity & { kind: 'device' }): void {
    if (who.revoked) return;
    who.revoked = true;
    deviceClients.delete(client);
    logger.warn(`disconnected device "${who.device.id}": removed or its token rotated`);
    client.close();
  }

  // The admin API and `souffle device` may run in other processes: the database is the only place
  // a removal or a rotation shows, so the connected devices are compared with it periodically.
  let sweeping = false;
  const sweep = async () => {
    if (sweeping || deviceClients.size === 0) return;
    sweeping = true;
    try {
      const connected = [...deviceClients].flatMap((client) => {
        const who = identities.get(client);
        if (client.closed) deviceClients.delete(client);
        return who?.kind === 'device' && !client.closed ? [{ client, who }] : [];
      });
      const hashes = await currentTokenHashes(db, [...new Set(connected.map(({ who }) => who.device.id))]);
      for (const { client, who } of connected) {
        if (hashes.get(who.device.id) !== who.device.token_hash) revoke(client, who);
      }
    } catch (e) {
      logger.warn(`cannot check connected devices against the database: ${(e as Error).message}`);
    } finally {
      sweeping = false;
    }
  };
  const sweeper = setInterval(() => void sweep(), revocationCheckMs);
  sweeper.unref();

  const handle = (socket: Socket) =>
    broker.handle(
      limitPacketSize(socket, maxPacketSize, (e) =>
        logger.warn(`dropped connection from ${socket.remoteAddress}: ${e.message}`),
      ),
    );
  const server = createServer(handle);
  let tlsServer: TlsServer | undefined;
  let wsServer: HttpServer | undefined;
  try {
    await listen(server, port, host);
    if (options.websocketPort !== undefined) {
      wsServer = await listenWebSocket(options.websocketPort, host, (stream, address) =>
        broker.handle(
          limitPacketSize(stream, maxPacketSize, (e) =>
            logger.warn(`dropped WebSocket connection from ${address}: ${e.message}`),
          ),
        ),
      );
    }
    if (options.tls) {
      tlsServer = createTlsServer(readTlsFiles(options.tls), handle);
      // A failed handshake (a client without the CA, a port scanner) is the client's problem.
      tlsServer.on('tlsClientError', (e, socket) =>
        logger.debug(`TLS handshake failed from ${socket.remoteAddress}: ${e.message}`),
      );
      await listen(tlsServer, options.tls.port, host);
    }
  } catch (e) {
    clearInterval(sweeper);
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (wsServer?.listening) await new Promise<void>((resolve) => wsServer!.close(() => resolve()));
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`port ${port} is in use: set SOUFFLE_MQTT_PORT or MQTT_URL`, { cause: e });
    }
    throw e;
  }
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  logger.info(`embedded MQTT broker listening on ${host}:${actualPort}`);
  const tlsAddress = tlsServer?.address();
  const tlsPort = typeof tlsAddress === 'object' && tlsAddress ? tlsAddress.port : undefined;
  if (tlsPort !== undefined) logger.info(`embedded MQTT broker listening with TLS on ${host}:${tlsPort}`);
  const wsAddress = wsServer?.address();
  const websocketPort = typeof wsAddress === 'object' && wsAddress ? wsAddress.port : undefined;
  if (websocketPort !== undefined) {
    logger.info(`embedded MQTT broker listening for WebSockets on ws://${host}:${websocketPort}/mqtt`);
  }
  return {
    port: actualPort,
    ...(tlsPort !== undefined ? { tlsPort } : {}),
    ...(websocketPort !== undefined ? { websocketPort } : {}),
    reloadTls: () => {
      if (!tlsServer || !options.tls) return;
      tlsServer.setSecureContext(readTlsFiles(options.tls));
      logger.info(`MQTT TLS certificate reloaded from ${options.tls.certFile}`);
    },
    close: async () => {
      // Aedes closes its clients; the servers then have no connection left to wait for.
      clearInterval(sweeper);
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (tlsServer) await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
      if (wsServer) await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

/**
 * A device's client id is its id, or its id followed by `-` and anything (several connections of
 * one device). An AirGradient monitor connects as its firmware names itself: `airgradient-<serial>`
 * on the ESP8266 models (the examples' mqttHandle), and on the ESP32 models (MqttClient.cpp sets no
 * client id) ESP-IDF's default, `ESP32_` and the last three bytes of the Wi-Fi MAC, which is the
 * serial (esp-mqtt's platform_create_id_string prints them "%02x%02X%02X", hence any case).
 */
function deviceMayUseClientId(device: Pick<Device, 'id' | 'format' | 'serial'>, clientId: string): boolean {
  if (clientId === device.id || clientId.startsWith(`${device.id}-`)) return true;
  if (device.format !== 'airgradient' || !device.serial) return false;
  const serial = device.serial.toLowerCase();
  return (
    clientId === `airgradient-${device.serial}` || clientId.toLowerCase() === `esp32_${serial.slice(-6)}`
  );
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function authError(message: string, returnCode: AuthenticateError['returnCode']): AuthenticateError {
  return Object.assign(new Error(message), { returnCode });
}
