// Anyone's alerts on a station (hourly PM2.5) or a commune (the official ATMO index of today or
// tomorrow): subscribe an e-mail address (confirmed by a mailed link before anything else is
// sent) or a webhook, limited per client address; confirm and unsubscribe by the token of the
// mail's link (a page with a button, since mail scanners open links: only a POST acts, which is
// also RFC 8058's one-click unsubscribe); and the admin's list of every rule.
import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { Context } from 'hono';
import { ALERT_DEFAULTS } from '../../data/alerts/alert-kinds.js';
import {
  AlertRuleListSchema,
  CreatedAlertSchema,
  NewPlaceAlertSchema,
} from '../../data/alert-api-schemas.js';
import { alertWords } from '../../data/alerts/alert-notice.js';
import {
  confirmAlertRule,
  createAlertRule,
  deleteAlertRule,
  findRuleByUnsubscribeToken,
  listAlertRules,
  sha256,
} from '../../data/store/alert-rules.js';
import { findStation } from '../../data/store/stations.js';
import {
  ALERT_BODY_LIMIT,
  checkChannel,
  createdView,
  ruleView,
  type AlertApiSettings,
} from '../alert-views.js';
import { ApiError, notFound } from '../api-error.js';
import type { ApiApp, AppDeps } from '../app-deps.js';
import { clientAddress } from '../client-address.js';
import { noStore } from '../http-cache.js';
import { jsonAnswer } from '../json-answer.js';
import { createRateLimiter } from '../rate-limiter.js';
import { errorResponse } from '../schemas/error-response.js';
import { admin } from './devices.js';

/** Subscriptions per client address: a school signs up a few, nobody needs a hundred an hour. */
export const SUBSCRIBE_LIMIT = { perMinute: 10 / 60, burst: 5 } as const;

const tokenQuery = z.object({
  token: z.string().min(16).max(128).openapi({ description: 'The token of the mailed link.' }),
});
const htmlAnswer = (description: string) => ({
  content: { 'text/html': { schema: z.string() } },
  description,
});

const PAGE_WORDS = {
  fr: {
    confirmTitle: 'Confirmer l’alerte',
    confirmButton: 'Confirmer mon adresse',
    confirmed: 'Adresse confirmée : vous recevrez les alertes.',
    unsubTitle: 'Se désabonner',
    unsubButton: 'Me désabonner',
    unsubscribed: 'Vous êtes désabonné : vous ne recevrez plus cette alerte.',
    unknown: 'Ce lien n’est plus valable (déjà utilisé, ou alerte supprimée).',
  },
  en: {
    confirmTitle: 'Confirm the alert',
    confirmButton: 'Confirm my address',
    confirmed: 'Address confirmed: you will receive the alerts.',
    unsubTitle: 'Unsubscribe',
    unsubButton: 'Unsubscribe me',
    unsubscribed: 'You are unsubscribed: you will get no more of this alert.',
    unknown: 'This link no longer works (already used, or the alert was deleted).',
  },
} as const;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A small page of ours (nothing the subscriber wrote), with a POST button when `action` is given. */
function page(
  c: Context,
  status: 200 | 404,
  locale: string,
  title: string,
  text: string,
  action?: { url: string; button: string },
) {
  const form = action
    ? `<form method="post" action="${escapeHtml(action.url)}"><button type="submit">${escapeHtml(action.button)}</button></form>`
    : '';
  return c.html(
    `<!doctype html><html lang="${locale === 'en' ? 'en' : 'fr'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} – Souffle</title></head>` +
      `<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${form}<p><a href="/">Souffle</a></p></main></body></html>`,
    status,
  );
}

export function registerAlertSubscriptionRoutes(
  app: ApiApp,
  deps: AppDeps,
  settings: AlertApiSettings,
): void {
  const limiter = createRateLimiter({ ...SUBSCRIBE_LIMIT, now: deps.now });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/alerts',
      tags: ['alerts'],
      summary: 'Subscribe to an alert on a station or a commune',
      description:
        "pm25: the station's hourly PM2.5 mean above threshold (the episode ends at or below clearBelow, default 80 % of it); commune_index / commune_forecast: the commune's official ATMO index of today / tomorrow at or above level. An e-mail address gets a confirmation link and nothing else until it is confirmed; a webhook answer holds its signing key, shown once. Limited per client address (429 with Retry-After).",
      middleware: [
        noStore,
        bodyLimit({
          maxSize: ALERT_BODY_LIMIT,
          onError: () => {
            throw new ApiError(
              413,
              'payload_too_large',
              `request body is larger than ${ALERT_BODY_LIMIT} bytes`,
            );
          },
        }),
      ],
      request: { body: { content: { 'application/json': { schema: NewPlaceAlertSchema } }, required: true } },
      responses: {
        201: { content: { 'application/json': { schema: CreatedAlertSchema } }, description: 'Created.' },
        400: errorResponse('A field is invalid, or the webhook URL targets a refused address.'),
        404: errorResponse('No such station, or no official index is pulled for the commune.'),
        429: errorResponse('Too many subscriptions from this address; see Retry-After.'),
        503: errorResponse('E-mail is not configured on this server.'),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const taken = limiter.take(clientAddress(c) ?? 'local');
      if (!taken.ok) {
        throw new ApiError(
          429,
          'too_many_subscriptions',
          `too many subscriptions from this address; retry in ${taken.retryAfterSeconds} s`,
          {
            'Retry-After': String(taken.retryAfterSeconds),
          },
        );
      }
      if (body.kind === 'pm25' && !(await findStation(deps.db, body.station!))) {
        throw notFound(`no station "${body.station}"`);
      }
      if (body.kind !== 'pm25') {
        const known = await deps.db
          .selectFrom('commune_indices')
          .select('insee')
          .where('insee', '=', body.commune!)
          .limit(1)
          .executeTakeFirst();
        if (!known) {
          throw notFound(
            `no official index is pulled for commune "${body.commune}" (the operator lists the communes in ATMOSUD_COMMUNES)`,
          );
        }
      }
      const channel = await checkChannel(body, settings);
      const pm25 = body.kind === 'pm25';
      const threshold = pm25 ? body.threshold! : body.level!;
      const created = await createAlertRule(
        deps.db,
        {
          kind: body.kind,
          stationId: pm25 ? body.station! : null,
          commune: pm25 ? null : body.commune!,
          threshold,
          clearBelow: pm25 ? (body.clearBelow ?? threshold * ALERT_DEFAULTS.pm25ClearShare) : threshold - 1,
          ...channel,
          locale: body.locale ?? 'fr',
        },
        deps.now(),
      );
      return jsonAnswer(c, CreatedAlertSchema, createdView(created, deps.settings.publicUrl), 201);
    },
  );

  const confirmRoute = (method: 'get' | 'post') =>
    createRoute({
      method,
      path: '/api/v1/alerts/confirm',
      tags: ['alerts'],
      summary: method === 'get' ? 'The confirmation page of a mailed link' : 'Confirm an e-mail address',
      description:
        method === 'get'
          ? 'Shows a button that confirms (a GET changes nothing: mail scanners open links).'
          : 'Confirms the address the token was mailed to; alerts are sent to it from now on.',
      middleware: [noStore],
      request: { query: tokenQuery },
      responses: { 200: htmlAnswer('The page.'), 404: htmlAnswer('Unknown or used token.') },
    });
  const unsubscribeRoute = (method: 'get' | 'post') =>
    createRoute({
      method,
      path: '/api/v1/alerts/unsubscribe',
      tags: ['alerts'],
      summary: method === 'get' ? 'The unsubscribe page of a mailed link' : 'Unsubscribe (one click)',
      description:
        method === 'get'
          ? 'Shows a button that unsubscribes.'
          : "Deletes the alert rule and its history. Mail clients' one-click unsubscribe (RFC 8058) posts here.",
      middleware: [noStore],
      request: { query: tokenQuery },
      responses: { 200: htmlAnswer('The page.'), 404: htmlAnswer('Unknown token.') },
    });

  app.openapi(confirmRoute('get'), async (c) => {
    const { token } = c.req.valid('query');
    const rule = await deps.db
      .selectFrom('alert_rules')
      .select('locale')
      .where('confirm_hash', '=', sha256(token))
      .executeTakeFirst();
    const w = PAGE_WORDS[rule?.locale ?? 'fr'];
    if (!rule) return page(c, 404, 'fr', w.confirmTitle, w.unknown);
    const url = `/api/v1/alerts/confirm?token=${encodeURIComponent(token)}`;
    return page(c, 200, rule.locale, w.confirmTitle, alertWords(rule.locale).confirmText, {
      url,
      button: w.confirmButton,
    });
  });
  app.openapi(confirmRoute('post'), async (c) => {
    const { token } = c.req.valid('query');
    const rule = await confirmAlertRule(deps.db, token, deps.now());
    const w = PAGE_WORDS[rule?.locale ?? 'fr'];
    if (!rule) return page(c, 404, 'fr', w.confirmTitle, w.unknown);
    return page(c, 200, rule.locale, w.confirmTitle, w.confirmed);
  });
  app.openapi(unsubscribeRoute('get'), async (c) => {
    const { token } = c.req.valid('query');
    const rule = await findRuleByUnsubscribeToken(deps.db, token);
    const w = PAGE_WORDS[rule?.locale ?? 'fr'];
    if (!rule) return page(c, 404, 'fr', w.unsubTitle, w.unknown);
    const url = `/api/v1/alerts/unsubscribe?token=${encodeURIComponent(token)}`;
    return page(c, 200, rule.locale, w.unsubTitle, alertWords(rule.locale).why, {
      url,
      button: w.unsubButton,
    });
  });
  app.openapi(unsubscribeRoute('post'), async (c) => {
    const { token } = c.req.valid('query');
    const rule = await findRuleByUnsubscribeToken(deps.db, token);
    const w = PAGE_WORDS[rule?.locale ?? 'fr'];
    if (!rule) return page(c, 404, 'fr', w.unsubTitle, w.unknown);
    await deleteAlertRule(deps.db, rule.id);
    return page(c, 200, rule.locale, w.unsubTitle, w.unsubscribed);
  });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/alerts',
      tags: ['admin'],
      summary: 'Every alert rule',
      description: 'Owner and public rules with their targets and state (admin token).',
      security: [{ adminToken: [] }],
      middleware: admin(deps),
      request: {
        query: z.object({
          limit: z.coerce.number().int().min(1).max(1000).optional(),
          offset: z.coerce.number().int().min(0).optional(),
        }),
      },
      responses: {
        200: { content: { 'application/json': { schema: AlertRuleListSchema } }, description: 'The rules.' },
        401: errorResponse('Missing or wrong admin token.'),
      },
    }),
    async (c) => {
      const { limit, offset } = c.req.valid('query');
      const rules = await listAlertRules(deps.db, { limit: limit ?? 1000, offset: offset ?? 0 });
      return jsonAnswer(c, AlertRuleListSchema, { rules: rules.map((r) => ruleView(r)) }, 200);
    },
  );
}
