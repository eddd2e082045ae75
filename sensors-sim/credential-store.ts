// Where the simulator keeps its devices' tokens between runs: a JSON file (default
// data/sim-devices.json, git-ignored), readable by its owner only (0600), keyed by the API URL so
// that one file serves a local platform and a remote one without mixing their tokens.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { DeviceCredentialsSchema, type DeviceCredentials } from './platform-api.js';

export const DEFAULT_CREDENTIALS_FILE = 'data/sim-devices.json';

const FileSchema = z.object({
  version: z.literal(1),
  platforms: z.record(z.string(), z.object({ devices: z.record(z.string(), DeviceCredentialsSchema) })),
});
type StoreFile = z.output<typeof FileSchema>;

export class CredentialStore {
  private data: StoreFile = { version: 1, platforms: {} };

  private constructor(
    readonly path: string,
    private readonly platform: string,
  ) {}

  /** Opens (or prepares to create) the file for the platform at `apiUrl`. */
  static open(path: string, apiUrl: string): CredentialStore {
    const store = new CredentialStore(path, apiUrl.replace(/\/+$/, ''));
    if (existsSync(path)) {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(path, 'utf8'));
      } catch (e) {
        throw new Error(
          `${path} is not valid JSON (${(e as Error).message}): fix or delete it to register the devices again`,
        );
      }
      const parsed = FileSchema.safeParse(json);
      if (!parsed.success) {
        throw new Error(
          `${path} is not a simulator credentials file (${parsed.error.issues[0]?.message}): fix or delete it`,
        );
      }
      store.data = parsed.data;
    }
    return store;
  }

  get(id: string): DeviceCredentials | undefined {
    return this.data.platforms[this.platform]?.devices[id];
  }

  set(credentials: DeviceCredentials): void {
    const platform = (this.data.platforms[this.platform] ??= { devices: {} });
    platform.devices[credentials.id] = credentials;
  }

  /** Writes atomically (temp file + rename) with mode 0600: tokens are secrets. */
  save(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(this.data, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temp, 0o600);
    renameSync(temp, this.path);
  }
}
