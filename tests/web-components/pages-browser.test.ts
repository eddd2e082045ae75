// The map, the dashboard (/) and the embed builder (/embed) in a real Chromium against a real
// seeded Souffle server. Tiles point nowhere: the markers must show all the same.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FLEET,
  launchChromium,
  newPage,
  schoolPage,
  screenshot,
  shadowText,
  startSchoolSite,
  startSouffle,
  type SchoolSite,
  type Souffle,
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

/** The markers a <souffle-map> drew: station id → fill colour. */
const markers = (page: Page, selector = 'souffle-map') =>
  page
    .locator(selector)
    .first()
    .evaluate((el) =>
      Object.fromEntries(
        [...el.shadowRoot!.querySelectorAll('path[data-station]')].map((p) => [
          p.getAttribute('data-station'),
          p.getAttribute('fill'),
        ]),
      ),
    );

/** Tiles on a port where nothing listens: what a school sees offline or when the tile server is down. */
const NOWHERE = 'http://127.0.0.1:9/{z}/{x}/{y}.png';

describe('the map', () => {
  it('shows every station as a marker coloured by its index, without any tile', async () => {
    school.setPage(
      '/map.html',
      schoolPage(
        souffle.url,
        `<souffle-map id="map" tiles="${NOWHERE}" style="max-width:900px"></souffle-map>`,
      ),
    );
    const { page, context, requests, errors } = await newPage(browser);
    await page.goto(school.url + '/map.html');
    await expect.poll(async () => Object.keys(await markers(page)).length).toBe(4);
    await expect
      .poll(() => markers(page))
      .toEqual({
        [FLEET.official.id]: '#F0E641', // ATMO 3 Dégradé
        [FLEET.school.id]: '#50CCAA', // ATMO 2 Moyen
        [FLEET.offline.id]: '#DDDDDD', // unavailable: no data today
        [FLEET.never.id]: '#DDDDDD', // never seen: no index to ask for
      });
    // Leaflet came lazily, and the only other origin asked for was the (dead) tile server.
    expect(requests.some((r) => /\/widgets\/souffle-map-[\w-]+\.js$/.test(r))).toBe(true);
    const foreign = requests.filter((r) => !r.startsWith(souffle.url) && !r.startsWith(school.url));
    expect(foreign.every((r) => r.startsWith('http://127.0.0.1:9/'))).toBe(true);
    const legend = await page
      .locator('#map')
      .evaluate((el) => el.shadowRoot!.querySelector('[part="legend"]')!.textContent);
    expect(legend).toContain('Extrêmement mauvais');

    // A click on a marker opens a popup with the station's card.
    await page.locator('#map').locator(`path[data-station="${FLEET.school.id}"]`).click();
    const card = page.locator('#map').locator('souffle-card');
    await card.locator('[part~="name"]').waitFor();
    expect(await card.evaluate((el) => el.shadowRoot!.textContent)).toContain('École Saint-Charles');
    await page.waitForTimeout(600); // let the popup fade in and the map pan to it
    await screenshot(page, 'map-without-tiles');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('the dashboard at /', () => {
  it('lists the stations with their index beside the map, searches, and opens a station page', async () => {
    const { page, context, errors } = await newPage(browser, { width: 1280, height: 900 });
    await page.goto(souffle.url + '/');
    await page.locator('.station-list li').first().waitFor();
    expect(await page.locator('.station-list li').count()).toBe(4);
    // Official first, then citizen stations by name.
    expect(await page.locator('.station-list__name').first().textContent()).toBe('Marseille Longchamp');
    await page.locator('.station-list souffle-index').first().locator('[part~="badge"]').waitFor();
    await expect.poll(async () => Object.keys(await markers(page)).length).toBe(4);
    await screenshot(page, 'dashboard-fr');

    // Another scheme: the list stays on screen while it comes back with that scheme's indices.
    await page.locator('#scheme').selectOption('eaqi');
    expect(await page.locator('.station-list li').count()).toBe(4);
    await expect.poll(() => shadowText(page, '.station-list souffle-index')).toContain('Indice européen');
    await page.locator('#scheme').selectOption('atmo');
    await expect.poll(() => shadowText(page, '.station-list souffle-index')).toContain('Indice ATMO');

    await page.getByLabel('Rechercher une station', { exact: true }).fill('ecole');
    await expect.poll(() => page.locator('.station-list li').count()).toBe(1);
    await page.locator('.station-list a').first().click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('École Saint-Charles');
    expect(page.url()).toContain('#/station/ecole-saint-charles');
    await page.locator('souffle-card [part~="name"]').waitFor();
    const charts = page.locator('souffle-chart');
    expect(await charts.count()).toBe(2); // pm25 and pm10, compared with AtmoSud
    await expect
      .poll(() => charts.first().evaluate((el) => el.shadowRoot?.querySelector('canvas')?.width ?? 0))
      .toBeGreaterThan(0);
    await page.waitForTimeout(300);
    await screenshot(page, 'dashboard-station');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('switches to English and back, widgets included', async () => {
    const { page, context } = await newPage(browser, { width: 1280, height: 900 });
    await page.goto(souffle.url + '/#/station/' + FLEET.official.id);
    await page.locator('souffle-card [part~="name"]').waitFor();
    await page.getByRole('button', { name: 'Read this page in English' }).click();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect.poll(() => page.locator('.breadcrumb').textContent()).toContain('All stations');
    await expect
      .poll(() => page.locator('souffle-index[scheme="atmo"]').evaluate((el) => el.shadowRoot!.textContent))
      .toContain('Degraded');
    // Every chart redrew in English, including those drawn before the switch.
    const legends = () =>
      page.locator('souffle-chart').evaluateAll((charts) =>
        charts.map((el) => {
          const chart = (
            el as unknown as { chartInstance?: { data: { datasets: Array<{ label?: string }> } } }
          ).chartInstance;
          return chart?.data.datasets.at(-1)?.label ?? '';
        }),
      );
    await expect
      .poll(legends)
      .toEqual([
        'WHO guideline (24 h): 15 µg/m³',
        'WHO guideline (24 h): 45 µg/m³',
        'WHO guideline (24 h): 25 µg/m³',
        'WHO guideline (8 h): 100 µg/m³',
      ]);
    await screenshot(page, 'dashboard-station-en');
    await page.getByRole('button', { name: 'Lire cette page en français' }).click();
    await expect.poll(() => page.locator('.breadcrumb').textContent()).toContain('Toutes les stations');
    await context.close();
  });

  it('fits a phone screen', async () => {
    const { page, context } = await newPage(browser, { width: 390, height: 844 });
    await page.goto(souffle.url + '/');
    await page.locator('.station-list li').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0)
      console.log(
        await page.evaluate(() =>
          [...document.querySelectorAll('*')]
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
            .slice(0, 15)
            .join('\n'),
        ),
      );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'dashboard-phone');
    await context.close();
  });
});

describe('the embed builder at /embed', () => {
  it('builds the snippet with the absolute script URL, previews it live, and the snippet works on another origin', async () => {
    const { page, context, errors } = await newPage(browser, { width: 1280, height: 1000 });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: souffle.url });
    await page.goto(`${souffle.url}/embed#station=${FLEET.school.id}`);
    await page.locator('#preview souffle-card').waitFor();
    const snippet = () => page.locator('#snippet').inputValue();
    expect(await snippet()).toBe(
      `<script type="module" src="${souffle.url}/widgets/souffle.js"></script>\n` +
        `<souffle-card station="${FLEET.school.id}"></souffle-card>`,
    );

    // Pick a chart of PM10 over 30 days compared with AtmoSud, in English.
    await page.getByRole('radio', { name: /Graphique/ }).check();
    await page.locator('#opt-phenomenon').selectOption('pm10');
    await page.locator('#opt-range').selectOption('30d');
    await page.getByLabel('Comparer avec la station AtmoSud la plus proche', { exact: true }).check();
    await page.locator('#opt-lang').selectOption('en');
    const chartSnippet =
      `<script type="module" src="${souffle.url}/widgets/souffle.js"></script>\n` +
      `<souffle-chart station="${FLEET.school.id}" phenomenon="pm10" range="30d" compare lang="en"></souffle-chart>`;
    await expect.poll(snippet).toBe(chartSnippet);
    const preview = page.locator('#preview souffle-chart');
    await expect
      .poll(() => preview.evaluate((el) => el.shadowRoot?.textContent ?? ''))
      .toContain('daily means');

    // Choosing a station on the map changes the snippet.
    await page
      .locator('souffle-map')
      .locator(`path[data-station="${FLEET.official.id}"]`)
      .click({ force: true });
    await expect.poll(snippet).toContain(`station="${FLEET.official.id}"`);
    await page.getByRole('radio', { name: /Graphique/ }).check();
    await page.locator('.choice', { hasText: 'École Saint-Charles' }).click();
    await expect.poll(snippet).toBe(chartSnippet);

    await page.getByRole('button', { name: 'Copier le code' }).click();
    await expect
      .poll(() => page.locator('.code__actions [role="status"]').textContent())
      .toContain('Code copié');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(chartSnippet);
    await page.waitForTimeout(300);
    await screenshot(page, 'embed-builder');
    expect(errors).toEqual([]);

    // The copied two lines, pasted into a school's page on another origin, work as they are.
    school.setPage(
      '/pasted.html',
      `<!doctype html><html lang="fr"><head><meta charset="utf-8"></head><body>${chartSnippet}</body></html>`,
    );
    const other = await newPage(browser);
    await other.page.goto(school.url + '/pasted.html');
    const pasted = other.page.locator('souffle-chart');
    await expect
      .poll(() =>
        pasted.evaluate((el) => (el as unknown as { chartInstance?: unknown }).chartInstance !== undefined),
      )
      .toBe(true);
    expect(await pasted.evaluate((el) => el.shadowRoot!.textContent)).toContain(
      'AtmoSud Marseille Longchamp',
    );
    await screenshot(other.page, 'school-page-pasted-chart');
    expect(other.errors).toEqual([]);
    await other.context.close();
    await context.close();
  });
});
