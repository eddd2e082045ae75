// Calibrations over HTTP, on both engines: the admin runs and applies one, anyone reads its
// evidence, and every read of the series then shows corrected values that say so, raw on request.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CalibrationReport } from '../../data/calibration/calibrate.js';
import {
  ADMIN_TOKEN,
  citizen,
  DAY,
  fixture,
  hourly,
  json,
  readings,
  reference,
  TODAY,
  type Fixture,
} from './fixtures.js';

const FROM = TODAY - 8 * DAY;
/** The reference's hourly values, varied, and the sensor reading about half of them plus 1. */
const ref = (i: number) => 8 + ((i * 7) % 19);
const noise = (i: number) => (((i * 37) % 7) - 3) / 10;
const sensor = (i: number) => 0.5 * ref(i) + 1 + noise(i);

let f: Fixture;
beforeEach(async () => {
  f = await fixture();
  await citizen(f.db, { id: 'balcon', lat: 43.3, lon: 5.4 });
  await reference(f.db, { id: 'atmosud-FR1', lat: 43.3, lon: 5.4, name: 'Marseille Test' });
  // The citizen's hours run on to 20:10 today; the reference's over the 8 days of the window.
  await readings(f.db, 'balcon', 'pm25', hourly(FROM, 8 * 24 + 21, sensor));
  await readings(f.db, 'atmosud-FR1', 'pm25', hourly(FROM, 8 * 24, ref), { sensor: 'reference' });
});
afterEach(async () => f?.cleanup());

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' };
function post(body: object, token = admin) {
  return f.app.request('/api/v1/devices/balcon/calibrations', {
    method: 'POST',
    headers: token,
    body: JSON.stringify(body),
  });
}

describe('calibrations over HTTP', () => {
  it('evaluates without storing, then applies: 201 with the id; the station lists it with its evidence', async () => {
    const body = { reference: 'atmosud-FR1', from: FROM, to: TODAY };
    const tried = await post(body);
    expect(tried.status).toBe(200);
    const report = await json<CalibrationReport>(tried);
    expect(report.calibrationId).toBeNull();
    expect(report.hours.paired).toBe(8 * 24);
    expect(report.evaluation.coefficients.a).toBeCloseTo(2, 1);
    expect(report.evaluation.corrected.hourly.rmse!).toBeLessThan(0.5);
    expect(report.evaluation.raw.hourly.rmse!).toBeGreaterThan(5);

    const applied = await post({ ...body, apply: true });
    expect(applied.status).toBe(201);
    const { calibrationId } = await json<CalibrationReport>(applied);
    expect(calibrationId).toBeGreaterThan(0);

    const listed = await json<{ station: string; calibrations: Array<Record<string, unknown>> }>(
      await f.app.request('/api/v1/stations/balcon/calibrations'),
    );
    expect(listed.station).toBe('balcon');
    expect(listed.calibrations).toHaveLength(1);
    expect(listed.calibrations[0]).toMatchObject({
      id: calibrationId,
      phenomenon: 'pm25',
      sensor: 'SDS011',
      // The default model (docs/methods.md, "Which model by default").
      model: 'sma',
      reference: 'atmosud-FR1',
      validFrom: new Date(FROM).toISOString(),
      validTo: null,
      active: true,
      fit: { from: new Date(FROM).toISOString(), to: new Date(FROM + 4 * DAY).toISOString() },
    });
    expect((listed.calibrations[0]!.metrics as { evaluation: { n: number } }).evaluation.n).toBe(96);
  });

  it('refuses without the admin token, an unknown device, and a fit it cannot make', async () => {
    expect(
      (await post({ reference: 'atmosud-FR1' }, { 'Content-Type': 'application/json' } as never)).status,
    ).toBe(401);
    const unknown = await f.app.request('/api/v1/devices/nobody/calibrations', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ reference: 'atmosud-FR1' }),
    });
    expect(unknown.status).toBe(404);
    const empty = await post({ reference: 'atmosud-FR1', from: TODAY - 400 * DAY, to: TODAY - 300 * DAY });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('only 0 usable hourly pairs');
    expect((await post({ reference: 'atmosud-FR1', model: 'cubic' })).status).toBe(400);
    expect((await f.app.request('/api/v1/stations/nowhere/calibrations')).status).toBe(404);
  });

  it('corrects latest values and series, says so, and gives raw values on request', async () => {
    // Before any calibration: nothing said about correction.
    const before = await json<{ values: Array<Record<string, unknown>> }>(
      await f.app.request('/api/v1/stations/balcon/latest'),
    );
    expect(before.values[0]).not.toHaveProperty('corrected');

    const applied = await json<CalibrationReport>(
      await post({ reference: 'atmosud-FR1', from: FROM, to: TODAY, apply: true }),
    );
    const { a, c } = applied.evaluation.coefficients;
    const last = 8 * 24 + 20;

    const latest = await json<{ values: Array<Record<string, unknown>> }>(
      await f.app.request('/api/v1/stations/balcon/latest'),
    );
    expect(latest.values[0]).toMatchObject({
      phenomenon: 'pm25',
      corrected: true,
      raw: Number(sensor(last).toFixed(1)),
      calibrationId: applied.calibrationId,
    });
    expect(latest.values[0]!.value).toBeCloseTo(a * sensor(last) + c, 1);
    const rawLatest = await json<{ values: Array<Record<string, unknown>> }>(
      await f.app.request('/api/v1/stations/balcon/latest?values=raw'),
    );
    expect(rawLatest.values[0]).toMatchObject({ corrected: false, value: Number(sensor(last).toFixed(1)) });
    expect(rawLatest.values[0]).not.toHaveProperty('raw');

    const q = `phenomenon=pm25&step=1h&from=${FROM}&to=${TODAY}`;
    const series = await json<{
      corrected: boolean;
      points: Array<{ value: number; raw: number; calibrationId: number }>;
    }>(await f.app.request(`/api/v1/stations/balcon/series?${q}`));
    expect(series.corrected).toBe(true);
    expect(series.points).toHaveLength(8 * 24);
    // Corrected hours sit on the reference, within the sensor's noise (±0.3) times the gain (2).
    series.points.forEach((p, i) => {
      expect(p.calibrationId).toBe(applied.calibrationId);
      expect(p.raw).toBeCloseTo(sensor(i), 1);
      expect(Math.abs(p.value - ref(i))).toBeLessThan(0.8);
    });
    const raw = await json<{ corrected: boolean; points: Array<Record<string, unknown>> }>(
      await f.app.request(`/api/v1/stations/balcon/series?${q}&values=raw`),
    );
    expect(raw.corrected).toBe(false);
    expect(raw.points[0]).not.toHaveProperty('raw');
    expect(raw.points[0]!.value).toBeCloseTo(sensor(0), 1);

    const csv = (await (await f.app.request(`/api/v1/stations/balcon/series?${q}&format=csv`)).text()).split(
      '\r\n',
    );
    expect(csv[0]).toMatch(/,raw,calibration_id$/);
    expect(csv[1]).toMatch(
      new RegExp(`,${sensor(0).toFixed(1).replace(/\.0$/, '')},${applied.calibrationId}$`),
    );
    // A day's value is the mean of corrected hours: a linear correction of the mean.
    const daily = await json<{ points: Array<{ value: number; raw: number }> }>(
      await f.app.request(`/api/v1/stations/balcon/series?phenomenon=pm25&step=1d&from=${FROM}&to=${TODAY}`),
    );
    expect(daily.points[0]!.value).toBeCloseTo(a * daily.points[0]!.raw + c, 1);
  });

  it('computes indices from corrected hours and says so, on the station, in the list and with the latest values', async () => {
    type Index = {
      value: number | null;
      corrected?: boolean;
      calibrationIds?: number[];
      inputs: Array<{ pollutant: string; value: number | null; from: string }>;
    };
    const eaqi = async () => json<Index>(await f.app.request('/api/v1/stations/balcon/index?scheme=eaqi'));
    const before = await eaqi();
    expect(before).not.toHaveProperty('corrected');
    const applied = await json<CalibrationReport>(
      await post({ reference: 'atmosud-FR1', from: FROM, to: TODAY, apply: true }),
    );
    const { a, c } = applied.evaluation.coefficients;
    const after = await eaqi();
    expect(after).toMatchObject({ corrected: true, calibrationIds: [applied.calibrationId] });
    // The EAQI of now classes the latest completed hour: corrected, it is a·raw + c of that hour.
    const hour = (Date.parse(after.inputs[0]!.from) - FROM) / 3_600_000;
    expect(after.inputs[0]!.value).toBeCloseTo(a * sensor(hour) + c, 0);
    expect(before.inputs[0]!.value).toBeCloseTo(sensor(hour), 0);

    const list = await json<{ stations: Array<{ id: string; index: Index }> }>(
      await f.app.request('/api/v1/stations?index=usaqi'),
    );
    const byId = Object.fromEntries(list.stations.map((s) => [s.id, s.index]));
    expect(byId.balcon).toMatchObject({ corrected: true, calibrationIds: [applied.calibrationId] });
    expect(byId['atmosud-FR1']).not.toHaveProperty('corrected');
    const one = await json<Index>(await f.app.request('/api/v1/stations/balcon/index?scheme=usaqi'));
    expect(byId.balcon!.value).toBe(one.value);

    const latest = await json<{ indices: Record<string, Index> }>(
      await f.app.request('/api/v1/stations/balcon/latest'),
    );
    expect(latest.indices.eaqi).toMatchObject({ corrected: true, calibrationIds: [applied.calibrationId] });
  });

  it('leaves a reference station alone', async () => {
    await post({ reference: 'atmosud-FR1', from: FROM, to: TODAY, apply: true });
    const latest = await json<{ values: Array<Record<string, unknown>> }>(
      await f.app.request('/api/v1/stations/atmosud-FR1/latest'),
    );
    expect(latest.values[0]).not.toHaveProperty('corrected');
  });
});
