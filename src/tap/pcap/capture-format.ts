import type { CapturePacket } from "./tcp-flow.js";

/** Ethernet, the link type of every synthesized frame (LINKTYPE_ETHERNET). */
const LINKTYPE_ETHERNET = 1;
/** Large enough for any frame the writer makes (MSS ≤ 65495 plus headers). */
const SNAPLEN = 262144;

/** The 24-byte header of a classic pcap file: little-endian, microsecond timestamps, Ethernet. */
export function pcapFileHeader(): Uint8Array {
  const header = new Uint8Array(24);
  const view = new DataView(header.buffer);
  view.setUint32(0, 0xa1b2c3d4, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, SNAPLEN, true);
  view.setUint32(20, LINKTYPE_ETHERNET, true);
  return header;
}

/** One classic pcap record: seconds and microseconds (rounded to the nearest, as Envoy's tap2pcap does), lengths, the frame. */
export function pcapRecord(packet: CapturePacket): Uint8Array {
  const record = new Uint8Array(16 + packet.frame.length);
  const view = new DataView(record.buffer);
  const micros = packet.time < 0n ? 0n : (packet.time + 500n) / 1000n;
  view.setUint32(0, Number(micros / 1_000_000n) >>> 0, true);
  view.setUint32(4, Number(micros % 1_000_000n), true);
  view.setUint32(8, packet.frame.length, true);
  view.setUint32(12, packet.frame.length, true);
  record.set(packet.frame, 16);
  return record;
}

const encoder = new TextEncoder();

/** A pcapng option: code, length, value padded to 4 bytes. */
function option(code: number, value: Uint8Array): Uint8Array {
  const padded = (value.length + 3) & ~3;
  const out = new Uint8Array(4 + padded);
  const view = new DataView(out.buffer);
  view.setUint16(0, code, true);
  view.setUint16(2, value.length, true);
  out.set(value, 4);
  return out;
}

/** A pcapng block: type, total length, body (already padded), total length again. */
function block(type: number, body: readonly Uint8Array[]): Uint8Array {
  const bodyLength = body.reduce((sum, part) => sum + part.length, 0);
  const total = 12 + bodyLength;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, total, true);
  let at = 8;
  for (const part of body) {
    out.set(part, at);
    at += part.length;
  }
  view.setUint32(total - 4, total, true);
  return out;
}

const END_OF_OPTIONS = new Uint8Array(4);

/**
 * The start of a pcapng file: a Section Header Block (little-endian,
 * version 1.0, section length unknown, `shb_userappl` naming the writer)
 * and one Interface Description Block (Ethernet, `if_tsresol` 9:
 * nanosecond timestamps).
 */
export function pcapngHeader(application: string): Uint8Array {
  const shb = new Uint8Array(16);
  const shbView = new DataView(shb.buffer);
  shbView.setUint32(0, 0x1a2b3c4d, true);
  shbView.setUint16(4, 1, true);
  shbView.setUint16(6, 0, true);
  shbView.setInt32(8, -1, true);
  shbView.setInt32(12, -1, true);
  const idb = new Uint8Array(8);
  const idbView = new DataView(idb.buffer);
  idbView.setUint16(0, LINKTYPE_ETHERNET, true);
  idbView.setUint32(4, SNAPLEN, true);
  return concat([
    block(0x0a0d0d0a, [shb, option(4, encoder.encode(application)), END_OF_OPTIONS]),
    block(0x00000001, [idb, option(9, new Uint8Array([9])), END_OF_OPTIONS]),
  ]);
}

/**
 * An Enhanced Packet Block on interface 0: nanosecond timestamp,
 * `epb_flags` with the direction (1 inbound, 2 outbound) and the packet's
 * comment, if any.
 */
export function pcapngPacket(packet: CapturePacket): Uint8Array {
  const fixed = new Uint8Array(20);
  const view = new DataView(fixed.buffer);
  const time = packet.time < 0n ? 0n : packet.time;
  view.setUint32(4, Number(time >> 32n), true);
  view.setUint32(8, Number(time & 0xffffffffn), true);
  view.setUint32(12, packet.frame.length, true);
  view.setUint32(16, packet.frame.length, true);
  const padding = new Uint8Array(((packet.frame.length + 3) & ~3) - packet.frame.length);
  const flags = new Uint8Array(4);
  new DataView(flags.buffer).setUint32(0, packet.direction === "inbound" ? 1 : 2, true);
  const options = [option(2, flags)];
  if (packet.comment !== undefined) options.push(option(1, encoder.encode(packet.comment)));
  return block(0x00000006, [fixed, packet.frame, padding, ...options, END_OF_OPTIONS]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
