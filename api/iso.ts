// Times in API responses: ISO 8601 in UTC, the form every route uses.

/** Epoch ms → "2026-11-28T08:00:00.000Z". */
export const iso = (t: number) => new Date(t).toISOString();
