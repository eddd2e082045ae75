import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { tempDir } from '../helpers/temp-db.js';
import { ADMIN_TOKEN, fixture, type Fixture } from './fixtures.js';

let f: Fixture;
let web: { dir: string; cleanup: () => void };
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  f = await fixture();
  web = tempDir('souffle-web-');
  mkdirSync(join(web.dir, 'widgets'));
  mkdirSync(join(web.dir, 'assets'));
  writeFileSync(join(web.dir, 'index.html'), '<!doctype html><title>Dashboard</title>');
  writeFileSync(join(web.dir, 'embed.html'), '<!doctype html><title>Embed</title>');
  writeFileSync(join(web.dir, 'widgets', 'souffle.js'), 'import "./chart-Bx3kQ9aZ.js";');
  writeFileSync(join(web.dir, 'widgets', 'chart-Bx3kQ9aZ.js'), 'export const chart = 1;');
  writeFileSync(join(web.dir, 'assets', 'index-C7dkP2mQ.css'), 'body{}');
  writeFileSync(join(web.dir, 'secret.txt'), 'nope');
  app = createApp({
    db: f.db,
    adminToken: ADMIN_TOKEN,
    publicUrl: 'http://localhost',
    mqttUrl: 'mqtt://localhost',
    webDir: web.dir,
  });
});
afterAll(async () => {
  web.cleanup();
  await f.cleanup();
});

describe('static web', () => {
  it('serves the dashboard at / and the embed builder at /embed', async () => {
    const index = await app.request('/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(await index.text()).toContain('Dashboard');
    expect(await (await app.request('/embed')).text()).toContain('Embed');
  });

  it('serves the widget entry to any website, briefly cached and revalidated by ETag', async () => {
    const res = await app.request('/widgets/souffle.js', { headers: { Origin: 'https://ecole.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('javascript');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const etag = res.headers.get('etag')!;
    const again = await app.request('/widgets/souffle.js', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
  });

  it('caches hashed chunks for a year, immutable', async () => {
    for (const path of ['/widgets/chart-Bx3kQ9aZ.js', '/assets/index-C7dkP2mQ.css']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
  });

  it('serves nothing outside widgets/ and assets/, and no path escapes the folder', async () => {
    expect((await app.request('/secret.txt')).status).toBe(404);
    expect((await app.request('/widgets/../secret.txt')).status).toBe(404);
    expect((await app.request('/widgets/%2e%2e/secret.txt')).status).toBe(404);
    expect((await app.request('/widgets/missing.js')).status).toBe(404);
  });

  it('says to run npm run build when the web build is missing', async () => {
    const res = await f.app.request('/'); // the fixture points at a folder that does not exist
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });
});
