// Alert rules and their deliveries (migration 0011): creating, confirming, unsubscribing and
// deleting a rule, the rules to check, an episode's change with its notices queued in the same
// transaction, and the outbox the sender works through (ingest/alerts/alert-sender.ts).
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AlertChannel, AlertKind, AlertLocale } from '../alerts/alert-kinds.js';
import type { AlertDelivery, AlertDeliveriesTable, AlertRule, Database } from '../schema.js';

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const token = () => randomBytes(24).toString('base64url');

export type NewAlertRule = {
  kind: AlertKind;
  deviceId?: string | null;
  stationId?: string | null;
  commune?: string | null;
  threshold?: number | null;
  clearBelow?: number | null;
  windowMs?: number | null;
  channel: AlertChannel;
  target: string;
  locale: AlertLocale;
};

export type CreatedAlertRule = {
  rule: AlertRule;
  /** The webhook's signing key (webhooks only), to show once. */
  secret: string | null;
};

/**
 * Stores a rule. A webhook is live at once (its creator holds the URL and gets the signing key);
 * an e-mail address only once it is confirmed: the confirmation mail is queued here, and it is the
 * only mail an unconfirmed address ever gets.
 */
export async function createAlertRule(
  db: Kysely<Database>,
  input: NewAlertRule,
  now: number,
): Promise<CreatedAlertRule> {
  const secret = input.channel === 'webhook' ? `whsec_${token()}` : null;
  const confirm = input.channel === 'email' ? token() : null;
  const row = {
    id: `al-${randomBytes(8).toString('base64url')}`,
    kind: input.kind,
    device_id: input.deviceId ?? null,
    station_id: input.stationId ?? null,
    commune: input.commune ?? null,
    threshold: input.threshold ?? null,
    clear_below: input.clearBelow ?? null,
    window_ms: input.windowMs ?? null,
    channel: input.channel,
    target: input.target,
    secret,
    locale: input.locale,
    confirm_hash: confirm === null ? null : sha256(confirm),
    confirmed_at: confirm === null ? now : null,
    unsubscribe_token: token(),
    created_at: now,
  };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('alert_rules').values(row).execute();
    if (confirm !== null) {
      await trx
        .insertInto('alert_deliveries')
        .values(delivery(row.id, 'confirm', 'email', { confirmToken: confirm }, now))
        .execute();
    }
  });
  const rule = await db
    .selectFrom('alert_rules')
    .selectAll()
    .where('id', '=', row.id)
    .executeTakeFirstOrThrow();
  return { rule, secret };
}

function delivery(
  ruleId: string,
  event: AlertDeliveriesTable['event'],
  channel: AlertDeliveriesTable['channel'],
  body: unknown,
  now: number,
) {
  return {
    rule_id: ruleId,
    event,
    channel,
    body: JSON.stringify(body),
    status: 'pending' as const,
    next_attempt_at: now,
    created_at: now,
  };
}

/** Confirms the address the token was mailed to; undefined for an unknown (or used) token. */
export async function confirmAlertRule(db: Kysely<Database>, confirmToken: string, now: number) {
  const hash = sha256(confirmToken);
  const rule = await db
    .selectFrom('alert_rules')
    .selectAll()
    .where('confirm_hash', '=', hash)
    .executeTakeFirst();
  if (!rule) return undefined;
  await db
    .updateTable('alert_rules')
    .set({ confirm_hash: null, confirmed_at: now })
    .where('id', '=', rule.id)
    .execute();
  return { ...rule, confirm_hash: null, confirmed_at: now };
}

/** Deletes a rule and its history. */
export async function deleteAlertRule(db: Kysely<Database>, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('alert_deliveries').where('rule_id', '=', id).execute();
    const r = await trx.deleteFrom('alert_rules').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  });
}

/** The rule an unsubscribe token belongs to. */
export function findRuleByUnsubscribeToken(db: Kysely<Database>, unsubscribeToken: string) {
  return db
    .selectFrom('alert_rules')
    .selectAll()
    .where('unsubscribe_token', '=', unsubscribeToken)
    .executeTakeFirst();
}

export function findAlertRule(db: Kysely<Database>, id: string) {
  return db.selectFrom('alert_rules').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listAlertRules(
  db: Kysely<Database>,
  filter: { deviceId?: string; limit?: number; offset?: number } = {},
): Promise<AlertRule[]> {
  let q = db.selectFrom('alert_rules').selectAll().orderBy('created_at').orderBy('id');
  if (filter.deviceId !== undefined) q = q.where('device_id', '=', filter.deviceId);
  return q
    .limit(filter.limit ?? 1000)
    .offset(filter.offset ?? 0)
    .execute();
}

/** The newest deliveries of a rule first (its history). */
export function alertHistory(db: Kysely<Database>, ruleId: string, limit = 50): Promise<AlertDelivery[]> {
  return db
    .selectFrom('alert_deliveries')
    .selectAll()
    .where('rule_id', '=', ruleId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Confirmed rules, all or those watching `stations` (their device's station or the station). */
export async function rulesToCheck(db: Kysely<Database>, stations?: readonly string[]): Promise<AlertRule[]> {
  let q = db.selectFrom('alert_rules').selectAll().where('confirmed_at', 'is not', null);
  if (stations) {
    if (stations.length === 0) return [];
    const devices = db
      .selectFrom('devices')
      .select('id')
      .where('station_id', 'in', [...stations]);
    q = q.where((eb) => eb.or([eb('station_id', 'in', [...stations]), eb('device_id', 'in', devices)]));
  }
  return q.orderBy('id').execute();
}

export type EpisodeChange = {
  active: boolean;
  value: number;
  at: number;
  /** One notice per channel: the rule's own, and the MQTT topic. */
  notices: Array<{ channel: AlertDeliveriesTable['channel']; body: unknown }>;
};

/**
 * Starts or ends the rule's episode and queues its notices, in one transaction, and only if the
 * rule is still in the state it was read in: two checks racing (the after-commit one and the
 * periodic one) change it once, and a restart finds the state and the queued notices together.
 */
export async function changeEpisode(
  db: Kysely<Database>,
  rule: AlertRule,
  change: EpisodeChange,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('alert_rules')
      .set({
        active: change.active ? 1 : 0,
        episode_started_at: change.active ? change.at : rule.episode_started_at,
        last_value: change.value,
        checked_at: change.at,
      })
      .where('id', '=', rule.id)
      .where('active', '=', rule.active)
      .where('confirmed_at', 'is not', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    const event = change.active ? 'start' : 'end';
    for (const n of change.notices) {
      await trx
        .insertInto('alert_deliveries')
        .values(delivery(rule.id, event, n.channel, n.body, change.at))
        .execute();
    }
    return true;
  });
}

/** Pending deliveries in the order they were queued (the sender keeps each rule's order). */
export function pendingDeliveries(db: Kysely<Database>, limit = 200) {
  return db
    .selectFrom('alert_deliveries as d')
    .innerJoin('alert_rules as r', 'r.id', 'd.rule_id')
    .selectAll('d')
    .select(['r.target', 'r.secret', 'r.locale', 'r.unsubscribe_token', 'r.kind'])
    .where('d.status', '=', 'pending')
    .orderBy('d.id')
    .limit(limit)
    .execute();
}

export type PendingDelivery = Awaited<ReturnType<typeof pendingDeliveries>>[number];

/** A delivery done; the confirmation token is dropped from a sent confirmation's body. */
export async function markDelivered(db: Kysely<Database>, d: AlertDelivery, now: number): Promise<void> {
  await db
    .updateTable('alert_deliveries')
    .set({
      status: 'sent',
      attempts: d.attempts + 1,
      sent_at: now,
      last_error: null,
      ...(d.event === 'confirm' ? { body: '{}' } : {}),
    })
    .where('id', '=', d.id)
    .execute();
}

/** A failed attempt: tried again at `next`, or given up (`next` undefined). */
export async function markAttemptFailed(
  db: Kysely<Database>,
  d: AlertDelivery,
  error: string,
  next: number | undefined,
): Promise<void> {
  await db
    .updateTable('alert_deliveries')
    .set({
      attempts: d.attempts + 1,
      last_error: error.slice(0, 500),
      ...(next === undefined ? { status: 'failed' as const } : { next_attempt_at: next }),
    })
    .where('id', '=', d.id)
    .execute();
}
