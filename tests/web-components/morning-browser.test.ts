// The widgets and the dashboard at 08:30 UTC, the hours when most people look at them: today has
// too few hours for the daily ATMO index, so the widgets show yesterday's and say so; AtmoSud's
// hourly means arrive two hours late, and its stations must not look broken for it.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/** 11 March 2026, 08:30 UTC (09:30 in Marseille). */
const MORNING = Date.UTC(2026, 2, 11, 8, 30);

let souffle: Souffle;
let school: SchoolSite;
let browser: Browser;

beforeAll(async () => {
  [souffle, school, browser] = await Promise.all([
    startSouffle({ now: MORNING, referenceDelayHours: 2 }),
    startSchoolSite(),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await school?.close();
  await souffle?.close();
});

const badgeLevel = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((el) => el.shadowRoot!.querySelector<HTMLElement>('[part~="badge"]')!.dataset.level);

async function openSchoolPage(path: string, body: string, lang = 'fr') {
  school.setPage(path, schoolPage(souffle.url, body, lang));
  const p = await newPage(browser, undefined, MORNING);
  await p.page.goto(school.url + path);
  return p;
}

describe('in the morning', () => {
  it("shows yesterday's ATMO index in colour, saying that it is yesterday's", async () => {
    const { page, context, errors } = await openSchoolPage(
      '/morning.html',
      `<souffle-index id="school" station="${FLEET.school.id}"></souffle-index>
       <souffle-index id="official" station="${FLEET.official.id}" compact></souffle-index>
       <souffle-index id="en" station="${FLEET.official.id}" lang="en"></souffle-index>
       <souffle-index id="eaqi" station="${FLEET.school.id}" scheme="eaqi"></souffle-index>
       <souffle-card id="card" station="${FLEET.school.id}"></souffle-card>`,
    );
    for (const id of ['school', 'official', 'en', 'eaqi', 'card'])
      await page.locator(`#${id}`).locator('[part~="badge"]').waitFor();
    expect(await shadowText(page, '#school')).toBe(
      'Indice ATMO (particules seules) · hier Moyen Polluant principal : PM2.5 indicatif',
    );
    expect(await badgeLevel(page, '#school')).toBe('2');
    expect(await shadowText(page, '#official')).toMatch(
      /^Indice ATMO \(partiel\) : Dégradé · hier\s*indicatif$/,
    );
    expect(await shadowText(page, '#en')).toBe(
      'ATMO index (partial) · yesterday Degraded Main pollutant: NO₂ indicative',
    );
    // The hourly European index is of now: no day to state.
    expect(await shadowText(page, '#eaqi')).not.toContain('hier');
    expect(await shadowText(page, '#card')).toContain('Indice ATMO (particules seules) · hier');
    await screenshot(page, 'morning-widgets');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows an AtmoSud station two hours behind as online, with the hour of its latest mean and its address', async () => {
    const { page, context, errors } = await openSchoolPage(
      '/official.html',
      `<souffle-card id="official" station="${FLEET.official.id}"></souffle-card>`,
    );
    await page.locator('#official').locator('[part~="freshness"]').waitFor();
    const text = await shadowText(page, '#official');
    expect(text).not.toContain('Pas de données');
    expect(text).toContain('en ligne');
    // 06:00–07:00 UTC is 07:00–08:00 in Marseille.
    expect(text).toContain('Dernière moyenne horaire : 07:00–08:00');
    expect(text).toContain('Boulevard Jardin Zoologique · ');
    expect(text).not.toMatch(/\b13 ·/);
    await screenshot(page, 'morning-official-card', '#official');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('colours the dashboard list and map from one station request, not one per station', async () => {
    const { page, context, requests, errors } = await newPage(browser, { width: 1280, height: 900 }, MORNING);
    await page.goto(souffle.url + '/');
    const item = (id: string) => page.locator(`.station-list li:has(a[href$="/${id}"])`);
    await item(FLEET.school.id).locator('souffle-index').locator('[part~="badge"]').waitFor();
    const pill = async (id: string) =>
      item(id)
        .locator('souffle-index')
        .evaluate((el) => {
          const badge = el.shadowRoot!.querySelector<HTMLElement>('[part~="badge"]')!;
          return { level: badge.dataset.level, text: badge.textContent!.replace(/\s+/g, ' ').trim() };
        });
    expect(await pill(FLEET.official.id)).toMatchObject({
      level: '3',
      text: expect.stringMatching(/^Indice ATMO \(partiel\) : Dégradé · hier\s*indicatif$/),
    });
    expect(await pill(FLEET.school.id)).toMatchObject({
      level: '2',
      text: expect.stringMatching(/^Indice ATMO \(particules seules\) : Moyen · hier\s*indicatif$/),
    });
    expect(await pill(FLEET.offline.id)).toMatchObject({ level: '0' });
    expect(await item(FLEET.official.id).locator('.station-list__meta').textContent()).toContain(
      'Boulevard Jardin Zoologique',
    );

    const markers = () =>
      page
        .locator('souffle-map')
        .evaluate((el) =>
          Object.fromEntries(
            [...el.shadowRoot!.querySelectorAll('path[data-station]')].map((p) => [
              p.getAttribute('data-station'),
              p.getAttribute('fill'),
            ]),
          ),
        );
    await expect.poll(async () => Object.keys(await markers()).length).toBe(4);
    expect(await markers()).toEqual({
      [FLEET.official.id]: '#F0E641',
      [FLEET.school.id]: '#50CCAA',
      [FLEET.offline.id]: '#DDDDDD',
      [FLEET.never.id]: '#DDDDDD',
    });
    const api = requests.filter((r) => r.includes('/api/v1/'));
    expect(api.filter((r) => /\/stations\/[^/]+\/index/.test(r))).toEqual([]);
    expect(api.filter((r) => r.includes('/api/v1/stations?index=atmo')).length).toBeGreaterThanOrEqual(1);

    // Another scheme reloads the list once, with that scheme's indices.
    await page.locator('#scheme').selectOption('eaqi');
    await expect
      .poll(() => pill(FLEET.school.id).then((p) => p.text))
      .toMatch(/^Indice européen \(particules seules\) : /);
    expect(requests.filter((r) => /\/stations\/[^/]+\/index/.test(r))).toEqual([]);
    await page.locator('#scheme').selectOption('atmo');
    await expect.poll(() => pill(FLEET.school.id).then((p) => p.text)).toContain('hier');
    await page.waitForTimeout(300);
    await screenshot(page, 'morning-dashboard');
    expect(errors).toEqual([]);
    await context.close();
  });
});
