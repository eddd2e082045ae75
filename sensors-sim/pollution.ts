// What a reference analyser would measure at a site: NO2, O3 and particles driven by traffic
// (weekday rush hours, quieter weekends), dispersion (a stable night traps pollution, a sunny
// afternoon and the mistral dilute it), wood burning on winter evenings, regional episodes, and
// ozone made by sunlight and destroyed by traffic NO (so O3 and NO2 move in opposite directions).
// Magnitudes follow AtmoSud's published levels for Marseille: urban background NO2 ≈ 20–30 µg/m³,
// roadside ≈ 40–60 as annual means; PM2.5 ≈ 10–15; O3 above 120 on summer afternoons.
import { localTime, summerness } from './clock.js';
import type { Place } from './places.js';
import { clamp, hashString, smoothNoise } from './random.js';
import { cityWeather, siteWeather, sunshine, type SiteWeather } from './weather.js';

const HOUR = 3_600_000;

const bell = (x: number, centre: number, width: number) => Math.exp(-0.5 * ((x - centre) / width) ** 2);

/**
 * Road traffic relative to a weekday morning rush (≈ 1): two commuter peaks on working days, a late
 * and broad hump on Saturdays, a light Sunday. Shapes after the usual French urban traffic counts.
 */
export function trafficIntensity(hour: number, weekday: number): number {
  if (weekday === 0) return 0.1 + 0.4 * bell(hour, 14, 3.5);
  if (weekday === 6) return 0.12 + 0.55 * bell(hour, 12, 3) + 0.35 * bell(hour, 18.5, 2);
  return 0.12 + 0.95 * bell(hour, 8, 1.1) + 0.85 * bell(hour, 18, 1.5) + 0.45 * bell(hour, 13, 2.8);
}

export type Ambient = SiteWeather & {
  /** µg/m³, as a reference analyser would report. */
  no2: number;
  o3: number;
  pm1: number;
  pm25: number;
  pm10: number;
  /** Relative traffic at that hour (see trafficIntensity). */
  traffic: number;
};

/** True concentrations and weather at `place` at instant `t` (epoch ms) for a given seed. */
export function ambientAt(place: Place, t: number, seed: number): Ambient {
  const city = cityWeather(t, seed);
  const w = siteWeather(place, t, seed, city);
  const { hour, weekday } = localTime(t);
  const summer = summerness(t);
  const winter = (1 - summer) ** 2;
  const roadside = place.kind === 'roadside';
  const traffic = trafficIntensity(hour, weekday);

  // Dispersion: sunshine mixes the boundary layer, wind ventilates it; a calm night traps.
  const convection = clamp(w.sun * 1.3, 0, 1);
  const stagnation = (1.45 - 0.85 * convection) * clamp(4.5 / (1.5 + w.wind), 0.2, 1.8);
  // Street-scale variability: the same street differs from hour to hour beyond the model.
  const local = 1 + 0.12 * smoothNoise(hashString(place.name) ^ seed, t, 2 * HOUR);

  const seasonal = 0.9 + 0.3 * winter;
  const regionalNo2 = 5 * (1 - 0.5 * w.mistral);
  const urbanNo2 = 14 * place.urban * (0.5 + traffic) * stagnation * seasonal;
  const streetNo2 = roadside ? 38 * traffic * stagnation * seasonal * local : 0;
  const no2 = regionalNo2 + urbanNo2 + streetNo2;

  // Ozone: a regional background (higher in summer) that the ground loses at night, sunlight that
  // makes more two hours later, and titration by the NO that traffic emits.
  const laggedSun = sunshine(place, t - 2 * HOUR, seed);
  const background = (55 + 35 * summer) * (1 + 0.1 * w.mistral);
  const ventilated = Math.max(clamp(laggedSun * 1.5, 0, 1), clamp(w.wind / 10, 0, 1));
  const photochemistry = 70 * laggedSun * clamp((w.temperature - 12) / 18, 0, 1.3);
  const o3 = Math.max(
    2,
    background * (0.5 + 0.5 * ventilated) + photochemistry - 0.6 * (urbanNo2 + streetNo2),
  );

  const regionalPm = (5 + 3 * (1 - summer)) * (1 - 0.5 * w.mistral) + 18 * w.episode;
  const trafficPm = (roadside ? 7 : 2.5) * traffic * stagnation * local;
  const urbanPm = 3 * place.urban * (0.5 + traffic) * stagnation;
  const woodSmoke =
    8 * winter * (bell(hour, 20, 2.2) + 0.4 * bell(hour, 7.5, 1.5)) * stagnation * (1 - 0.4 * place.urban);
  const pm25 = regionalPm + trafficPm + urbanPm + woodSmoke;
  // Coarse particles: road dust lifted by traffic, sea salt on windy coasts, desert dust episodes.
  const roadDust = roadside ? 8 * traffic * (0.5 + 0.5 * stagnation) : 1.5 * traffic;
  const seaSalt = place.coastal ? 2 + 0.6 * w.wind : 0.5;
  const pm10 = pm25 * 1.35 + 4 + roadDust + seaSalt + 10 * w.episode;
  const pm1 = pm25 * 0.68;

  return { ...w, no2, o3, pm1, pm25, pm10, traffic };
}
