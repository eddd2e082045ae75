// What the alert endpoints answer about a rule (AlertRuleSchema, data/alert-api-schemas.ts), the
// webhook check every creation makes, and the limits shared by the owner's and the public routes.
import type { z } from '@hono/zod-openapi';
import type { AlertRuleSchema, AlertDeliverySchema, CreatedAlertSchema } from '../data/alert-api-schemas.js';
import type { AlertKind } from '../data/alerts/alert-kinds.js';
import { checkWebhookUrl, WebhookRefused, type WebhookPolicy } from '../data/alerts/webhook-guard.js';
import type { AlertDelivery, AlertRule } from '../data/schema.js';
import type { CreatedAlertRule } from '../data/store/alert-rules.js';
import { ApiError, badRequest } from './api-error.js';
import { iso } from './iso.js';

export type AlertApiSettings = {
  /** Whether SMTP is configured: without it, e-mail rules are refused (503). */
  emailEnabled: boolean;
  webhookPolicy: WebhookPolicy;
};

export const ALERT_BODY_LIMIT = 4 * 1024;

export function ruleView(
  rule: AlertRule,
  history?: readonly AlertDelivery[],
): z.output<typeof AlertRuleSchema> {
  return {
    id: rule.id,
    kind: rule.kind as AlertKind,
    device: rule.device_id,
    station: rule.station_id,
    commune: rule.commune,
    threshold: rule.threshold,
    clearBelow: rule.clear_below,
    windowSeconds: rule.window_ms === null ? null : rule.window_ms / 1000,
    channel: rule.channel,
    target: rule.target,
    locale: rule.locale,
    confirmed: rule.confirmed_at !== null,
    active: rule.active === 1,
    episodeStartedAt: rule.episode_started_at === null ? null : iso(rule.episode_started_at),
    createdAt: iso(rule.created_at),
    ...(history ? { history: history.map(deliveryView) } : {}),
  };
}

function deliveryView(d: AlertDelivery): z.output<typeof AlertDeliverySchema> {
  return {
    time: iso(d.created_at),
    event: d.event,
    channel: d.channel,
    status: d.status,
    attempts: d.attempts,
    sentAt: d.sent_at === null ? null : iso(d.sent_at),
    lastError: d.last_error,
  };
}

/** Refuses an e-mail rule without SMTP, and a webhook URL that targets a refused address (SSRF). */
export async function checkChannel(
  body: { email?: string | undefined; webhookUrl?: string | undefined },
  settings: AlertApiSettings,
): Promise<{ channel: 'email' | 'webhook'; target: string }> {
  if (body.email !== undefined) {
    if (!settings.emailEnabled) {
      throw new ApiError(
        503,
        'email_unavailable',
        'this server sends no e-mail (SOUFFLE_SMTP_URL is not set): use a webhook',
      );
    }
    return { channel: 'email', target: body.email };
  }
  try {
    await checkWebhookUrl(body.webhookUrl!, settings.webhookPolicy);
  } catch (e) {
    if (e instanceof WebhookRefused)
      throw badRequest('webhook_refused', `body field "webhookUrl": ${e.message}`);
    throw e;
  }
  return { channel: 'webhook', target: body.webhookUrl! };
}

export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/api/v1/alerts/unsubscribe?token=${encodeURIComponent(token)}`;
}

/** The answer to a creation: the rule, its webhook key (once) and its unsubscribe link. */
export function createdView(
  created: CreatedAlertRule,
  publicUrl: string,
): z.output<typeof CreatedAlertSchema> {
  return {
    ...ruleView(created.rule),
    webhookSecret: created.secret,
    unsubscribeUrl: unsubscribeUrl(publicUrl, created.rule.unsubscribe_token),
  };
}
