// The embedded broker's listeners (ingest/embedded-broker.ts): a server started on its port with
// the address-in-use error kept for the caller to explain, and the WebSocket listener that hands
// MQTT-over-WebSocket connections to the broker as streams.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { Server, Socket } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import { createWebSocketStream, WebSocketServer } from 'ws';

/**
 * An HTTP server that upgrades every request to a WebSocket carrying MQTT (any path, as Mosquitto's
 * websockets listener; clients use /mqtt by convention) and hands each as a stream to `onStream`.
 */
export async function listenWebSocket(
  port: number,
  host: string,
  onStream: (stream: Socket, address: string) => void,
): Promise<HttpServer> {
  const http = createHttpServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
    res.end('MQTT over WebSockets: connect with a WebSocket client (subprotocol mqtt)\n');
  });
  const wss = new WebSocketServer({
    server: http,
    // MQTT packets are bounded by the packet size limit on the stream; this bounds one frame.
    maxPayload: 1024 * 1024,
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
  });
  wss.on('connection', (ws, req) => {
    // The stream is a Duplex, not a net.Socket; Aedes and the packet size limit use only the
    // stream side of it.
    const stream = createWebSocketStream(ws) as unknown as Socket;
    stream.on('error', () => stream.destroy());
    onStream(stream, req.socket.remoteAddress ?? 'unknown');
  });
  http.on('close', () => wss.close());
  await listen(http, port, host);
  return http;
}

export function listen(server: Server | TlsServer | HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
