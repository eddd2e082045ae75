// What an episode's notice says: the JSON a webhook receives and the MQTT topic carries
// (docs/api.md, "Alerts"), and the sentence an e-mail gives in French or English. Built when the
// episode changes and stored with the delivery, so a notice sent late says what was true then.
import type { AlertRule } from '../schema.js';
import { ALERT_UNITS, type AlertKind, type AlertLocale } from './alert-kinds.js';
import { clearLevel, startLevel } from './alert-measure.js';

export type AlertNotice = {
  type: 'souffle.alert';
  event: 'start' | 'end';
  rule: {
    id: string;
    kind: AlertKind;
    device: string | null;
    station: string | null;
    commune: string | null;
    startAbove: number;
    clearAtOrBelow: number;
  };
  value: number;
  unit: string;
  at: string;
  episodeStartedAt: string;
  stationUrl: string | null;
};

export function alertNotice(
  rule: AlertRule,
  change: { active: boolean; value: number; at: number; episodeStartedAt: number },
  publicUrl: string,
): AlertNotice {
  const kind = rule.kind as AlertKind;
  const station = rule.station_id;
  return {
    type: 'souffle.alert',
    event: change.active ? 'start' : 'end',
    rule: {
      id: rule.id,
      kind,
      device: rule.device_id,
      station,
      commune: rule.commune,
      startAbove: startLevel(rule),
      clearAtOrBelow: clearLevel(rule),
    },
    value: Math.round(change.value * 10) / 10,
    unit: ALERT_UNITS[kind],
    at: new Date(change.at).toISOString(),
    episodeStartedAt: new Date(change.episodeStartedAt).toISOString(),
    stationUrl: station ? `${publicUrl.replace(/\/+$/, '')}/#/station/${encodeURIComponent(station)}` : null,
  };
}

/** The MQTT topic of a notice: souffle/v1/alerts/<kind>/<station, or commune>. */
export function alertTopic(notice: AlertNotice, deviceStation?: string | null): string {
  const where =
    notice.rule.station ?? deviceStation ?? notice.rule.commune ?? notice.rule.device ?? 'unknown';
  // A topic level must not hold a wildcard or a separator (MQTT-4.7.1).
  return `souffle/v1/alerts/${notice.rule.kind}/${where.replace(/[+#/]/g, '_')}`;
}

const WORDS = {
  fr: {
    offline: (w: string) => `Le capteur ${w} n'envoie plus de données`,
    stuck: (w: string) => `Le capteur ${w} répète la même valeur (bloqué)`,
    rejections: (w: string) => `Le capteur ${w} envoie des messages refusés`,
    pm25: (w: string) => `PM2,5 élevées à ${w}`,
    commune_index: (w: string) => `Indice ATMO élevé aujourd'hui à ${w}`,
    commune_forecast: (w: string) => `Indice ATMO élevé prévu demain à ${w}`,
    start: 'Début',
    end: 'Fin',
    value: 'Valeur',
    since: 'Depuis',
    ended: 'Épisode terminé',
    seeStation: 'Voir la station',
    unsubscribe: 'Se désabonner de cette alerte',
    why: 'Vous recevez ce message parce que cette adresse a été abonnée à une alerte Souffle et l’a confirmée.',
    confirmSubject: 'Confirmez votre alerte Souffle',
    confirmText:
      'Quelqu’un (vous, sans doute) a demandé à recevoir des alertes Souffle à cette adresse. Pour les recevoir, confirmez avec ce lien. Sans confirmation, vous ne recevrez rien d’autre.',
    confirm: 'Confirmer',
  },
  en: {
    offline: (w: string) => `Sensor ${w} has stopped sending data`,
    stuck: (w: string) => `Sensor ${w} keeps repeating one value (stuck)`,
    rejections: (w: string) => `Sensor ${w} is sending rejected messages`,
    pm25: (w: string) => `High PM2.5 at ${w}`,
    commune_index: (w: string) => `High ATMO index today in ${w}`,
    commune_forecast: (w: string) => `High ATMO index forecast for tomorrow in ${w}`,
    start: 'Start',
    end: 'End',
    value: 'Value',
    since: 'Since',
    ended: 'Episode over',
    seeStation: 'See the station',
    unsubscribe: 'Unsubscribe from this alert',
    why: 'You get this message because this address was subscribed to a Souffle alert and confirmed it.',
    confirmSubject: 'Confirm your Souffle alert',
    confirmText:
      'Someone (you, presumably) asked for Souffle alerts at this address. To receive them, confirm with this link. Without confirmation you will get nothing else.',
    confirm: 'Confirm',
  },
} as const;

export function alertWords(locale: AlertLocale) {
  return WORDS[locale] ?? WORDS.fr;
}

/** The one-line title of a notice, in the rule's language. */
export function noticeTitle(notice: AlertNotice, locale: AlertLocale): string {
  const w = alertWords(locale);
  const where = notice.rule.device ?? notice.rule.station ?? notice.rule.commune ?? '';
  const title = w[notice.rule.kind](where);
  const sep = locale === 'en' ? ': ' : ' : ';
  return `${notice.event === 'start' ? w.start : w.ended}${sep}${title}`;
}
