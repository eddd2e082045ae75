// A device token hashed the way Mosquitto's password file expects it (`mosquitto_passwd`'s "$7$"
// format: PBKDF2-HMAC-SHA512, 12-byte salt, 64-byte key, both base64; mosquitto 2.0
// src/password_mosq.c). Stored beside the scrypt hash when a token is issued, because the token
// itself is shown once and never kept: this is what lets `souffle mosquitto-config` rewrite the
// broker's password file from the database at any time, for every device, however it was added.
//
// 101 iterations is mosquitto_passwd's own default. The iteration count protects weak passwords;
// a device token is 192 random bits, beyond any brute force whatever the count, and Mosquitto pays
// it on every CONNECT.
import { pbkdf2, randomBytes } from 'node:crypto';

const BROKER_HASH_ITERATIONS = 101;

export function brokerPasswordHash(token: string, iterations = BROKER_HASH_ITERATIONS): Promise<string> {
  const salt = randomBytes(12);
  return new Promise((resolve, reject) =>
    pbkdf2(token, salt, iterations, 64, 'sha512', (err, key) =>
      err ? reject(err) : resolve(`$7$${iterations}$${salt.toString('base64')}$${key.toString('base64')}`),
    ),
  );
}
