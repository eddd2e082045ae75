// Aedes has no packet size limit: mqtt-packet buffers a PUBLISH until its declared length (up to
// 256 MiB) has arrived. This watches the bytes Aedes reads from a connection and drops the
// connection as soon as a fixed header declares a packet larger than the limit, before the body
// is buffered. MQTT 3.1.1 has no way to tell the client why (MQTT-5's "packet too large" does not
// exist there); closing the network connection is what the spec does for protocol violations.
import type { Socket } from 'node:net';

export class PacketTooLargeError extends Error {
  override name = 'PacketTooLargeError';
}

/**
 * Scans MQTT fixed headers across chunk boundaries: a type byte, a variable-length "remaining
 * length" of 1–4 bytes, 7 bits each (MQTT-2.2.3), then that many bytes to skip.
 */
function packetSizeScanner(maxPacketSize: number) {
  let state: 'type' | 'length' | 'body' = 'type';
  let remaining = 0;
  let multiplier = 1;
  let headerBytes = 0;
  return (chunk: Uint8Array): void => {
    let i = 0;
    while (i < chunk.length) {
      if (state === 'type') {
        i += 1;
        state = 'length';
        remaining = 0;
        multiplier = 1;
        headerBytes = 1;
      } else if (state === 'length') {
        const byte = chunk[i]!;
        i += 1;
        headerBytes += 1;
        remaining += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) !== 0) continue;
        if (headerBytes + remaining > maxPacketSize) {
          throw new PacketTooLargeError(
            `packet of ${headerBytes + remaining} bytes is over the broker's ${maxPacketSize}-byte limit`,
          );
        }
        state = remaining === 0 ? 'type' : 'body';
      } else {
        const take = Math.min(remaining, chunk.length - i);
        i += take;
        remaining -= take;
        if (remaining === 0) state = 'type';
      }
    }
  };
}

/**
 * Makes `socket` enforce the limit. Aedes reads in paused mode (`conn.read()` on 'readable'), so
 * every byte it parses passes through `read`; an oversized packet destroys the socket instead.
 */
export function limitPacketSize(
  socket: Socket,
  maxPacketSize: number,
  onViolation: (e: Error) => void,
): Socket {
  const scan = packetSizeScanner(maxPacketSize);
  const read = socket.read.bind(socket);
  socket.read = (size?: number) => {
    const chunk = read(size) as Buffer | null;
    if (chunk === null) return null;
    try {
      scan(chunk);
    } catch (e) {
      onViolation(e as Error);
      socket.destroy();
      return null;
    }
    return chunk;
  };
  return socket;
}
