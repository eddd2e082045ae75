// The checks every decoder applies (docs/ingest.md, "Validation"): payload size, JSON, phenomenon, number,
// unit, physical range, and time. Each failure becomes a Rejection whose reason names the value.
import { getPhenomenon, isPhenomenonCode, toCanonical, type PhenomenonCode } from '../phenomena.js';
import type { DecodedReading, Rejection } from './types.js';

/** Payloads above this are rejected unread: no sensor sends more than a few hundred bytes. */
const MAX_PAYLOAD_BYTES = 64 * 1024;
/**
 * Deepest nesting of arrays and objects accepted. Every format needs 3 (an array of readings, a
 * reading, its values); anything deeper is not a sensor's message, and a value nested thousands
 * deep would overflow the stack of whatever recursion meets it next (JSON.stringify, zod).
 */
const MAX_DEPTH = 8;
/** Characters of a rejected value quoted in its reason: enough to recognise it, never the payload. */
const SHOWN_CHARS = 40;
/** Device clocks drift; beyond this a timestamp is wrong, not early. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** Before this, a device clock was never set (an ESP boots at 1970 until NTP answers). */
const EARLIEST_TIME_MS = Date.UTC(2010, 0, 1);

export type Parsed = { ok: true; json: unknown } | { ok: false; rejection: Rejection };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Size limit, UTF-8 and JSON: the message-level checks shared by every format. */
export function parsePayload(payload: Uint8Array): Parsed {
  if (payload.byteLength > MAX_PAYLOAD_BYTES) {
    return reject('too_large', `payload of ${payload.byteLength} bytes is over the 64 KiB limit`);
  }
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return reject('malformed', 'payload is not valid UTF-8');
  }
  // Checked on the text, before anything recursive sees the payload.
  const depth = nestingDepth(text, MAX_DEPTH);
  if (depth > MAX_DEPTH) {
    return reject('malformed', `payload nests arrays or objects deeper than ${MAX_DEPTH} levels`);
  }
  try {
    return { ok: true, json: JSON.parse(text) as unknown };
  } catch (e) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    return reject(
      'malformed',
      `payload ${JSON.stringify(shown)} is not valid JSON (${(e as Error).message})`,
    );
  }
}

/**
 * How deep `[` and `{` nest in a JSON text, outside strings; stops counting once past `limit`.
 * A loop over the characters, so that no payload can overflow the stack.
 */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return depth;
}

/**
 * A value as a reason quotes it: JSON, cut to SHOWN_CHARS. Never throws (a BigInt or a cycle
 * cannot come from JSON.parse, but the contract is "every error a rejection"). JSON.stringify
 * writes a non-finite number as `null`: a JSON number too large for a double (1e309) parses as
 * Infinity, and a reason saying "value null" would point at the wrong mistake.
 */
export function shownValue(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return Number.isNaN(value) ? 'NaN' : `${String(value)} (too large to represent)`;
  }
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}… (${text.length} characters)` : text;
}

function reject(code: Rejection['code'], reason: string): { ok: false; rejection: Rejection } {
  return { ok: false, rejection: { code, reason, values: 1 } };
}

export type Checked = { ok: true; reading: DecodedReading } | { ok: false; rejection: Rejection };

/**
 * Checks one value and converts it to the canonical unit. `label` is how the device named it
 * (e.g. "SDS_P2" for airrohr) when that differs from the phenomenon code, so the reason speaks
 * the device's language.
 */
export function checkValue(
  input: { phenomenon: string; value: unknown; unit?: string; sensor: string; time: number },
  label = input.phenomenon,
): Checked {
  const { phenomenon, value, unit, sensor, time } = input;
  const fail = (code: Rejection['code'], reason: string): Checked => ({
    ok: false,
    rejection: { code, reason, values: 1 },
  });
  if (!isPhenomenonCode(phenomenon)) return fail('unknown_phenomenon', `unknown phenomenon "${label}"`);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return fail('not_numeric', `${label}: value ${shownValue(value)} is not a finite number`);
  }
  const p = getPhenomenon(phenomenon)!;
  if (unit !== undefined && unit !== p.unit && !p.alternatives.some((u) => u.code === unit)) {
    const accepted = [p.unit, ...p.alternatives.map((u) => u.code)].join(', ');
    return fail('unit', `${label}: unit "${unit}" is not accepted (accepted: ${accepted})`);
  }
  const converted = toCanonical(phenomenon, value, unit);
  if (!converted.ok) {
    // Phenomenon, number and unit were checked above: what remains is the range.
    const reason = converted.reason.replace(`${phenomenon}: `, '');
    return fail(
      'range',
      label === phenomenon ? `${label}: ${reason}` : `${label} (${phenomenon}): ${reason}`,
    );
  }
  return {
    ok: true,
    reading: {
      phenomenon: phenomenon as PhenomenonCode,
      sensor,
      unit: p.unit,
      value: converted.value,
      time,
      flags: 0,
    },
  };
}

/** Rejects a reading time too far ahead of the receive time, or from before clocks were set. */
export function checkTime(time: number, receivedAt: number, shown: string, values: number): Rejection | null {
  if (time > receivedAt + FUTURE_TOLERANCE_MS) {
    const minutes = Math.round((time - receivedAt) / 60_000);
    return {
      code: 'future',
      reason: `time ${shown} is ${minutes} min in the future (more than 5 min ahead of the receive time)`,
      values,
    };
  }
  if (time < EARLIEST_TIME_MS) {
    return { code: 'past', reason: `time ${shown} is before 2010: the device clock is not set`, values };
  }
  return null;
}
