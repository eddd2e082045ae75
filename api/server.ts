// Listens with @hono/node-server. Resolves once listening (with the real port when 0 was asked),
// rejects with a clear message when the port is taken; close() ends open connections too, so a
// graceful shutdown does not wait for idle keep-alive sockets.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';

export type ApiServer = { port: number; close: () => Promise<void> };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHono = Hono<any, any, any>;

export function startApiServer(options: { app: AnyHono; port: number; host?: string }): Promise<ApiServer> {
  const host = options.host ?? '0.0.0.0';
  const server = createAdaptorServer({ fetch: options.app.fetch }) as Server;
  // Exports can stream for minutes; Node's default request timeout (5 min) would cut them.
  server.requestTimeout = 0;
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') {
        reject(
          new Error(
            `cannot listen on ${host}:${options.port}: the port is already in use (EADDRINUSE); stop the other process or set PORT`,
            { cause: err },
          ),
        );
      } else if (err.code === 'EACCES') {
        reject(
          new Error(
            `cannot listen on ${host}:${options.port}: permission denied (EACCES); use a port above 1023 or set PORT`,
            { cause: err },
          ),
        );
      } else {
        reject(new Error(`cannot listen on ${host}:${options.port}: ${err.message}`, { cause: err }));
      }
    };
    const onListening = () => {
      server.off('error', onError);
      const port = (server.address() as AddressInfo).port;
      resolve({
        port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeAllConnections();
          }),
      });
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port, host);
  });
}
