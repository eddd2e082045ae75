// The kinds of alert rule: what each watches, who may create it, and how its episode starts and
// ends (docs/citizens.md, "Alertes"). An episode starts when the measured value crosses `start`
// and ends only once it is back at or below the rule's clear level, which is under the start
// level (hysteresis): a value hovering at the threshold gives one episode, not a notice a minute.
// Browser-safe (the /my page lists the kinds).

/** Rules on the owner's own device, created with the device's credentials. */
export const DEVICE_ALERT_KINDS = ['offline', 'stuck', 'rejections'] as const;
/** Rules on a station or a commune, which anyone may subscribe to (double opt-in for e-mail). */
export const PLACE_ALERT_KINDS = ['pm25', 'commune_index', 'commune_forecast'] as const;
export const ALERT_KINDS = [...DEVICE_ALERT_KINDS, ...PLACE_ALERT_KINDS] as const;

export type DeviceAlertKind = (typeof DEVICE_ALERT_KINDS)[number];
export type PlaceAlertKind = (typeof PLACE_ALERT_KINDS)[number];
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_CHANNELS = ['email', 'webhook'] as const;
export type AlertChannel = (typeof ALERT_CHANNELS)[number];
export const ALERT_LOCALES = ['fr', 'en'] as const;
export type AlertLocale = (typeof ALERT_LOCALES)[number];

/** Defaults of the rules' settings, named so that the docs and the forms say the same. */
export const ALERT_DEFAULTS = {
  /** Offline after this silence. */
  offlineAfterSeconds: 3600,
  /** Rejected messages counted over this window. */
  rejectionsWindowSeconds: 3600,
  /** An episode of rejections ends once the window holds at most this share of the threshold. */
  rejectionsClearShare: 0.5,
  /** A PM2.5 episode ends once the hourly mean is at or below this share of the threshold. */
  pm25ClearShare: 0.8,
} as const;

/** True when `value` starts an episode of a rule whose start level is `threshold`. */
export function startsEpisode(kind: AlertKind, value: number, threshold: number): boolean {
  // An index is a level: "at or above"; the others are amounts: "above".
  return kind === 'commune_index' || kind === 'commune_forecast' ? value >= threshold : value > threshold;
}

/** True when `value` ends an episode: at or below the clear level. */
export function endsEpisode(value: number, clearBelow: number): boolean {
  return value <= clearBelow;
}

export function isDeviceKind(kind: string): kind is DeviceAlertKind {
  return (DEVICE_ALERT_KINDS as readonly string[]).includes(kind);
}

/** Unit of a kind's value, as notices and the API give it. */
export const ALERT_UNITS: Record<AlertKind, string> = {
  offline: 's',
  stuck: '',
  rejections: 'messages',
  pm25: 'µg/m³',
  commune_index: 'ATMO',
  commune_forecast: 'ATMO',
};
