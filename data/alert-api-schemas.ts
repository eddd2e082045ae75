// The shapes of the alert endpoints in the API and the OpenAPI document: a device owner's rules
// (api/routes/my-alerts.ts), anyone's subscriptions to a station or a commune
// (api/routes/alert-subscriptions.ts) and the admin's list (docs/api.md, "Alerts").
import { z } from '@hono/zod-openapi';
import {
  ALERT_CHANNELS,
  ALERT_KINDS,
  ALERT_LOCALES,
  DEVICE_ALERT_KINDS,
  PLACE_ALERT_KINDS,
} from './alerts/alert-kinds.js';

const DAY_S = 86_400;
/** An e-mail address as SMTP takes it: no spaces, no line breaks, no angle brackets. */
const email = z
  .email({ error: 'must be an e-mail address such as ecole@example.org' })
  .max(254)
  .refine((s) => !/[\s<>,;"]/.test(s), { error: 'must be a single plain e-mail address' })
  .openapi({ description: 'Notices go here once the address is confirmed (a link is mailed to it).' });
const webhookUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2000)
  .openapi({
    description:
      'Notices are POSTed here as JSON, signed (X-Souffle-Signature); private and loopback addresses are refused.',
  });
const locale = z
  .enum(ALERT_LOCALES)
  .optional()
  .openapi({ description: 'Language of the e-mails (default fr).' });

/** Exactly one channel: an e-mail address or a webhook URL. */
function oneChannel(
  v: { email?: string | undefined; webhookUrl?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if ((v.email === undefined) === (v.webhookUrl === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'give exactly one of "email" or "webhookUrl"' });
  }
}

export const NewDeviceAlertSchema = z
  .strictObject({
    kind: z.enum(DEVICE_ALERT_KINDS).openapi({
      description:
        'offline: nothing received for afterSeconds; stuck: the newest reading of a series is flagged stuck; rejections: more than threshold messages rejected within windowSeconds.',
    }),
    afterSeconds: z
      .number()
      .int()
      .min(1)
      .max(30 * DAY_S)
      .optional()
      .openapi({
        description: 'offline: silence that starts an episode (default 3600).',
        example: 7200,
      }),
    threshold: z.number().int().min(1).max(100_000).optional().openapi({
      description: 'rejections: more than this many rejected messages in the window starts an episode.',
    }),
    windowSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * DAY_S)
      .optional()
      .openapi({
        description: 'rejections: the window counted (default 3600).',
      }),
    email: email.optional(),
    webhookUrl: webhookUrl.optional(),
    locale,
  })
  .superRefine((v, ctx) => {
    oneChannel(v, ctx);
    if (v.kind === 'rejections' && v.threshold === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a "rejections" rule needs a threshold', path: ['threshold'] });
    }
    if (v.kind !== 'offline' && v.afterSeconds !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'only an "offline" rule has afterSeconds',
        path: ['afterSeconds'],
      });
    }
  })
  .openapi('NewDeviceAlert');

export const NewPlaceAlertSchema = z
  .strictObject({
    kind: z.enum(PLACE_ALERT_KINDS).openapi({
      description:
        "pm25: the station's hourly PM2.5 mean above threshold; commune_index: the commune's official ATMO index of today at or above level; commune_forecast: the same for tomorrow's forecast.",
    }),
    station: z.string().min(1).max(128).optional().openapi({ description: 'pm25: the station id.' }),
    commune: z
      .string()
      .regex(/^(\d{5}|2[AB]\d{3})$/, { error: 'must be an INSEE commune code such as 13055' })
      .optional()
      .openapi({ description: 'commune_index, commune_forecast: the INSEE code.', example: '13055' }),
    threshold: z.number().gt(0).max(1000).optional().openapi({
      description: 'pm25: µg/m³ the hourly mean must exceed.',
      example: 25,
    }),
    clearBelow: z.number().min(0).max(1000).optional().openapi({
      description: 'pm25: the episode ends once the mean is at or below this (default 80 % of threshold).',
    }),
    level: z.number().int().min(1).max(6).optional().openapi({
      description: 'commune_index, commune_forecast: ATMO level from 1 (bon) to 6 (extrêmement mauvais).',
      example: 4,
    }),
    email: email.optional(),
    webhookUrl: webhookUrl.optional(),
    locale,
  })
  .superRefine((v, ctx) => {
    oneChannel(v, ctx);
    if (v.kind === 'pm25') {
      if (v.station === undefined)
        ctx.addIssue({ code: 'custom', message: 'a "pm25" rule needs a station', path: ['station'] });
      if (v.threshold === undefined)
        ctx.addIssue({ code: 'custom', message: 'a "pm25" rule needs a threshold', path: ['threshold'] });
      if (v.threshold !== undefined && v.clearBelow !== undefined && v.clearBelow >= v.threshold)
        ctx.addIssue({ code: 'custom', message: 'must be below threshold', path: ['clearBelow'] });
    } else {
      if (v.commune === undefined)
        ctx.addIssue({ code: 'custom', message: `a "${v.kind}" rule needs a commune`, path: ['commune'] });
      if (v.level === undefined)
        ctx.addIssue({ code: 'custom', message: `a "${v.kind}" rule needs a level`, path: ['level'] });
    }
  })
  .openapi('NewPlaceAlert');

export const AlertDeliverySchema = z
  .object({
    time: z.string().openapi({ description: 'When the notice was queued (ISO 8601).' }),
    event: z.enum(['confirm', 'start', 'end']),
    channel: z.enum(['email', 'webhook', 'mqtt']),
    status: z.enum(['pending', 'sent', 'failed']),
    attempts: z.number().int(),
    sentAt: z.string().nullable(),
    lastError: z.string().nullable(),
  })
  .openapi('AlertDelivery');

export const AlertRuleSchema = z
  .object({
    id: z.string(),
    kind: z.enum(ALERT_KINDS),
    device: z.string().nullable(),
    station: z.string().nullable(),
    commune: z.string().nullable(),
    threshold: z.number().nullable(),
    clearBelow: z.number().nullable(),
    windowSeconds: z.number().nullable(),
    channel: z.enum(ALERT_CHANNELS),
    target: z.string().openapi({ description: 'The e-mail address or webhook URL.' }),
    locale: z.enum(ALERT_LOCALES),
    confirmed: z.boolean().openapi({ description: 'False while an e-mail address awaits its confirmation.' }),
    active: z.boolean().openapi({ description: 'True during an episode.' }),
    episodeStartedAt: z.string().nullable(),
    createdAt: z.string(),
    history: z.array(AlertDeliverySchema).optional().openapi({ description: 'The newest notices first.' }),
  })
  .openapi('AlertRule');

export const CreatedAlertSchema = AlertRuleSchema.extend({
  webhookSecret: z.string().nullable().openapi({
    description: 'The key of the X-Souffle-Signature HMAC, shown this once (webhooks).',
  }),
  unsubscribeUrl: z.string(),
}).openapi('CreatedAlert');

export const AlertRuleListSchema = z.object({ rules: z.array(AlertRuleSchema) }).openapi('AlertRuleList');
