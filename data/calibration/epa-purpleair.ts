// The US EPA's nationwide correction of PurpleAir (Plantower PMS5003) PM2.5, for comparison with a
// local co-location fit: Barkjohn, Gantt and Clements (2021), "Development and application of a
// United States-wide correction for PM2.5 data collected with the PurpleAir sensor", AMT 14,
// 4617–4637, and its extension above 50 µg/m³ for smoke (Barkjohn et al. 2022, used on the AirNow
// Fire and Smoke Map). Input: the CF=1 PM2.5 (µg/m³) and the sensor's relative humidity (%).
// It was fitted on PurpleAir units: on another make it may well do worse than nothing, which the
// calibration report shows rather than hides. Browser-safe.

/** EPA-corrected PM2.5 (µg/m³) from CF=1 PM2.5 and RH; never below 0. */
export function epaPurpleAir(pm: number, rh: number): number {
  let v: number;
  if (pm < 30) v = 0.524 * pm - 0.0862 * rh + 5.75;
  else if (pm < 50) {
    // Blend of the low and the high slope over 30–50 µg/m³.
    const w = pm / 20 - 3 / 2;
    v = (0.786 * w + 0.524 * (1 - w)) * pm - 0.0862 * rh + 5.75;
  } else if (pm < 210) v = 0.786 * pm - 0.0862 * rh + 5.75;
  else if (pm < 260) {
    // Blend towards the smoke fit, where humidity no longer matters.
    const w = pm / 50 - 21 / 5;
    v =
      (0.69 * w + 0.786 * (1 - w)) * pm -
      0.0862 * rh * (1 - w) +
      2.966 * w +
      5.75 * (1 - w) +
      8.84e-4 * pm * pm * w;
  } else v = 2.966 + 0.69 * pm + 8.84e-4 * pm * pm;
  return Math.max(0, v);
}
