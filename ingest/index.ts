// The ingest area's door. Ingest turns what devices publish over MQTT, and what AtmoSud publishes
// as open data, into stored readings (docs/ingest.md, docs/atmosud.md). It offers
//   - the ingest side of an installation in one call (startIngest): the embedded broker and a
//     worker in this process, the worker of one slot, or several workers in child processes;
//   - its parts: the worker (subscribes with QoS 1 on a persistent session and acknowledges after
//     the commit), the embedded MQTT broker, and the logger they share;
//   - several workers on Mosquitto: the topology (slots, shared subscription, client ids), the
//     supervisor and the worker's end of its protocol, and retiring the session of a slot that no
//     longer runs;
//   - AtmoSud: the puller that runs on a schedule, and the backfill of history;
//   - alerts: rules checked after commits and on a period, notices sent by e-mail, webhook, MQTT.
// Mosquitto's own files (password file, ACL, mosquitto.conf) have a door of their own,
// ingest/mosquitto-config.ts, so that `souffle device` writes them without loading the broker and
// the worker.
export { startIngest, type IngestServices, type StartIngestOptions } from './ingest-services.js';
export { startIngestHttp, type IngestHttp } from './ingest-http.js';
export { IngestWorker, type IngestWorkerOptions, type IngestWorkerStatus } from './worker.js';
export { startEmbeddedBroker, type EmbeddedBroker, type EmbeddedBrokerOptions } from './embedded-broker.js';
export { DEFAULT_QUALITY_OPTIONS, type QualityOptions } from './quality/quality-options.js';
export { QualityChecker } from './quality/quality-checker.js';
export type { DecodedMessage } from './decode-message.js';
export { createLogger, silentLogger, type Logger, type LogLevel } from './logger.js';
export {
  MAX_SLOTS,
  requireSharedSubscriptions,
  SHARE_GROUP,
  SHARED_RECONNECT_MS,
  slotClientId,
  WorkerTopologyError,
} from './worker-topology.js';
export { workerConnection, type IngestBroker, type WorkerConnection } from './worker-connection.js';
export {
  IngestSupervisor,
  isReadyMessage,
  READY_MESSAGE,
  reportReady,
  type SupervisorOptions,
} from './ingest-supervisor.js';
export {
  retireSession,
  SessionInUseError,
  type RetiredSession,
  type RetireSessionOptions,
} from './retire-session.js';
export {
  createAtmosudPuller,
  type AtmosudPuller,
  type AtmosudPullerOptions,
  type PullStatus,
  type PullSummary,
} from './atmosud/puller.js';
export {
  backfillAtmosud,
  BackfillConflictError,
  type BackfillOptions,
  type BackfillProgress,
  type BackfillSummary,
} from './atmosud/backfill.js';
export { AtmosudError } from './atmosud/atmosud-error.js';
// The open citizen networks, imported on a schedule like AtmoSud (ingest/networks/).
export { createSensorCommunityPuller, type SensorCommunityOptions } from './networks/sensor-community.js';
export { createOpenSenseMapPuller, type OpenSenseMapOptions } from './networks/opensensemap.js';
export { knownSensors } from './networks/sensor-community.js';
export {
  backfillSensorCommunityArchive,
  type ArchiveBackfillOptions,
  type ArchiveBackfillSummary,
} from './networks/sensor-community-archive.js';
export type { ImportSummary, NetworkPuller } from './networks/network-puller.js';
export { AlertService, ALERT_DEFAULTS, type AlertServiceOptions } from './alerts/alert-service.js';
export type { AtmosudLogger } from './atmosud/pull-context.js';
