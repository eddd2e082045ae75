// The elements in a real Chromium, on a school's page served from another origin than Souffle,
// against a real Souffle server with a seeded fleet. Screenshots land in test-output/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contrastRatio } from '../../data/contrast.js';
import type { SouffleChart } from '../../web-components/souffle-chart.js';
import {
  FLEET,
  launchChromium,
  newPage,
  schoolPage,
  screenshot,
  startSchoolSite,
  startSouffle,
  type SchoolSite,
  type Souffle,
  shadowText,
} from './harness.js';

let souffle: Souffle;
let school: SchoolSite;
let browser: Browser;

beforeAll(async () => {
  [souffle, school, browser] = await Promise.all([startSouffle(), startSchoolSite(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await school?.close();
  await souffle?.close();
});

/** Colours of the badge inside an element, as #rrggbb. */
async function badgeColours(page: Page, selector: string) {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const badge = el.shadowRoot!.querySelector<HTMLElement>('[part~="badge"]')!;
      const hex = (rgb: string) =>
        '#' +
        (rgb.match(/\d+/g) ?? [])
          .slice(0, 3)
          .map((n) => Number(n).toString(16).padStart(2, '0'))
          .join('');
      const style = getComputedStyle(badge);
      return { background: hex(style.backgroundColor), text: hex(style.color), level: badge.dataset.level };
    });
}

async function openSchoolPage(path: string, body: string, lang = 'fr') {
  school.setPage(path, schoolPage(souffle.url, body, lang));
  const p = await newPage(browser);
  await p.page.goto(school.url + path);
  return p;
}

describe('widgets on a school page from another origin', () => {
  it('shows the index with its colour, label, dominant pollutant, and "indicatif" for a citizen sensor', async () => {
    const { page, context, errors } = await openSchoolPage(
      '/index.html',
      `<souffle-index id="school" station="${FLEET.school.id}"></souffle-index>
       <souffle-index id="official" station="${FLEET.official.id}"></souffle-index>
       <souffle-index id="eaqi" station="${FLEET.official.id}" scheme="eaqi"></souffle-index>`,
    );
    await page.locator('#school').locator('[part~="badge"]').waitFor();
    await page.locator('#eaqi').locator('[part~="badge"]').waitFor();
    // The school's sensor measures particles only: its ATMO says so. Today (local) has 22 completed
    // hours at 21:30 UTC. An ATMO computed at an AtmoSud station is indicative too, and partial
    // without SO2.
    expect(await shadowText(page, '#school')).toBe(
      'Indice ATMO (particules seules) · aujourd’hui Moyen Polluant principal : PM2.5 indicatif',
    );
    expect(await shadowText(page, '#official')).toBe(
      'Indice ATMO (partiel) · aujourd’hui Dégradé Polluant principal : NO₂ indicatif',
    );
    // NO2 of the hour that ended last (20:00–21:00 UTC): the hour in progress is not used.
    expect(await shadowText(page, '#eaqi')).toBe(
      'Indice européen (partiel) Dégradé Polluant principal : NO₂ indicatif',
    );
    const school = await badgeColours(page, '#school');
    expect(school).toMatchObject({ background: '#50ccaa', level: '2' });
    const official = await badgeColours(page, '#official');
    expect(official).toMatchObject({ background: '#f0e641', level: '3' });
    for (const c of [school, official, await badgeColours(page, '#eaqi')]) {
      expect(contrastRatio(c.background, c.text)).toBeGreaterThanOrEqual(4.5);
    }
    await screenshot(page, 'widgets-index');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a card with the station, its latest values and units, the index, a sparkline and the last reading', async () => {
    const { page, context, requests, errors } = await openSchoolPage(
      '/card.html',
      `<souffle-card id="school" station="${FLEET.school.id}"></souffle-card>
       <souffle-card id="offline" station="${FLEET.offline.id}"></souffle-card>
       <souffle-card id="official" station="${FLEET.official.id}"></souffle-card>`,
    );
    for (const id of ['school', 'offline', 'official'])
      await page.locator(`#${id}`).locator('[part~="name"]').waitFor();
    const text = await shadowText(page, '#school');
    expect(text).toContain('École Saint-Charles');
    expect(text).toContain('Capteur citoyen');
    expect(text).toMatch(/PM2\.5 \d+,\d µg\/m³/);
    expect(text).toContain('PM10 18,0 µg/m³');
    expect(text).toContain('Humidité relative 61 %');
    expect(text).toContain('Moyen');
    expect(text).toMatch(/Dernière mesure il y a 30 minutes \(22:00\)/);
    const spark = await page
      .locator('#school')
      .evaluate((el) => el.shadowRoot!.querySelector('path')!.getAttribute('d'));
    expect(spark).toMatch(/^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+){20,}/);

    const offline = await shadowText(page, '#offline');
    expect(offline).toMatch(/Pas de données depuis le 7 mars 2026,? (à )?22:00/);
    expect(offline).toContain('hors ligne');
    expect(await shadowText(page, '#official')).toContain('Données : AtmoSud');
    await screenshot(page, 'widgets-card');

    // Only Souffle's own origin was asked for data, and never with cookies.
    const origins = new Set(requests.map((r) => new URL(r).origin));
    expect([...origins].sort()).toEqual([souffle.url, school.url].sort());
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says "Indisponible" with the reason in words, in French and in English', async () => {
    const { page, context, errors } = await openSchoolPage(
      '/unavailable.html',
      `<souffle-index id="offline" station="${FLEET.offline.id}"></souffle-index>
       <souffle-index id="offline-eaqi" station="${FLEET.offline.id}" scheme="eaqi" lang="en"></souffle-index>
       <souffle-card id="never" station="${FLEET.never.id}"></souffle-card>`,
    );
    for (const id of ['offline', 'offline-eaqi', 'never'])
      await page.locator(`#${id}`).locator('[part~="badge"]').waitFor();
    // Silent for three days: today has too few hours, and so has yesterday.
    expect(await shadowText(page, '#offline')).toBe(
      'Indice ATMO · aujourd’hui Indisponible trop peu d’heures mesurées',
    );
    expect(await shadowText(page, '#offline-eaqi')).toBe('European AQI Unavailable no recent hourly mean');
    // No series at all: no pollutant of the index is measured there.
    expect(await shadowText(page, '#never')).toContain('Indisponible aucun polluant de l’indice mesuré');
    const reason = await page
      .locator('#offline')
      .evaluate((el) => el.shadowRoot!.querySelector<HTMLElement>('[part~="badge"]')!.dataset.reason);
    expect(reason).toBe('not-enough-hours');
    await screenshot(page, 'widgets-unavailable');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('switches labels when lang changes, and follows the page language by default', async () => {
    const { page, context } = await openSchoolPage(
      '/lang.html',
      `<souffle-index id="idx" station="${FLEET.school.id}"></souffle-index>
       <souffle-card id="card" station="${FLEET.school.id}"></souffle-card>`,
      'en',
    );
    await page.locator('#card').locator('[part~="name"]').waitFor();
    expect(await shadowText(page, '#idx')).toBe(
      'ATMO index (particles only) · today Fair Main pollutant: PM2.5 indicative',
    );
    expect(await shadowText(page, '#card')).toContain('Citizen sensor');
    await page.evaluate(() => {
      document.querySelector('#idx')!.setAttribute('lang', 'fr');
      document.querySelector('#card')!.setAttribute('lang', 'fr');
    });
    await expect
      .poll(() => shadowText(page, '#idx'))
      .toBe('Indice ATMO (particules seules) · aujourd’hui Moyen Polluant principal : PM2.5 indicatif');
    expect(await shadowText(page, '#card')).toContain('Capteur citoyen');
    expect(await shadowText(page, '#card')).toContain('PM10 18,0 µg/m³');
    await context.close();
  });

  it('shows a readable error, not a broken widget, when the API is down or the station unknown', async () => {
    const { page, context, errors } = await openSchoolPage(
      '/down.html',
      `<souffle-card id="down" station="${FLEET.school.id}" api="http://127.0.0.1:9"></souffle-card>
       <souffle-index id="unknown" station="no-such-station"></souffle-index>
       <souffle-index id="missing"></souffle-index>`,
    );
    await page.locator('#down').locator('[part~="error"]').waitFor();
    await page.locator('#unknown').locator('[part~="error"]').waitFor();
    expect(await shadowText(page, '#down')).toBe(
      'Données indisponibles. Le serveur Souffle ne répond pas. Nouvel essai dans quelques minutes.',
    );
    expect(await shadowText(page, '#unknown')).toBe(
      'Données indisponibles. Station inconnue : « no-such-station ».',
    );
    expect(await shadowText(page, '#missing')).toContain('attribut station');
    await screenshot(page, 'widgets-error');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('draws a chart with a range selector, the WHO line, the comparison and a data table', async () => {
    const { page, context, requests, errors } = await openSchoolPage(
      '/chart.html',
      `<div style="max-width:760px"><souffle-chart id="chart" station="${FLEET.school.id}" phenomenon="pm25" compare></souffle-chart></div>`,
    );
    const chart = page.locator('#chart');
    const drawnPoints = () =>
      chart.evaluate((el) => (el as SouffleChart).chartInstance?.data.datasets[0]?.data.length ?? 0);
    await expect.poll(drawnPoints).toBeGreaterThan(0);
    const text = await shadowText(page, '#chart');
    expect(text).toContain('Particules fines PM2.5');
    expect(text).toContain('moyennes horaires');
    const summary = await chart.evaluate((el) =>
      el.shadowRoot!.querySelector('.plot')!.getAttribute('aria-label'),
    );
    expect(summary).toMatch(
      /^PM2\.5, 7 jours \(moyennes horaires\) : minimum 9(,0)?, moyenne 12(,0)?, maximum 15(,0)? µg\/m³\.$/,
    );
    const rows = await chart.evaluate((el) => el.shadowRoot!.querySelectorAll('tbody tr').length);
    expect(rows).toBeGreaterThanOrEqual(7 * 24);
    expect(text).toContain('AtmoSud Marseille Longchamp');
    expect(requests.some((r) => r.includes('/compare?'))).toBe(true);
    // chart.js came in a lazily loaded chunk, because a chart is on the page.
    expect(requests.some((r) => /\/widgets\/chart-setup-[\w-]+\.js$/.test(r))).toBe(true);
    await screenshot(page, 'widgets-chart-7d', '#chart');

    await chart.locator('button', { hasText: '30 jours' }).click();
    await expect
      .poll(() =>
        chart.evaluate((el) => el.shadowRoot!.querySelector('h2')!.textContent!.replace(/\s+/g, ' ')),
      )
      .toContain('moyennes journalières');
    await expect.poll(drawnPoints).toBeLessThan(40); // 10 daily means instead of 168 hourly ones
    expect(requests.some((r) => r.includes('step=1d'))).toBe(true);
    // The comparison uses the reference station's own daily values, not hourly points averaged here.
    expect(
      requests.some((r) => r.includes(`/stations/${FLEET.official.id}/series?`) && r.includes('step=1d')),
    ).toBe(true);
    const pressed = await chart.evaluate((el) =>
      el.shadowRoot!.querySelector('[aria-pressed="true"]')!.textContent!.trim(),
    );
    expect(pressed).toBe('30 jours');
    await screenshot(page, 'widgets-chart-30d', '#chart');

    // Removing the element destroys its chart.
    const destroyed = await chart.evaluate((el) => {
      const instance = (el as SouffleChart).chartInstance;
      el.remove();
      return instance !== undefined && (el as SouffleChart).chartInstance === undefined;
    });
    expect(destroyed).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('aborts its requests when removed, and refreshes on its period only while the page is visible', async () => {
    const { page, context, requests } = await openSchoolPage('/refresh.html', '');
    const latest = () => requests.filter((r) => r.endsWith('/latest')).length;
    const aborted: string[] = [];
    page.on('requestfailed', (r) => aborted.push(`${r.failure()?.errorText} ${r.url()}`));
    // Removed while its first request is in flight: the request is cancelled.
    await page.evaluate((id) => {
      const card = document.createElement('souffle-card');
      card.setAttribute('station', id);
      document.body.append(card);
      setTimeout(() => card.remove(), 0);
    }, FLEET.school.id);
    await expect.poll(() => aborted.length).toBeGreaterThan(0);
    expect(aborted[0]).toMatch(/ERR_ABORTED .*\/latest$/);

    await page.evaluate((id) => {
      const card = document.createElement('souffle-card');
      card.id = 'live';
      card.setAttribute('station', id);
      card.setAttribute('refresh', '30s');
      // Counts finished loads, so that the test moves the clock only once a refresh is scheduled.
      (window as unknown as { loads: number }).loads = 0;
      card.addEventListener('souffle-load', () => (window as unknown as { loads: number }).loads++);
      document.body.append(card);
    }, FLEET.school.id);
    await page.locator('#live').locator('[part~="name"]').waitFor();
    const before = await latest();
    const setHidden = (hidden: boolean) =>
      page.evaluate((h) => {
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
        document.dispatchEvent(new Event('visibilitychange'));
      }, hidden);
    await setHidden(true);
    await page.clock.fastForward('00:45');
    await page.waitForTimeout(300);
    expect(await latest()).toBe(before); // hidden: the due refresh waits
    await setHidden(false);
    await expect.poll(latest).toBe(before + 1); // visible again: refreshed at once
    const loads = () => page.evaluate(() => (window as unknown as { loads: number }).loads);
    await expect.poll(loads).toBe(2);
    await page.clock.fastForward('00:31');
    await expect.poll(latest).toBe(before + 2); // and then on its period
    await context.close();
  });

  it('loads neither chart.js nor Leaflet for a page with only an index and a card, only the small live-update chunk', async () => {
    const { page, context, requests } = await openSchoolPage(
      '/light.html',
      `<souffle-index station="${FLEET.school.id}"></souffle-index><souffle-card id="c" station="${FLEET.school.id}"></souffle-card>`,
    );
    await page.locator('#c').locator('[part~="name"]').waitFor();
    await expect.poll(() => requests.some((r) => r.includes('/api/v1/stream?stations='))).toBe(true);
    const scripts = requests.filter((r) => r.startsWith(souffle.url) && r.endsWith('.js'));
    expect(scripts).toEqual([
      `${souffle.url}/widgets/souffle.js`,
      expect.stringMatching(/\/widgets\/live-updates-[\w-]+\.js$/),
    ]);
    await context.close();
  });
});
