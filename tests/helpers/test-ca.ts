// A throwaway certificate authority and a server certificate for 127.0.0.1 and localhost, made with
// the openssl command, for the TLS tests (MQTT over TLS on the embedded broker and Mosquitto).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type TestCa = { caFile: string; certFile: string; keyFile: string };

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: 'pipe' });

/** Writes `<name>-ca.pem`, `<name>-cert.pem` and `<name>-key.pem` into `dir`. */
export function makeTestCa(dir: string, name = 'test'): TestCa {
  const f = (s: string) => join(dir, `${name}-${s}`);
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name} test CA`,
      '-keyout',
      f('ca-key.pem'),
      '-out',
      f('ca.pem'),
    ],
    dir,
  );
  openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-keyout',
      f('key.pem'),
      '-out',
      f('req.pem'),
    ],
    dir,
  );
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    [
      'x509',
      '-req',
      '-in',
      f('req.pem'),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca-key.pem'),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      f('ext.cnf'),
      '-out',
      f('cert.pem'),
    ],
    dir,
  );
  return { caFile: f('ca.pem'), certFile: f('cert.pem'), keyFile: f('key.pem') };
}
