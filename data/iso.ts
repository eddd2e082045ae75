// Times in API answers and stored answers: ISO 8601 in UTC. Browser-safe.

/** Epoch ms → "2026-11-28T08:00:00.000Z". */
export const iso = (t: number) => new Date(t).toISOString();
