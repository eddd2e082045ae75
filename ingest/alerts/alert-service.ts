// The alerts of an installation, run by the ingest process (docs/operations.md, "Alerts"): checks
// the rules of the stations a committed batch touched, shortly after the commit and never on the
// ingest path (the worker only names the stations), and every rule on a period, which is what
// sees silence (offline) and the AtmoSud data; then sends the queued notices by e-mail, webhook
// and MQTT, each retried with exponential back-off up to a bounded number of attempts. State and
// notices are in the database (data/store/alert-rules.ts): a restart resends nothing and loses
// nothing queued.
import type { Transporter } from 'nodemailer';
import type { Db } from '../../data/db.js';
import { endsEpisode, startsEpisode, type AlertKind } from '../../data/alerts/alert-kinds.js';
import { clearLevel, MEASURE_DEFAULTS, measureRule, startLevel } from '../../data/alerts/alert-measure.js';
import { alertNotice, alertTopic, type AlertNotice } from '../../data/alerts/alert-notice.js';
import type { WebhookPolicy } from '../../data/alerts/webhook-guard.js';
import {
  changeEpisode,
  markAttemptFailed,
  markDelivered,
  pendingDeliveries,
  rulesToCheck,
  type PendingDelivery,
} from '../../data/store/alert-rules.js';
import type { AlertRule } from '../../data/schema.js';
import type { Logger } from '../logger.js';
import { alertMail } from './alert-mail.js';
import { postWebhook } from './webhook-post.js';

export type AlertServiceOptions = {
  db: Db;
  logger: Logger;
  /** Base of the links in notices and mails (SOUFFLE_PUBLIC_URL). */
  publicUrl: string;
  timeZone: string;
  /** Every rule checked this often (SOUFFLE_ALERT_CHECK_INTERVAL). */
  checkIntervalMs?: number;
  /** The touched stations' rules are checked this long after a commit (several batches, one check). */
  afterCommitDelayMs?: number;
  /** The outbox is looked at this often, and at once after a check queued something. */
  sendIntervalMs?: number;
  meanWindowMs?: number;
  freshMs?: number;
  /** SMTP (SOUFFLE_SMTP_URL, SOUFFLE_MAIL_FROM); without it e-mails wait in the outbox. */
  mail?: { transport: Pick<Transporter, 'sendMail'>; from: string };
  webhookPolicy?: WebhookPolicy;
  webhookTimeoutMs?: number;
  /** Attempts of one delivery before it is marked failed. */
  maxAttempts?: number;
  /** Delay before the second attempt; doubled at each further one (capped at an hour). */
  backoffMs?: number;
  /** Publishes a notice on the broker (QoS 1); none: no MQTT notices. */
  publish?: (topic: string, payload: Uint8Array) => Promise<void>;
  now?: () => number;
};

export const ALERT_DEFAULTS = {
  checkIntervalMs: 60_000,
  afterCommitDelayMs: 1000,
  sendIntervalMs: 5000,
  webhookTimeoutMs: 10_000,
  maxAttempts: 8,
  backoffMs: 30_000,
} as const;

const MAX_BACKOFF_MS = 3_600_000;

export class AlertService {
  private readonly o: Required<Omit<AlertServiceOptions, 'mail' | 'publish' | 'webhookPolicy'>> &
    AlertServiceOptions;
  private checkTimer: NodeJS.Timeout | undefined;
  private sendTimer: NodeJS.Timeout | undefined;
  private soonTimer: NodeJS.Timeout | undefined;
  private touched = new Set<string>();
  private checking: Promise<void> = Promise.resolve();
  private sending: Promise<void> | null = null;
  private sendAgain = false;
  private stopped = false;
  private mailWarned = false;
  private checks = 0;

  constructor(options: AlertServiceOptions) {
    this.o = { ...ALERT_DEFAULTS, ...MEASURE_DEFAULTS, now: Date.now, ...options };
  }

  /** Checks completed since start (all rules or a batch's stations). */
  get checksDone(): number {
    return this.checks;
  }

  start(): void {
    this.checkTimer = setInterval(() => void this.check(), this.o.checkIntervalMs);
    this.sendTimer = setInterval(() => this.kickSender(), this.o.sendIntervalMs);
    this.checkTimer.unref();
    this.sendTimer.unref();
    void this.check();
  }

  /** Called by the ingest worker after a commit: the rules of these stations are checked soon. */
  notify(stations: Iterable<string>): void {
    if (this.stopped) return;
    for (const s of stations) this.touched.add(s);
    if (this.touched.size === 0 || this.soonTimer) return;
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined;
      const stations = [...this.touched];
      this.touched.clear();
      void this.check(stations);
    }, this.o.afterCommitDelayMs);
    this.soonTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.checkTimer);
    clearInterval(this.sendTimer);
    clearTimeout(this.soonTimer);
    await this.checking;
    await this.sending;
  }

  /** Checks the rules (of `stations`, or all), one check at a time. */
  check(stations?: readonly string[]): Promise<void> {
    this.checking = this.checking.then(() =>
      this.checkNow(stations)
        .catch((e: Error) => this.o.logger.error(`alerts: check failed: ${e.message}`))
        .finally(() => (this.checks += 1)),
    );
    return this.checking;
  }

  private async checkNow(stations?: readonly string[]): Promise<void> {
    if (this.stopped) return;
    const now = this.o.now();
    let queued = 0;
    for (const rule of await rulesToCheck(this.o.db, stations)) {
      const value = await measureRule(this.o.db, rule, { ...this.o, now });
      if (value === undefined) continue;
      const kind = rule.kind as AlertKind;
      const starts = rule.active === 0 && startsEpisode(kind, value, startLevel(rule));
      const ends = rule.active === 1 && endsEpisode(value, clearLevel(rule));
      if (!starts && !ends) continue;
      const change = {
        active: starts,
        value,
        at: now,
        episodeStartedAt: starts ? now : (rule.episode_started_at ?? now),
      };
      const notice = alertNotice(rule, change, this.o.publicUrl);
      const notices: Array<{ channel: 'email' | 'webhook' | 'mqtt'; body: unknown }> = [
        { channel: rule.channel, body: notice },
      ];
      if (this.o.publish) notices.push({ channel: 'mqtt', body: notice });
      if (await changeEpisode(this.o.db, rule, { ...change, notices })) {
        queued += 1;
        this.o.logger.info(`alerts: ${notice.event} of ${rule.kind} rule ${rule.id} (value ${notice.value})`);
      }
    }
    if (queued > 0) this.kickSender();
  }

  /** Works through the outbox now (once more if already working). */
  kickSender(): void {
    if (this.stopped) return;
    if (this.sending) {
      this.sendAgain = true;
      return;
    }
    this.sending = this.sendPending()
      .catch((e: Error) => this.o.logger.error(`alerts: sending failed: ${e.message}`))
      .finally(() => {
        this.sending = null;
        if (this.sendAgain) {
          this.sendAgain = false;
          this.kickSender();
        }
      });
  }

  private async sendPending(): Promise<void> {
    // A rule's notices go out in order per channel: one not sent holds back those behind it.
    const held = new Set<string>();
    for (const d of await pendingDeliveries(this.o.db)) {
      if (this.stopped) return;
      const key = `${d.rule_id}:${d.channel}`;
      const now = this.o.now();
      if (held.has(key) || d.next_attempt_at > now) {
        held.add(key);
        continue;
      }
      if (d.channel === 'email' && !this.o.mail) {
        held.add(key);
        if (!this.mailWarned) this.o.logger.warn('alerts: e-mails wait: SOUFFLE_SMTP_URL is not set');
        this.mailWarned = true;
        continue;
      }
      try {
        await this.deliver(d, now);
        await markDelivered(this.o.db, d, this.o.now());
      } catch (e) {
        held.add(key);
        const attempts = d.attempts + 1;
        const next =
          attempts >= this.o.maxAttempts
            ? undefined
            : this.o.now() + Math.min(MAX_BACKOFF_MS, this.o.backoffMs * 2 ** (attempts - 1));
        const reason = (e as Error).message;
        await markAttemptFailed(this.o.db, d, reason, next);
        this.o.logger.warn(
          `alerts: ${d.channel} notice ${d.id} of rule ${d.rule_id} not delivered (attempt ${attempts}): ${reason}${next === undefined ? '; given up' : ''}`,
        );
      }
    }
  }

  private async deliver(d: PendingDelivery, now: number): Promise<void> {
    if (d.channel === 'email') {
      await this.o.mail!.transport.sendMail(alertMail(d, this.o.mail!.from, this.o.publicUrl));
    } else if (d.channel === 'webhook') {
      await postWebhook({
        url: d.target,
        body: d.body,
        secret: d.secret ?? '',
        deliveryId: d.id,
        event: d.event,
        policy: this.o.webhookPolicy ?? {},
        timeoutMs: this.o.webhookTimeoutMs,
        now,
      });
    } else if (this.o.publish) {
      const notice = JSON.parse(d.body) as AlertNotice;
      await this.o.publish(alertTopic(notice), Buffer.from(d.body));
    }
  }
}

export type { AlertRule };
