// Starts the alerts as configured (SOUFFLE_ALERTS, SOUFFLE_SMTP_URL, SOUFFLE_ALERT_*) in the
// process that runs the ingest worker and the AtmoSud puller: once per platform, so that two
// processes never check the same rule (docs/operations.md, "Alerts").
import nodemailer from 'nodemailer';
import type { Db } from '../data/index.js';
import { AlertService, type Logger } from '../ingest/index.js';
import { createMqttPublisher, publisherClientId, type MqttPublisher } from '../api/index.js';
import { serviceCredentials } from './admin-token.js';
import type { Config } from './config.js';
import { connectionSettings } from './connection-settings.js';

export function startConfiguredAlerts(
  config: Config,
  db: Db,
  logger: Logger,
  publish?: (topic: string, payload: Uint8Array) => Promise<void>,
): AlertService | null {
  if (!config.SOUFFLE_ALERTS) return null;
  const smtp = config.SOUFFLE_SMTP_URL;
  const service = new AlertService({
    db,
    logger,
    publicUrl: connectionSettings(config).publicUrl,
    timeZone: config.SOUFFLE_TIMEZONE,
    checkIntervalMs: config.SOUFFLE_ALERT_CHECK_INTERVAL,
    sendIntervalMs: config.SOUFFLE_ALERT_SEND_INTERVAL,
    maxAttempts: config.SOUFFLE_ALERT_ATTEMPTS,
    backoffMs: config.SOUFFLE_ALERT_BACKOFF,
    webhookPolicy: config.SOUFFLE_ALERT_ALLOW_PRIVATE_WEBHOOKS,
    ...(smtp
      ? { mail: { transport: nodemailer.createTransport(smtp), from: config.SOUFFLE_MAIL_FROM } }
      : {}),
    ...(publish ? { publish } : {}),
  });
  service.start();
  return service;
}

/** The alerts' own broker connection for `souffle ingest` (the service account, QoS 1). */
export function createAlertPublisher(config: Config): MqttPublisher {
  return createMqttPublisher({
    url: config.MQTT_URL ?? `mqtt://127.0.0.1:${config.SOUFFLE_MQTT_PORT}`,
    ...serviceCredentials(config),
    clientId: publisherClientId('souffle-alerts'),
  });
}
