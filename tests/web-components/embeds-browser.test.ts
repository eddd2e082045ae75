// Embeds for sites that strip scripts: the SVG badge (an <img>) and the framed card page
// (/embed/card/<id>), read by real Chromium on a school page of another origin, with JavaScript
// and without, on a desktop and a phone, in French and English.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSummary, axeViolations } from './axe.js';
import {
  FLEET,
  launchChromium,
  newPage,
  NOW,
  screenshot,
  shadowText,
  startSchoolSite,
  startSouffle,
  type SchoolSite,
  type Souffle,
} from './harness.js';

const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
const station = FLEET.school.id;

describe('embeds without scripts', () => {
  let souffle: Souffle;
  let browser: Browser;
  let school: SchoolSite;

  beforeAll(async () => {
    [souffle, browser, school] = await Promise.all([startSouffle(), launchChromium(), startSchoolSite()]);
  });
  afterAll(async () => {
    await browser?.close();
    await school?.close();
    await souffle?.close();
  });

  it('serves a badge that is well-formed SVG with an accessible name, shown by a plain <img>', async () => {
    const res = await fetch(`${souffle.url}/api/v1/stations/${station}/badge.svg?lang=en`);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const svg = await res.text();
    const { page, context } = await newPage(browser);
    // Chromium's XML parser is the independent reader: a parse error yields <parsererror>.
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      const root = doc.documentElement;
      return {
        error: doc.getElementsByTagName('parsererror').length,
        root: root.localName,
        role: root.getAttribute('role'),
        labelledBy: root.getAttribute('aria-labelledby'),
        title: doc.querySelector('title')?.textContent,
      };
    }, svg);
    expect(parsed).toEqual({
      error: 0,
      root: 'svg',
      role: 'img',
      labelledBy: 't d',
      title: `${FLEET.school.name}: ATMO index Fair`,
    });
    expect((await fetch(`${souffle.url}/api/v1/stations/nowhere/badge.svg`)).status).toBe(404);
    school.setPage(
      '/badge.html',
      `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>École</title></head><body>
<h1>Notre air</h1><img id="b" src="${souffle.url}/api/v1/stations/${station}/badge.svg" alt="Indice ATMO de l’école"></body></html>`,
    );
    await page.goto(`${school.url}/badge.html`);
    await expect
      .poll(() => page.locator('#b').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBe(320);
    expect(axeSummary(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'embed-badge', '#b');
    await context.close();
  });

  it('serves a framable card page that any site may frame', async () => {
    const res = await fetch(`${souffle.url}/embed/card/${station}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain('frame-ancestors *');
    expect(res.headers.get('x-frame-options')).toBeNull();
    const missing = await fetch(`${souffle.url}/embed/card/nowhere`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Station inconnue');
  });

  for (const [size, viewport] of Object.entries(SIZES)) {
    for (const lang of ['fr', 'en'] as const) {
      it(`offers the framed card and the badge in the embed builder (${size}, ${lang}), axe-clean`, async () => {
        const { page, context, errors } = await newPage(browser, viewport);
        await page.goto(`${souffle.url}/embed${lang === 'en' ? '?lang=en' : ''}#station=${station}`);
        await page.locator('details.no-script summary').click();
        const frame = page.locator('#frame-snippet');
        await expect.poll(() => frame.inputValue()).toContain(`${souffle.url}/embed/card/${station}`);
        expect(await page.locator('#badge-snippet').inputValue()).toBe(
          `<img src="${souffle.url}/api/v1/stations/${station}/badge.svg" width="320" height="56" alt="Indice de la qualité de l’air">`,
        );
        // The snippet works as pasted: the framed page it points at answers.
        const src = /src="([^"]+)"/.exec(await frame.inputValue())![1]!;
        expect((await fetch(src)).status).toBe(200);
        expect(axeSummary(await axeViolations(page))).toEqual([]);
        await screenshot(page, `embed-builder-no-script-${size}-${lang}`);
        expect(errors).toEqual([]);
        await context.close();
      });
    }
  }

  for (const [size, viewport] of Object.entries(SIZES)) {
    for (const lang of ['fr', 'en'] as const) {
      it(`shows the framed card with and without JavaScript (${size}, ${lang}), axe-clean`, async () => {
        const frameUrl = `${souffle.url}/embed/card/${station}${lang === 'en' ? '?lang=en' : ''}`;
        school.setPage(
          '/frame.html',
          `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>École</title></head><body>
<h1>Notre air</h1><iframe src="${frameUrl}" title="Souffle" width="360" height="480" style="border:0"></iframe></body></html>`,
        );
        // bypassCSP: axe-core is injected as an inline script, which the page's CSP rightly refuses.
        const context = await browser.newContext({ viewport, bypassCSP: true, timezoneId: 'Europe/Paris' });
        const page = await context.newPage();
        await page.clock.install({ time: NOW });
        await page.clock.resume();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`${school.url}/frame.html`);
        const frame = page.frameLocator('iframe');
        await expect
          .poll(() => frame.locator('souffle-card').evaluate((el) => el.shadowRoot?.textContent ?? ''))
          .toContain(FLEET.school.name);
        await page.goto(frameUrl);
        await expect.poll(() => shadowText(page, 'souffle-card')).toContain(lang === 'fr' ? 'Moyen' : 'Fair');
        expect(axeSummary(await axeViolations(page))).toEqual([]);
        await screenshot(page, `embed-frame-${size}-${lang}`);
        expect(errors).toEqual([]);
        await context.close();

        // A reader without JavaScript gets the server-rendered fallback: name, badge, values, source.
        const noJs = await browser.newContext({ viewport, javaScriptEnabled: false, bypassCSP: true });
        const plain = await noJs.newPage();
        await plain.goto(frameUrl);
        const text = await plain.locator('body').innerText();
        expect(text).toContain(FLEET.school.name);
        expect(text).toContain(lang === 'fr' ? '18,0 µg/m³' : '18.0 µg/m³');
        expect(text).toContain(lang === 'fr' ? 'Voir la station sur Souffle' : 'See the station on Souffle');
        await expect
          .poll(() => plain.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth))
          .toBe(320);
        await screenshot(plain, `embed-frame-nojs-${size}-${lang}`);
        await noJs.close();
        // axe needs JavaScript: the same fallback, checked with the widget script kept away.
        const blocked = await browser.newContext({ viewport, bypassCSP: true });
        const fallback = await blocked.newPage();
        await fallback.route('**/widgets/souffle.js', (route) => route.abort());
        await fallback.goto(frameUrl);
        await fallback.locator('.fallback img').waitFor();
        expect(axeSummary(await axeViolations(fallback))).toEqual([]);
        await blocked.close();
      });
    }
  }
});
