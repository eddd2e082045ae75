// The shape of GET /api/v1/sources/atmosud (and of /healthz's `atmosud`): whether the official data
// is current, so that a page showing no official station can say why. Browser-safe types.
import { z } from '@hono/zod-openapi';

export const ATMOSUD_STATES = ['ok', 'partial', 'stale', 'offline', 'failed', 'never'] as const;

/** A cycle older than this means the puller (the ingest worker) is not running any more. */
export const ATMOSUD_STALE_AFTER_MS = 2 * 3_600_000;

export const AtmosudStatusSchema = z
  .object({
    state: z.enum(ATMOSUD_STATES).openapi({
      description:
        'ok: the last pull stored data; partial: it stored part of it; stale: no pull for 2 hours (is the ingest worker running?); offline: AtmoSud could not be reached; failed: the pull failed; never: no pull has ended yet (AtmoSud not configured, or the first pull is running).',
    }),
    lastAttempt: z
      .string()
      .nullable()
      .openapi({ description: 'End of the last pull (ISO 8601 UTC).', example: '2026-03-10T21:15:04.000Z' }),
    lastSuccess: z.string().nullable().openapi({
      description: 'Time of the last pull that stored data (ISO 8601 UTC): the official data is as of then.',
    }),
    stations: z.number().int().openapi({ description: 'Official stations stored.' }),
    message: z.string().openapi({ description: 'The state in one English sentence, for operators.' }),
  })
  .openapi('AtmosudStatus');

export type AtmosudStatusResponse = z.output<typeof AtmosudStatusSchema>;
