// What a device registration may contain: one schema for the admin API (POST /api/v1/devices) and
// `souffle device add`, so that neither accepts what the other refuses (docs/security.md,
// Registration). Its rules guard the broker and the pages: an id and a serial become MQTT topic
// levels and Mosquitto ACL lines (a "+", "#" or "/" there is a wildcard or another level), the
// service account's user name must stay the service's, and a name reaches every page that embeds
// a widget.
import { z } from '@hono/zod-openapi';
import { isAirGradientSerial, SERIAL_MESSAGE } from './airgradient-serial.js';
import { entryProblem, mappingProblems, MAX_MAP_ENTRIES } from './json-map.js';
import { DEVICE_FORMATS, EXPOSURES } from './schema.js';
import { DEVICE_ID_PATTERN, slugify } from './store/devices.js';

/** The broker's default service account (SOUFFLE_MQTT_USERNAME unset): never a device's id. */
export const DEFAULT_SERVICE_USERNAME = 'souffle';

/**
 * Markup and invisible control characters: "<" and ">" (a name is shown on other sites; the
 * widgets render it as text, this keeps it text everywhere else too), C0/C1 controls (line
 * breaks split the CLI's table and logs), and the bidirectional overrides that can make a name
 * read as another.
 */
const NAME_FORBIDDEN = /[<>\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

export const NAME_MESSAGE = 'must not contain "<", ">" or control characters';
export const ID_MESSAGE = 'expected 1–64 lowercase letters, digits or dashes';
export { SERIAL_MESSAGE };

export type RegistrationRules = {
  /** The broker's service user name (SOUFFLE_MQTT_USERNAME): reserved, with "souffle". */
  serviceUsername?: string;
};

/**
 * The default client ids of the ingest workers (SOUFFLE_MQTT_CLIENT_ID unset): the lone worker's
 * and slots 1 to 64. On the generated Mosquitto each is a service user (client id = user name).
 */
const DEFAULT_WORKER_USERS = [
  'souffle-ingest',
  ...Array.from({ length: 64 }, (_, i) => `souffle-ingest-${i + 1}`),
];

/**
 * "alerts": `souffle/v1/alerts/…` is where the ingest process publishes alert notices; a device
 * of that id would own the prefix (data/topics.ts) and could publish false ones.
 */
const RESERVED_TOPIC_LEVELS = ['alerts'];

/** The ids no device may take: the broker's service account(s), the workers' users, topic levels. */
export function reservedDeviceIds(rules: RegistrationRules = {}): string[] {
  return [
    ...new Set([
      ...RESERVED_TOPIC_LEVELS,
      DEFAULT_SERVICE_USERNAME,
      rules.serviceUsername ?? DEFAULT_SERVICE_USERNAME,
      ...DEFAULT_WORKER_USERS,
    ]),
  ];
}

/** The registration schema under `rules`; its issues name the field (`path`) and the reason. */
export function deviceRegistrationSchema(rules: RegistrationRules = {}) {
  const reserved = reservedDeviceIds(rules);
  return z
    .strictObject({
      name: z
        .string()
        .trim()
        .min(1)
        .max(100)
        .refine((name) => !NAME_FORBIDDEN.test(name), NAME_MESSAGE)
        .openapi({ example: 'École Saint-Charles' }),
      lat: z.number().min(-90).max(90).openapi({ example: 43.3046 }),
      lon: z.number().min(-180).max(180).openapi({ example: 5.3806 }),
      id: z
        .string()
        .regex(DEVICE_ID_PATTERN, ID_MESSAGE)
        .optional()
        .openapi({ description: 'Default: the name as a slug.', example: 'ecole-saint-charles' }),
      format: z.enum(DEVICE_FORMATS).optional().openapi({ description: 'Wire format (default native).' }),
      exposure: z.enum(EXPOSURES).optional(),
      exactLocation: z
        .boolean()
        .optional()
        .openapi({ description: 'Publish the exact location (default: a ~200 m cell).' }),
      mobile: z.boolean().optional().openapi({
        description:
          'A kit that moves (airrohr with a GPS module): its GPS fixes are kept as its track, GET /api/v1/stations/{id}/track (default false: they are listed as ignored).',
      }),
      // Checked here, normalised by createDevice: the serial becomes a topic level and an ACL
      // line on Mosquitto, so only 12 hex digits reach them, in the firmware's spelling.
      serial: z.string().max(64).refine(isAirGradientSerial, SERIAL_MESSAGE).optional().openapi({
        description:
          'AirGradient serial number, its MAC address (format airgradient only): stored lowercase without separators, as the firmware names its topic.',
        example: 'ecda3b1eaaaf',
      }),
      map: z
        .array(
          z.strictObject({
            path: z.string().openapi({
              description:
                'A JSON field by its keys joined with "." (Tasmota: "SDS0X1.PM2.5"), or a topic below souffle/v1/<id>/json/ whose payload is one number (ESPHome: "sensor/pm_2_5/state").',
            }),
            phenomenon: z.string().openapi({ example: 'pm25' }),
            unit: z.string().optional().openapi({
              description: "The unit sent; default the phenomenon's canonical unit. Converted on ingest.",
              example: '°C',
            }),
          }),
        )
        .max(MAX_MAP_ENTRIES)
        .optional()
        .openapi({
          description:
            "Format json-map only: which value of the firmware's messages is which phenomenon (docs/ingest.md, 'JSON mapping').",
          example: [
            { path: 'SDS0X1.PM2.5', phenomenon: 'pm25' },
            { path: 'BME280.Temperature', phenomenon: 'temperature', unit: '°C' },
          ],
        }),
    })
    .superRefine((device, ctx) => {
      if (device.id !== undefined && reserved.includes(device.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['id'],
          message: `"${device.id}" is reserved for the broker's service account`,
        });
      }
      const slug = slugify(device.name);
      if (device.id === undefined && reserved.includes(slug)) {
        ctx.addIssue({
          code: 'custom',
          path: ['name'],
          message: `becomes the id "${slug}", reserved for the broker's service account: give another id`,
        });
      }
      if (device.id === undefined && !DEVICE_ID_PATTERN.test(slug)) {
        ctx.addIssue({
          code: 'custom',
          path: ['name'],
          message: `has no letter or digit to make a device id of: give an id (${ID_MESSAGE})`,
        });
      }
      const format = device.format ?? 'native';
      if (format === 'airgradient' && device.serial === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['serial'],
          message: 'is required for format airgradient (the "serialno" of its readings)',
        });
      }
      if (format !== 'airgradient' && device.serial !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['serial'], message: 'applies to format airgradient only' });
      }
      if (format === 'json-map') {
        const map = device.map ?? [];
        const problems = [...map.flatMap((e) => entryProblem(e) ?? []), ...mappingProblems(map)];
        for (const message of problems) ctx.addIssue({ code: 'custom', path: ['map'], message });
      } else if (device.map !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['map'], message: 'applies to format json-map only' });
      }
    })
    .openapi('NewDevice');
}

export type DeviceRegistration = z.infer<ReturnType<typeof deviceRegistrationSchema>>;
