// The API area's door. The API is the platform's HTTP surface as one Hono app (docs/api.md): the
// public reads the widgets use (stations, latest values, series, indices, communes, exports), the
// admin endpoints for devices, the airrohr push endpoint, the OpenAPI document and reference,
// /healthz and /metrics, and the built widgets and pages. It offers
//   - createApp, which builds the app from a database and its settings and starts nothing, and
//     startApiServer, which listens;
//   - the MQTT publisher the push endpoint forwards airrohr bodies through, and the durable
//     outbox accepted pushes wait in until the broker acknowledged them;
//   - the streamed export, shared by GET /api/v1/export and `souffle export`.
export { createApp, type AppOptions, type Publish } from './app.js';
export { startApiServer, type ApiServer } from './server.js';
export type { ReadRateLimit } from './read-rate-limit.js';
export type { AlertApiSettings } from './alert-views.js';
export {
  createMqttPublisher,
  publisherClientId,
  type MqttPublisher,
  type MqttPublisherOptions,
} from './mqtt-publisher.js';
export { createPushOutbox, type PushOutbox } from './push-outbox.js';
export { DATA_LICENCE } from './export/export-formats.js';
export {
  ExportQuerySchema,
  planExport,
  type ExportFormat,
  type ExportPlan,
  type ExportQuery,
} from './export/export-query.js';
export { createExportStream, exportEncoded, type ExportStreamOptions } from './export/export-stream.js';
export { createEncoder, exportColumns, type Chunk, type Encoder } from './export/export-formats.js';
/** Time options of the commands parse as the API's time parameters do. */
export { parseTime } from './schemas/params.js';
