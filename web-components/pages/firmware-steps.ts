// The step-by-step settings a citizen types into their sensor's firmware after /join, from the
// connection document the API answered: the airrohr "Send data to own API" fields, AirGradient's
// MQTT broker URL, or a native device's MQTT settings and an example payload. The same facts as
// `souffle device add` prints (cli/device-text.ts), for a person holding the sensor.
import { html, type TemplateResult } from 'lit';
import type { JoinAnswer } from '../../data/api-types.js';
import type { Lang } from '../i18n.js';
import { jt } from './join-i18n.js';

type Connection = JoinAnswer['connection'];

const EXAMPLE =
  '{"ts":"2026-11-28T08:00:00Z","values":{"pm25":12.3,"pm10":20.1,"temperature":21.5,"humidity":55}}';

function fields(lang: Lang, rows: Array<[string, string]>): TemplateResult {
  return html`<dl class="settings">
    ${rows.map(
      ([k, v]) =>
        html`<div>
          <dt>${k}</dt>
          <dd><code>${v}</code></dd>
        </div>`,
    )}
  </dl>`;
}

export function firmwareSteps(lang: Lang, c: Connection): TemplateResult {
  const w = (key: Parameters<typeof jt>[1], params?: Record<string, string>) => jt(lang, key, params);
  if (c.format === 'airrohr' && c.airrohr) {
    const a = c.airrohr;
    return html`<ol class="steps">
      <li>${w('airrohr.1')}</li>
      <li>
        ${w('airrohr.2')}
        ${fields(lang, [
          [w('server'), a.server],
          [w('path'), a.path],
          [w('port'), String(a.port)],
          [w('user'), a.username],
          [w('password'), a.password],
          [w('https'), a.https ? w('yes') : w('no')],
        ])}
      </li>
      <li>${w('airrohr.3')}</li>
    </ol>`;
  }
  if (c.format === 'airgradient') {
    const url = `mqtt://${c.mqtt.username}:${c.mqtt.password}@${c.mqtt.host}:${c.mqtt.port}`;
    return html`<ol class="steps">
      <li>${w('airgradient.1')}</li>
      <li>${w('airgradient.2')} ${fields(lang, [[w('broker'), url]])}</li>
      <li>${w('airgradient.3', { serial: c.serial ?? '' })}</li>
    </ol>`;
  }
  return html`<ol class="steps">
    <li>
      ${w('native.1')}
      ${fields(lang, [
        [w('broker'), c.mqtt.url],
        [w('clientId'), c.mqtt.username],
        [w('user'), c.mqtt.username],
        [w('password'), c.mqtt.password],
        [w('topic'), `${c.topic} (QoS 1)`],
      ])}
    </li>
    <li>
      ${w('native.2')}
      <pre><code>${EXAMPLE}</code></pre>
    </li>
    <li>${w('native.3')}</li>
  </ol>`;
}
