// Acknowledging a QoS 1 message only after it is committed, without committing one message per
// transaction. mqtt.js hands messages to `handleMessage` one at a time and sends the PUBACK when
// its callback runs (handlers/publish.js); it hands over the next message only then. Holding the
// callback until the commit therefore means one transaction per message (~2 400 msg/s measured),
// a quarter of what a transaction of many messages reaches.
//
// So the callback is called at once with an error, which mqtt.js treats as "do not acknowledge"
// (`if (err) return done(err)`) while it moves on to the next message; the PUBACK is sent by us
// once the transaction holding the message has committed, in the order the messages arrived
// (MQTT-4.6.0-2). The broker's in-flight window (Mosquitto's max_inflight_messages) bounds how
// many messages wait unacknowledged; above `highWater` queued messages the callback is held too,
// which stops mqtt.js reading the socket (backpressure against a broker without such a window).
//
// Sending the PUBACK uses mqtt.js's internal `_sendPacket` (the same call its own handler makes).
// Should a future mqtt.js lack it, messages are acknowledged one by one after their commit, which
// is slower but just as safe. The kill -9 test in tests/ingest/ checks that nothing acknowledged
// is lost either way.
import type { IPublishPacket, MqttClient } from 'mqtt';

export type Ack = () => void;
export type AckMode = 'batched' | 'one-by-one';

/** The marker passed to mqtt.js's callback: not an error, "the worker acknowledges later". */
const DEFERRED = new Error('acknowledged after commit');

type PacketSender = (packet: { cmd: 'puback'; messageId: number }, cb?: () => void) => void;

/**
 * Routes every PUBLISH to `onMessage(packet, ack)`; `ack` sends its PUBACK (a no-op for QoS 0).
 * `canTakeMore()` is asked before letting mqtt.js move on; `resume` must be called when it may
 * have become true again. (mqtt-packet corks the socket until the next tick, so the PUBACKs of a
 * batch, sent in one go, leave in one write.)
 */
export function ackAfterCommit(
  client: MqttClient,
  onMessage: (packet: IPublishPacket, ack: Ack) => void,
  canTakeMore: () => boolean,
): { mode: AckMode; resume: () => void } {
  const internal = client as unknown as { _sendPacket?: PacketSender };
  const send = typeof internal._sendPacket === 'function' ? internal._sendPacket.bind(client) : null;
  let held: (() => void) | null = null;

  if (!send) {
    client.handleMessage = (packet, callback) => onMessage(packet, () => callback());
    return { mode: 'one-by-one', resume: () => {} };
  }
  // A PUBACK for a message of a connection that has since closed is not sent: the broker delivers
  // that message again on the new connection (MQTT-4.4.0-1), possibly after giving its packet id to
  // another message, which a late PUBACK would then acknowledge before it is stored.
  let connection = 0;
  client.on('close', () => (connection += 1));
  client.handleMessage = (packet, callback) => {
    const messageId = packet.messageId;
    const received = connection;
    const ack: Ack =
      packet.qos === 1 && messageId !== undefined
        ? () => {
            if (received === connection && client.connected) send({ cmd: 'puback', messageId });
          }
        : () => {};
    onMessage(packet, ack);
    // QoS 0 has nothing to acknowledge: a plain callback; QoS 1 (and 2, which we never request): deferred.
    const next = () => (packet.qos === 0 ? callback() : callback(DEFERRED));
    if (canTakeMore()) next();
    else held = next;
  };
  return {
    mode: 'batched',
    resume: () => {
      if (held && canTakeMore()) {
        const next = held;
        held = null;
        next();
      }
    },
  };
}
