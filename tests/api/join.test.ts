import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceConnection } from '../../data/device-connection.js';
import { getDevice } from '../../data/store/devices.js';
import { createEnrolmentCode, revokeEnrolmentCode } from '../../data/store/enrolment-codes.js';
import { ADMIN_TOKEN, DAY, fixture, json, NOW, type Fixture } from './fixtures.js';

let f: Fixture;
let changes = 0;
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
type Created = {
  id: string;
  code: string;
  joinUrl: string;
  uses: number;
  usesAllowed: number;
  expiresAt: string;
};
type Joined = {
  connection: DeviceConnection;
  licence: string;
  stationUrl: string;
  qrUrl: string;
  statusUrl: string;
};
type Problem = { error: { code: string; message: string } };

const issue = async (body: unknown) => {
  const res = await f.app.request('/api/v1/enrolment-codes', {
    method: 'POST',
    headers: admin,
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return json<Created>(res);
};
const join = (body: Record<string, unknown>) =>
  f.app.request('/api/v1/join', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ acceptLicence: true, lat: 43.3, lon: 5.39, ...body }),
  });

beforeAll(async () => {
  f = await fixture({ onDevicesChanged: () => void changes++ });
});
afterAll(() => f.cleanup());

describe('admin: enrolment codes', () => {
  it('issues a code of 136 random bits, shown once, valid 30 days unless told otherwise', async () => {
    const created = await issue({ uses: 30, label: '5e B, collège Longchamp' });
    expect(created.code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(created.joinUrl).toBe(`https://souffle.example.org/join#code=${created.code}`);
    expect(created).toMatchObject({
      usesAllowed: 30,
      uses: 0,
      expiresAt: new Date(NOW + 30 * DAY).toISOString(),
    });
    const list = await json<{ codes: Array<Record<string, unknown>> }>(
      await f.app.request('/api/v1/enrolment-codes', { headers: admin }),
    );
    const listed = list.codes.find((c) => c.id === created.id)!;
    expect(listed).toMatchObject({ label: '5e B, collège Longchamp', usesAllowed: 30 });
    // Only a hash is kept: the list can never show the code again.
    expect(JSON.stringify(list)).not.toContain(created.code);
    expect(JSON.stringify(list)).not.toContain(created.code.replace(/-/g, ''));
  });

  it('needs the admin token', async () => {
    const res = await f.app.request('/api/v1/enrolment-codes', { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
  });

  it.each([
    [{ uses: 0 }, 'body field "uses" 0'],
    [{ uses: 1.5 }, 'body field "uses" 1.5'],
    [{ expiresAt: 'tomorrow' }, 'body field "expiresAt" "tomorrow"'],
    [{ expiresAt: '2020-01-01T00:00:00Z' }, 'is in the past'],
    [{ label: '<script>' }, 'body field "label"'],
  ])('refuses %j naming the field', async (body, expected) => {
    const res = await f.app.request('/api/v1/enrolment-codes', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    expect((await json<Problem>(res)).error.message).toContain(expected);
  });
});

describe('POST /api/v1/join', () => {
  it('registers the sensor, answers its credentials once, and says the Mosquitto files must change', async () => {
    const { code } = await issue({});
    const before = changes;
    const res = await join({ code, name: 'Balcon Chave', format: 'airrohr' });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await json<Joined>(res);
    expect(body.connection).toMatchObject({ id: 'balcon-chave', format: 'airrohr' });
    expect(body.connection.airrohr).toMatchObject({
      server: 'souffle.example.org',
      path: '/api/v1/push/airrohr',
    });
    expect(body.licence).toBe('ODbL-1.0');
    expect(body.stationUrl).toBe('https://souffle.example.org/#/station/balcon-chave');
    expect(body.qrUrl).toBe('https://souffle.example.org/api/v1/stations/balcon-chave/qr.svg');
    expect(changes).toBe(before + 1);
    const device = (await getDevice(f.db, 'balcon-chave'))!;
    expect(device.enrolment_code_id).toMatch(/^ec-[0-9a-f]{12}$/);
    expect(device.licence_accepted_at).toBe(NOW);
    // The token it was given is the device's: its status answers.
    const status = await f.app.request(body.statusUrl.replace('https://souffle.example.org', ''), {
      headers: { Authorization: `Bearer ${body.connection.token}` },
    });
    expect(status.status).toBe(200);
  });

  it('reads a code typed in lower case, without dashes, with O for 0 and l for 1', async () => {
    const { code } = await issue({});
    const typed = code.replace(/-/g, ' ').toLowerCase().replace(/0/g, 'O').replace(/1/g, 'l');
    const res = await join({ code: typed, name: 'Typed by hand' });
    expect(res.status).toBe(201);
  });

  it('lets a class code register as many sensors as it was issued for, then refuses', async () => {
    const { code, id } = await issue({ uses: 2 });
    expect((await join({ code, name: 'Élève 1' })).status).toBe(201);
    expect((await join({ code, name: 'Élève 2' })).status).toBe(201);
    const third = await join({ code, name: 'Élève 3' });
    expect(third.status).toBe(403);
    expect((await json<Problem>(third)).error.code).toBe('code_used_up');
    expect(await getDevice(f.db, 'eleve-3')).toBeUndefined();
    const list = await json<{ codes: Array<{ id: string; uses: number }> }>(
      await f.app.request('/api/v1/enrolment-codes', { headers: admin }),
    );
    expect(list.codes.find((c) => c.id === id)!.uses).toBe(2);
  });

  it('refuses expired and revoked codes, saying which', async () => {
    const expired = await createEnrolmentCode(f.db, { uses: 5, expiresAt: NOW - 1 }, NOW - DAY);
    const res = await join({ code: expired.code, name: 'Late' });
    expect(res.status).toBe(403);
    expect(await json<Problem>(res)).toEqual({
      error: {
        code: 'code_expired',
        message: 'this enrolment code has expired: ask the person who gave it to you for a new one',
      },
    });
    const revoked = await issue({ uses: 5 });
    const del = await f.app.request(`/api/v1/enrolment-codes/${revoked.id}`, {
      method: 'DELETE',
      headers: admin,
    });
    expect(del.status).toBe(204);
    expect((await json<Problem>(await join({ code: revoked.code, name: 'Withdrawn' }))).error.code).toBe(
      'code_revoked',
    );
    expect(await revokeEnrolmentCode(f.db, 'ec-000000000000')).toBe(false);
  });

  it('gives a second sensor of the same name an id of its own', async () => {
    const { code } = await issue({ uses: 2 });
    const a = await json<Joined>(await join({ code, name: 'Ma fenêtre' }));
    const b = await json<Joined>(await join({ code, name: 'Ma fenêtre' }));
    expect(a.connection.id).toBe('ma-fenetre');
    expect(b.connection.id).toMatch(/^ma-fenetre-[0-9a-f]{6}$/);
  });

  it.each([
    [{ acceptLicence: false }, 'body field "acceptLicence" false'],
    [{ acceptLicence: undefined }, 'body field "acceptLicence" is required'],
    [{ lat: 95 }, 'body field "lat" 95'],
    [{ name: '<b>x</b>' }, 'body field "name"'],
    [{ format: 'airgradient' }, 'body field "serial": is required for format airgradient'],
    [{ id: 'chosen' }, 'unknown body field "id"'],
  ])('refuses %j naming the field, without using the code', async (patch, expected) => {
    const { code, id } = await issue({});
    const res = await join({ code, name: 'Form check', ...patch });
    expect(res.status).toBe(400);
    expect((await json<Problem>(res)).error.message).toContain(expected);
    const list = await json<{ codes: Array<{ id: string; uses: number }> }>(
      await f.app.request('/api/v1/enrolment-codes', { headers: admin }),
    );
    expect(list.codes.find((c) => c.id === id)!.uses).toBe(0);
  });

  it('gives the use back when the AirGradient serial is already registered', async () => {
    const { code, id } = await issue({ uses: 2 });
    const serial = { format: 'airgradient', serial: 'ecda3b1eaaaf' };
    expect((await join({ code, name: 'Cour A', ...serial })).status).toBe(201);
    const again = await join({ code, name: 'Cour B', ...serial });
    expect(again.status).toBe(409);
    const list = await json<{ codes: Array<{ id: string; uses: number }> }>(
      await f.app.request('/api/v1/enrolment-codes', { headers: admin }),
    );
    expect(list.codes.find((c) => c.id === id)!.uses).toBe(1);
  });
});

describe('wrong codes are limited per address', () => {
  it('answers 429 with Retry-After after 10 wrong codes, even to a right one', async () => {
    const g = await fixture();
    try {
      const { code } = await createEnrolmentCode(g.db, { uses: 1, expiresAt: null }, NOW);
      const attempt = (c: string) =>
        g.app.request('/api/v1/join', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ code: c, acceptLicence: true, name: 'Guess', lat: 43.3, lon: 5.4 }),
        });
      for (let i = 0; i < 10; i++) {
        const res = await attempt(`WRONG-${i}`);
        expect(res.status).toBe(403);
        expect((await json<Problem>(res)).error.code).toBe('code_unknown');
      }
      const refused = await attempt(code);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await g.cleanup();
    }
  });
});

describe('GET /api/v1/stations/{id}/qr.svg', () => {
  it("is a QR code of the station's page", async () => {
    const { code } = await issue({});
    const joined = await json<Joined>(await join({ code, name: 'QR sticker' }));
    const res = await f.app.request(joined.qrUrl.replace('https://souffle.example.org', ''));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    const svg = await res.text();
    // The symbol for this URL at level M, with a quiet zone of 4 modules each side.
    const size = QRCode.create(joined.stationUrl, { errorCorrectionLevel: 'M' }).modules.size;
    expect(svg).toMatch(new RegExp(`^<svg [^>]*viewBox="0 0 ${size + 8} ${size + 8}"`));
    expect(svg).toContain('<path');
  });

  it('answers 404 for an unknown station', async () => {
    expect((await f.app.request('/api/v1/stations/nobody/qr.svg')).status).toBe(404);
  });
});
