// The e-mails of alerts: the confirmation of an address and an episode's start and end notices.
// Nothing a subscriber or a device chose reaches a header except the validated address; the
// subject is built from our words and ids with control characters removed, the HTML part escapes
// every value, and a plain-text part comes first. Every mail carries the rule's unsubscribe link,
// also as List-Unsubscribe with one-click POST (RFC 8058).
import type { SendMailOptions } from 'nodemailer';
import { alertWords, noticeTitle, type AlertNotice } from '../../data/alerts/alert-notice.js';
import type { AlertLocale } from '../../data/alerts/alert-kinds.js';
import type { PendingDelivery } from '../../data/store/alert-rules.js';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
/** One header line: no CR, LF or other control character can start another header. */
const oneLine = (s: string) => s.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').slice(0, 200);

export type MailLinks = { publicUrl: string };

export function alertLinks(publicUrl: string, unsubscribeToken: string) {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    unsubscribe: `${base}/api/v1/alerts/unsubscribe?token=${encodeURIComponent(unsubscribeToken)}`,
    confirm: (token: string) => `${base}/api/v1/alerts/confirm?token=${encodeURIComponent(token)}`,
  };
}

/** The mail of one delivery (confirmation, start or end), from `from`. */
export function alertMail(d: PendingDelivery, from: string, publicUrl: string): SendMailOptions {
  const locale = (d.locale === 'en' ? 'en' : 'fr') as AlertLocale;
  const w = alertWords(locale);
  const links = alertLinks(publicUrl, d.unsubscribe_token);
  let subject: string;
  let lines: string[];
  let html: string;
  if (d.event === 'confirm') {
    const { confirmToken } = JSON.parse(d.body) as { confirmToken: string };
    const url = links.confirm(confirmToken);
    subject = w.confirmSubject;
    lines = [w.confirmText, '', `${w.confirm}: ${url}`];
    html = `<p>${escapeHtml(w.confirmText)}</p><p><a href="${escapeHtml(url)}">${escapeHtml(w.confirm)}</a></p>`;
  } else {
    const notice = JSON.parse(d.body) as AlertNotice;
    subject = noticeTitle(notice, locale);
    const value = `${notice.value}${notice.unit ? ` ${notice.unit}` : ''}`;
    lines = [subject, '', `${w.value}: ${value}`, `${w.since}: ${notice.episodeStartedAt}`];
    if (notice.stationUrl) lines.push(`${w.seeStation}: ${notice.stationUrl}`);
    html =
      `<p><strong>${escapeHtml(subject)}</strong></p><ul><li>${escapeHtml(w.value)} : ${escapeHtml(value)}</li>` +
      `<li>${escapeHtml(w.since)} : ${escapeHtml(notice.episodeStartedAt)}</li></ul>` +
      (notice.stationUrl
        ? `<p><a href="${escapeHtml(notice.stationUrl)}">${escapeHtml(w.seeStation)}</a></p>`
        : '');
  }
  const footer = [w.why, `${w.unsubscribe}: ${links.unsubscribe}`];
  return {
    from,
    to: d.target,
    subject: oneLine(`Souffle – ${subject}`),
    text: [...lines, '', '--', ...footer].join('\n'),
    html:
      `<!doctype html><html lang="${locale}"><body>${html}<hr><p><small>${escapeHtml(w.why)}</small></p>` +
      `<p><small><a href="${escapeHtml(links.unsubscribe)}">${escapeHtml(w.unsubscribe)}</a></small></p></body></html>`,
    headers: {
      'List-Unsubscribe': `<${links.unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Auto-Submitted': 'auto-generated',
    },
  };
}
