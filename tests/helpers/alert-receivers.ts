// What alert tests receive notices with: a real SMTP server (smtp-server) that keeps each mail's
// raw text, decoded enough to read (quoted-printable undone), and a real HTTP server that keeps
// each webhook request's headers and raw body, failing the first `failFirst` requests.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export type ReceivedMail = { to: string[]; raw: string; decoded: string; headers: string };

export type SmtpReceiver = { port: number; mails: ReceivedMail[]; close: () => Promise<void> };

/** Undoes quoted-printable soft breaks and escapes (RFC 2045 §6.7), then reads the bytes as UTF-8. */
function decodeQuotedPrintable(raw: string): string {
  const bytes = raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('latin1');
        const end = raw.indexOf('\r\n\r\n');
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          headers: raw.slice(0, end).replace(/\r\n[ \t]+/g, ' '),
          decoded: decodeQuotedPrintable(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export type ReceivedHook = { headers: http.IncomingHttpHeaders; body: string; status: number };

export type HookReceiver = { url: string; hooks: ReceivedHook[]; close: () => Promise<void> };

export async function startHookReceiver(options: { failFirst?: number } = {}): Promise<HookReceiver> {
  const hooks: ReceivedHook[] = [];
  let failures = options.failFirst ?? 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = failures > 0 ? 503 : 204;
      if (failures > 0) failures -= 1;
      hooks.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hooks,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
