// Marseille weather as smooth, seeded functions of time: seasonal normals, passing weather systems,
// the mistral (the cold, dry north-westerly that clears the sky and the air for days), clouds and
// the daily cycles of temperature and humidity at each site.
import { localTime, solarElevation, summerness } from './clock.js';
import type { Place } from './places.js';
import { clamp, mix, smoothNoise } from './random.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Monthly normals at Marseille-Marignane, 1991–2020 (Météo-France climatological summary; dew
// points derived from its mean relative humidity). Index 0 = January.
const T_MIN = [3.2, 3.6, 6.4, 9.3, 13.2, 17.0, 19.8, 19.6, 16.0, 12.4, 7.5, 4.1];
const T_MAX = [12.1, 13.4, 16.6, 19.5, 23.6, 28.1, 31.2, 30.8, 26.2, 21.4, 16.0, 12.7];
const DEW = [2.5, 2.5, 4.5, 7.0, 11.0, 14.5, 16.5, 17.0, 14.5, 11.5, 6.5, 3.5];

/** A monthly normal interpolated to the day (cosine between mid-months, wrapping over New Year). */
function normal(table: readonly number[], dayOfYear: number): number {
  const m = (dayOfYear + 0.5) / 30.44 - 0.5;
  const i = Math.floor(m);
  const f = m - i;
  const a = table[(i + 12) % 12] as number;
  const b = table[(i + 13) % 12] as number;
  return a + (b - a) * ((1 - Math.cos(Math.PI * f)) / 2);
}

/** The weather over the whole city at one instant. */
export type CityWeather = {
  /** Cloud cover, 0 (clear) to 1 (overcast). */
  cloud: number;
  /** Mistral strength, 0 (none) to 1 (a strong episode). */
  mistral: number;
  /** Mean wind speed in m/s. */
  wind: number;
  /** Departure from the seasonal temperature and dew point, °C. */
  tempAnomaly: number;
  dewAnomaly: number;
  /** Mean sea-level pressure, hPa. */
  seaLevelPressure: number;
  /** Regional particle episode (secondary aerosol, Saharan dust), 0 to 1. */
  episode: number;
};

/** The mistral and the clouds: all that sunshine depends on. */
function sky(t: number, seed: number): { mistral: number; cloud: number } {
  const summer = summerness(t);
  // The mistral blows more often in winter and spring than in summer: a higher bar in summer.
  const m = smoothNoise(mix(seed, 1), t, 2.5 * DAY);
  const threshold = 0.3 + 0.25 * summer;
  const mistral = clamp(((m - threshold) / (1 - threshold)) * 1.6, 0, 1);
  const cloud = clamp(
    0.45 -
      0.3 * summer +
      0.45 * smoothNoise(mix(seed, 2), t, 1.5 * DAY) +
      0.15 * smoothNoise(mix(seed, 3), t, 5 * HOUR) -
      0.5 * mistral,
    0,
    1,
  );
  return { mistral, cloud };
}

/** Sunshine reaching the ground at `place`: 0 (night or overcast) to 1 (clear sky, sun overhead). */
export function sunshine(
  place: Pick<Place, 'lat' | 'lon'>,
  t: number,
  seed: number,
  cloud = sky(t, seed).cloud,
): number {
  const elevation = solarElevation(t, place.lat, place.lon);
  return Math.max(0, Math.sin((elevation * Math.PI) / 180)) * (1 - 0.75 * cloud);
}

export function cityWeather(t: number, seed: number): CityWeather {
  const { mistral, cloud } = sky(t, seed);
  const episodeNoise = Math.max(0, smoothNoise(mix(seed, 4), t, 4 * DAY));
  return {
    cloud,
    mistral,
    wind: 2.5 + 1.5 * smoothNoise(mix(seed, 5), t, 8 * HOUR) + 13 * mistral,
    tempAnomaly: 2.5 * smoothNoise(mix(seed, 6), t, 4 * DAY) - 4 * mistral,
    dewAnomaly: 2 * smoothNoise(mix(seed, 7), t, 3 * DAY) - 7 * mistral,
    seaLevelPressure: 1015 + 7 * smoothNoise(mix(seed, 8), t, 4 * DAY) + 5 * mistral,
    episode: episodeNoise * episodeNoise * (1 - mistral),
  };
}

/** 0 at the coolest hour (≈ 06:30 local), 1 at the warmest (≈ 15:30). */
export function diurnalShape(hour: number): number {
  if (hour >= 6.5 && hour < 15.5) return (1 - Math.cos((Math.PI * (hour - 6.5)) / 9)) / 2;
  const since = (hour - 15.5 + 24) % 24; // 0…15 hours of cooling
  return (1 + Math.cos((Math.PI * since) / 15)) / 2;
}

/** Saturation vapour pressure, hPa (Magnus formula, Alduchov & Eskridge 1996 coefficients). */
function saturation(celsius: number): number {
  return 6.1094 * Math.exp((17.625 * celsius) / (243.04 + celsius));
}

export type SiteWeather = CityWeather & {
  /** Air temperature at the site, °C. */
  temperature: number;
  /** Relative humidity at the site, %. */
  humidity: number;
  /** Station pressure (what a barometer on site reads), hPa. */
  pressure: number;
  /** Solar elevation, degrees. */
  elevation: number;
  /** Sunshine reaching the ground, 0 (night or overcast) to 1 (clear sky, sun overhead). */
  sun: number;
};

export function siteWeather(place: Place, t: number, seed: number, city = cityWeather(t, seed)): SiteWeather {
  const { dayOfYear, hour } = localTime(t);
  const elevation = solarElevation(t, place.lat, place.lon);
  const sun = sunshine(place, t, seed, city.cloud);
  const tMin = normal(T_MIN, dayOfYear);
  const tMax = normal(T_MAX, dayOfYear);
  const shape = diurnalShape(hour);
  // Clouds and the sea both flatten the daily cycle; the city keeps its heat at night.
  const amplitude = ((tMax - tMin) / 2) * (1 - 0.45 * city.cloud) * (place.coastal ? 0.8 : 1);
  const heatIsland = 1.2 * place.urban * (1 - shape);
  const temperature =
    (tMin + tMax) / 2 + amplitude * (2 * shape - 1) + city.tempAnomaly + heatIsland - 0.0065 * place.alt;
  const dew = Math.min(
    normal(DEW, dayOfYear) + city.dewAnomaly + (place.coastal ? 1 : 0) - 0.002 * place.alt,
    temperature,
  );
  const humidity = clamp((100 * saturation(dew)) / saturation(temperature), 5, 100);
  // Barometric formula (ICAO standard atmosphere) from sea level to the site's altitude.
  const pressure = city.seaLevelPressure * Math.pow(1 - 2.25577e-5 * place.alt, 5.25588);
  return { ...city, temperature, humidity, pressure, elevation, sun };
}
