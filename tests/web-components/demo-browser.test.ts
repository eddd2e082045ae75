// `souffle demo` as a visitor meets it, with no network: the real command in a child process (the
// built-in stand-in for AtmoSud answers its puller, a small simulated city publishes), then real
// Chromium on the dashboard, the embed builder and a school page with a card, on a desktop and a
// phone, in French and English. Every place that shows the data says it is demonstration data.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LatestResponse, StationsResponse } from '../../data/api-types.js';
import { freePort } from '../../testing/free-port.js';
import { SOUFFLE_BIN } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-db.js';
import { axeSummary, axeViolations } from './axe.js';
import {
  launchChromium,
  newPage,
  schoolPage,
  screenshot,
  shadowText,
  startSchoolSite,
  type SchoolSite,
} from './harness.js';

const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

describe('souffle demo', () => {
  const tmp = tempDir();
  let child: ChildProcess;
  let output = '';
  let api: string;
  let browser: Browser;
  let school: SchoolSite;

  beforeAll(async () => {
    const [port, mqttPort] = [await freePort(), await freePort()];
    api = `http://127.0.0.1:${port}`;
    child = spawn(
      process.execPath,
      [SOUFFLE_BIN, 'demo', '--devices', '6', '--history', '2d', '--sim-history', '3h'],
      {
        env: {
          ...process.env,
          SOUFFLE_DEMO_DB: join(tmp.dir, 'demo.db'),
          // Whatever a real installation is configured with, the demo keeps away from it.
          SOUFFLE_DB: join(tmp.dir, 'real.db'),
          ATMOSUD_URL: 'http://127.0.0.1:9/unreachable',
          PORT: String(port),
          HOST: '127.0.0.1',
          SOUFFLE_MQTT_PORT: String(mqttPort),
          SOUFFLE_MQTT_HOST: '127.0.0.1',
          SOUFFLE_ADMIN_TOKEN: '',
          SOUFFLE_ACCESS_LOG: 'false',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    [browser, school] = await Promise.all([launchChromium(), startSchoolSite()]);
    // Ready once the simulated sensors' history is in: every citizen station has a reading.
    const ready = async () => {
      if (!/Demonstration data/.test(output)) return false;
      const list = (await (await fetch(`${api}/api/v1/stations`)).json()) as StationsResponse;
      const citizens = list.stations.filter((s) => s.source === 'citizen');
      return citizens.length === 6 && citizens.every((s) => s.lastSeen !== null);
    };
    const deadline = Date.now() + 60_000;
    while (!(await ready().catch(() => false))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`demo not ready:\n${output}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  });

  afterAll(async () => {
    await browser?.close();
    await school?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    tmp.cleanup();
  });

  it('serves the metropolis stand-in through the puller, every station labelled as demonstration data', async () => {
    const list = (await (await fetch(`${api}/api/v1/stations`)).json()) as StationsResponse;
    const official = list.stations.filter((s) => s.source === 'atmosud').map((s) => s.name);
    expect(official).toEqual(
      expect.arrayContaining([
        'Marseille Longchamp',
        'Marseille Cinq Avenues',
        'Marseille Saint-Louis',
        'Marseille L2 Kaddouz',
        'Marseille Rabatau',
        'Aix Platanes',
        "Aix École d'Art",
        'Martigues Lavéra',
        "Berre-l'Étang",
      ]),
    );
    for (const s of list.stations) {
      expect(s.demo, s.id).toBe(true);
      expect(s.attribution, s.id).toMatch(/^Données de démonstration \/ Demonstration data/);
    }
    const health = (await (await fetch(`${api}/healthz`)).json()) as { demo?: boolean; atmosud: unknown };
    expect(health.demo).toBe(true);
    expect(health.atmosud).toMatchObject({ state: 'ok', stations: 11 });
    // Levels AtmoSud publishes: urban background NO2 in the tens of µg/m³, PM2.5 around ten.
    const latest = (await (
      await fetch(`${api}/api/v1/stations/atmosud-FR03043/latest`)
    ).json()) as LatestResponse;
    const value = (p: string) => latest.values.find((v) => v.phenomenon === p)?.value ?? NaN;
    expect(value('pm25')).toBeGreaterThan(2);
    expect(value('pm25')).toBeLessThan(35);
    expect(value('no2')).toBeGreaterThan(5);
    expect(value('no2')).toBeLessThan(90);
    // The real database was never touched.
    expect(output).toContain(join(tmp.dir, 'demo.db'));
    expect(output).not.toContain(join(tmp.dir, 'real.db'));
    expect(output).not.toContain('unreachable');
  });

  for (const [size, viewport] of Object.entries(SIZES)) {
    for (const lang of ['fr', 'en'] as const) {
      it(`shows the banner on the pages (${size}, ${lang}), axe-clean`, async () => {
        const { page, context, errors } = await newPage(browser, viewport, Date.now());
        // The embed builder once per language, on the other size each time: the banner is the same.
        const paths = (size === 'desktop') === (lang === 'fr') ? ['/', '/embed'] : ['/'];
        for (const path of paths) {
          await page.goto(`${api}${path}${lang === 'en' ? '?lang=en' : ''}`);
          const banner = page.locator('.demo-banner');
          await expect.poll(() => banner.isVisible()).toBe(true);
          expect(await banner.innerText()).toContain(
            lang === 'fr' ? 'Données de démonstration' : 'Demonstration data',
          );
          if (path === '/')
            await expect
              .poll(() => page.locator('body').innerText(), { timeout: 15_000 })
              .toContain('Marseille Longchamp');
          expect(axeSummary(await axeViolations(page))).toEqual([]);
          await screenshot(page, `demo-${path === '/' ? 'dashboard' : 'embed'}-${size}-${lang}`);
        }
        expect(errors).toEqual([]);
        await context.close();
      });
    }
  }

  it('labels a card on a school page as demonstration data', async () => {
    school.setPage(
      '/air.html',
      schoolPage(api, '<souffle-card station="atmosud-FR03043" lang="en"></souffle-card>', 'en'),
    );
    const { page, context, errors } = await newPage(browser, SIZES.phone, Date.now());
    await page.goto(`${school.url}/air.html`);
    await expect
      .poll(() => shadowText(page, 'souffle-card'), { timeout: 15_000 })
      .toContain('Demonstration data (stand-in for AtmoSud)');
    expect(axeSummary(await axeViolations(page))).toEqual([]);
    await screenshot(page, 'demo-card-school-phone-en');
    expect(errors).toEqual([]);
    await context.close();
  });
});
