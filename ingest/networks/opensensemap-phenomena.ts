// openSenseMap sensors are named by their owners ("PM2.5", "PM10", "Temperatur", "rel.
// Luftfeuchte", "Luftdruck", "CO2", …: senseBox templates in German and English, and free text):
// the phenomenon is read from the title and the unit together, and a sensor neither names is not
// imported (UV, illuminance, Wi-Fi strength, battery voltage, …).

export type OsemPhenomenon = { code: string; unit?: string };

const norm = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(',', '.');

/** The phenomenon of an openSenseMap sensor, with the unit to convert from, or null. */
export function osemPhenomenon(title: string, unit: string): OsemPhenomenon | null {
  const t = norm(title);
  const u = norm(unit).replace(/\s/g, '');
  const massConcentration = /^(µ|μ|u)g\/m(3|³)$/.test(u);
  if (massConcentration || /\bpm ?(1|2\.5|10)\b/.test(t)) {
    if (!massConcentration) return null; // PM in another unit (counts): not a mass concentration
    if (/\bpm ?2\.5\b|\bpm25\b/.test(t)) return { code: 'pm25' };
    if (/\bpm ?10\b/.test(t)) return { code: 'pm10' };
    if (/\bpm ?1(\.0)?\b/.test(t)) return { code: 'pm1' };
    return null;
  }
  if (/temp/.test(t) && /^°?c$/.test(u)) return { code: 'temperature' };
  if (/(humid|feucht)/.test(t) && u === '%') return { code: 'humidity' };
  if (/(druck|pressure)/.test(t) && (u === 'hpa' || u === 'pa')) {
    return { code: 'pressure', unit: u === 'pa' ? 'Pa' : 'hPa' };
  }
  if (/\bco2\b|\bco₂\b/.test(t) && u === 'ppm') return { code: 'co2' };
  return null;
}
