// The next commands `souffle start` suggests, written for the settings it runs with: a platform on
// PORT=8090 told the reader to run `npm run sim`, which then looked for it on 8080 and 1883.
import type { Config } from './config.js';

type HintConfig = Pick<Config, 'PORT' | 'SOUFFLE_DB' | 'SOUFFLE_DATABASE_URL' | 'MQTT_URL'>;

/** A shell word, quoted when it needs to be. */
const word = (v: string) => (/^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);

/** The variables another command needs to reach this platform, as `NAME=value ` prefixes. */
function envPrefix(vars: Record<string, string | undefined>): string {
  return Object.entries(vars)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${word(v)} `)
    .join('');
}

/** `souffle device add`, for this database. */
export function deviceAddCommand(config: HintConfig): string {
  const env = envPrefix({
    SOUFFLE_DATABASE_URL: config.SOUFFLE_DATABASE_URL,
    SOUFFLE_DB:
      config.SOUFFLE_DATABASE_URL || config.SOUFFLE_DB === 'data/souffle.db' ? undefined : config.SOUFFLE_DB,
  });
  return `${env}npm run souffle -- device add --name "My balcony" --lat 43.30 --lon 5.38`;
}

/** `souffle sim`, pointed at this API and this broker (`brokerPort`: the embedded broker's, if any). */
export function simCommand(config: HintConfig, brokerPort: number | undefined): string {
  const env = envPrefix({
    SOUFFLE_API_URL: config.PORT === 8080 ? undefined : `http://localhost:${config.PORT}`,
    SOUFFLE_MQTT_PORT: brokerPort === undefined || brokerPort === 1883 ? undefined : String(brokerPort),
    MQTT_URL: brokerPort === undefined ? config.MQTT_URL : undefined,
  });
  return `${env}npm run sim -- --backfill 7d`;
}
