import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, json, type Fixture } from './fixtures.js';

let f: Fixture;
type Document = {
  openapi: string;
  paths: Record<
    string,
    Record<string, { parameters?: { name: string; in: string }[]; security?: unknown[] }>
  >;
  components: { securitySchemes: Record<string, unknown> };
};
let doc: Document;

beforeAll(async () => {
  f = await fixture();
  const res = await f.app.request('/api/v1/openapi.json');
  expect(res.status).toBe(200);
  doc = await json<Document>(res);
});
afterAll(() => f.cleanup());

describe('GET /api/v1/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(doc.openapi).toBe('3.1.0');
  });

  it('documents every endpoint of the issue', () => {
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/v1/alerts',
        '/api/v1/alerts/confirm',
        '/api/v1/alerts/unsubscribe',
        '/api/v1/communes/{insee}/index',
        '/api/v1/devices',
        '/api/v1/devices/{id}',
        '/api/v1/devices/{id}/calibrations',
        '/api/v1/devices/{id}/status',
        '/api/v1/devices/{id}/token',
        '/api/v1/enrolment-codes',
        '/api/v1/enrolment-codes/{id}',
        '/api/v1/export',
        '/api/v1/latest',
        '/api/v1/my/{id}',
        '/api/v1/my/{id}/token',
        '/api/v1/my/{id}/alerts',
        '/api/v1/my/{id}/alerts/{rule}',
        '/api/v1/phenomena',
        '/api/v1/join',
        '/api/v1/sources/atmosud',
        '/api/v1/push/airrohr',
        '/api/v1/push-outbox/dead-letters',
        '/api/v1/push-outbox/dead-letters/{id}',
        '/api/v1/push-outbox/dead-letters/{id}/retry',
        '/api/v1/stations',
        '/api/v1/stations/{id}',
        '/api/v1/stations/{id}/badge.svg',
        '/api/v1/stations/{id}/calibrations',
        '/api/v1/stations/{id}/compare',
        '/api/v1/stations/{id}/home-assistant',
        '/api/v1/stations/{id}/index',
        '/api/v1/stations/{id}/latest',
        '/api/v1/stations/{id}/profile',
        '/api/v1/stations/{id}/qr.svg',
        '/api/v1/stations/{id}/series',
        '/api/v1/stations/{id}/track',
        '/api/v1/stream',
        '/api/v1/ttn/uplink',
        '/healthz',
        '/metrics',
        '/opensensemap/boxes/{boxId}/data',
        '/opensensemap/boxes/{boxId}/{sensorId}',
      ].sort(),
    );
  });

  it('comes from the schemas that validate requests: the series parameters are all there', () => {
    const names = doc.paths['/api/v1/stations/{id}/series']!.get!.parameters!.map((p) => `${p.in}:${p.name}`);
    expect(names.sort()).toEqual(
      [
        'path:id',
        'query:cursor',
        'query:format',
        'query:from',
        'query:limit',
        'query:phenomenon',
        'query:sensor',
        'query:step',
        'query:to',
        'query:values',
      ].sort(),
    );
  });

  it('declares the admin and device authentication schemes', () => {
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      'adminToken',
      'deviceBasic',
      'deviceBearer',
    ]);
    expect(doc.paths['/api/v1/devices']!.post!.security).toEqual([{ adminToken: [] }]);
  });
});

describe('GET /api/v1/docs', () => {
  it('serves an interactive reference whose scripts and styles all come from this server', async () => {
    const res = await f.app.request('/api/v1/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const url of urls) {
      expect(url).not.toMatch(/^(https?:)?\/\//);
      // The links back to the site's pages (../../, ../../embed): served from dist/web, absent here.
      if (url.startsWith('../../')) continue;
      const asset = await f.app.request(new URL(url, 'http://localhost/api/v1/docs').pathname);
      expect(asset.status, url).toBe(200);
    }
    const init = await (await f.app.request('/api/v1/docs/init.js')).text();
    expect(init).toContain("url: 'openapi.json'");
  });

  it('redirects /docs and /openapi.json to their /api/v1 addresses', async () => {
    expect((await f.app.request('/docs')).headers.get('location')).toBe('/api/v1/docs');
    expect((await f.app.request('/openapi.json')).headers.get('location')).toBe('/api/v1/openapi.json');
  });

  it('does not serve other files of the package', async () => {
    expect((await f.app.request('/api/v1/docs/assets/package.json')).status).toBe(404);
    expect((await f.app.request('/api/v1/docs/assets/..%2Fpackage.json')).status).toBe(404);
  });
});
