// The shapes of citizen enrolment in the API and the OpenAPI document: the admin's enrolment codes
// and what a citizen sends to and receives from /api/v1/join (docs/citizens.md, docs/api.md).
import { z } from '@hono/zod-openapi';
import { DeviceConnectionSchema } from './api-schemas.js';
import type { EnrolmentCode } from './schema.js';
import { deviceRegistrationSchema, NAME_MESSAGE, type RegistrationRules } from './device-registration.js';

/** The licence citizen data is published under, which a citizen accepts at /join. */
export const DATA_LICENCE = 'ODbL-1.0';

/** Same characters refused as in a device name: a label is shown on the admin's pages and CLI. */
const LABEL_FORBIDDEN = /[<>\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

export const NewEnrolmentCodeSchema = z
  .strictObject({
    uses: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .optional()
      .openapi({ description: 'Devices the code may register (default 1: single use).', example: 30 }),
    expiresAt: z.iso.datetime({ offset: true }).nullable().optional().openapi({
      description: 'When the code stops working (default: in 30 days; null: never).',
      example: '2026-12-31T23:00:00Z',
    }),
    label: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .refine((s) => !LABEL_FORBIDDEN.test(s), NAME_MESSAGE)
      .optional()
      .openapi({ description: 'Who the code is for.', example: '5e B, collège Longchamp' }),
  })
  .openapi('NewEnrolmentCode');

const codeFields = {
  id: z.string().openapi({ description: 'Handle of the code (to list or revoke it); not the code.' }),
  label: z.string().nullable(),
  usesAllowed: z.number().int(),
  uses: z.number().int(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
};

export const EnrolmentCodeSchema = z.object(codeFields).openapi('EnrolmentCode');

export const CreatedEnrolmentCodeSchema = z
  .object({
    ...codeFields,
    code: z.string().openapi({ description: 'The code, shown this once.', example: '7KQ2-M9XD-…' }),
    joinUrl: z.string().openapi({ description: 'The /join page with the code filled in (in the fragment).' }),
  })
  .openapi('CreatedEnrolmentCode');

export const EnrolmentCodeListSchema = z
  .object({ codes: z.array(EnrolmentCodeSchema), count: z.number().int() })
  .openapi('EnrolmentCodeList');

/** What /join sends: the code, the licence accepted, and the device as the admin would register it. */
export function joinSchema(rules: RegistrationRules = {}) {
  const device = deviceRegistrationSchema(rules).shape;
  return z
    .strictObject({
      code: z.string().min(1).max(100).openapi({ description: 'The enrolment code, dashes optional.' }),
      acceptLicence: z.literal(true).openapi({
        description: `The owner publishes the sensor's data under the ${DATA_LICENCE}: anyone may use it, citing its source, and share what they build on it alike.`,
      }),
      name: device.name,
      lat: device.lat,
      lon: device.lon,
      format: device.format,
      exposure: device.exposure,
      exactLocation: device.exactLocation,
      serial: device.serial,
      map: device.map,
    })
    .openapi('Join');
}

export const JoinAnswerSchema = z
  .object({
    connection: DeviceConnectionSchema,
    licence: z.literal(DATA_LICENCE),
    stationUrl: z.string().openapi({ description: "The sensor's page on the dashboard." }),
    qrUrl: z.string().openapi({ description: 'A QR code (SVG) of that page, to stick on the sensor.' }),
    statusUrl: z.string().openapi({ description: 'GET it with the device credentials: its status.' }),
  })
  .openapi('JoinAnswer');

/** A code as the admin API and `souffle enrol list --json` show it (never the code itself). */
export function codeSummary(r: EnrolmentCode) {
  return {
    id: r.id,
    label: r.label,
    usesAllowed: r.uses_allowed,
    uses: r.uses,
    expiresAt: r.expires_at === null ? null : new Date(r.expires_at).toISOString(),
    revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at).toISOString(),
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** The /join page with the code in the fragment: browsers never send a fragment to a server's logs. */
export function joinUrl(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/join#code=${code}`;
}
