import { finishChecksum, onesSum } from "./internet-checksum.js";

/** TCP flag bits. */
export const TcpFlag = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10 } as const;

/** The window scale both synthesized ends announce: windows of up to 65535 << 14 bytes (1 GiB), so large events never fill a window. */
export const WINDOW_SCALE = 14;

/** One TCP segment to frame. */
export interface TcpSegment {
  readonly srcIp: Uint8Array;
  readonly dstIp: Uint8Array;
  readonly srcMac: Uint8Array;
  readonly dstMac: Uint8Array;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  /** The payload, a view into an event's data (not copied until framed). */
  readonly payload: Uint8Array;
  /** Announce MSS and window scale (SYN segments). */
  readonly synOptions?: { readonly mss: number };
  /** IPv4 identification. */
  readonly ipId: number;
}

/**
 * Frames a TCP segment as Ethernet II + IPv4 (20-byte header, DF, TTL 64)
 * or IPv6 (40-byte header, hop limit 64) + TCP, with the IPv4 header
 * checksum and the TCP checksum over the pseudo-header of either family.
 */
export function frameTcpSegment(segment: TcpSegment): Uint8Array {
  const v6 = segment.srcIp.length === 16;
  const optionsLength = segment.synOptions !== undefined ? 8 : 0;
  const tcpLength = 20 + optionsLength + segment.payload.length;
  const ipHeader = v6 ? 40 : 20;
  const frame = new Uint8Array(14 + ipHeader + tcpLength);
  const view = new DataView(frame.buffer);
  frame.set(segment.dstMac, 0);
  frame.set(segment.srcMac, 6);
  view.setUint16(12, v6 ? 0x86dd : 0x0800);
  const ip = 14;
  if (v6) {
    view.setUint32(ip, 0x60000000);
    view.setUint16(ip + 4, tcpLength);
    frame[ip + 6] = 6;
    frame[ip + 7] = 64;
    frame.set(segment.srcIp, ip + 8);
    frame.set(segment.dstIp, ip + 24);
  } else {
    frame[ip] = 0x45;
    view.setUint16(ip + 2, 20 + tcpLength);
    view.setUint16(ip + 4, segment.ipId & 0xffff);
    view.setUint16(ip + 6, 0x4000);
    frame[ip + 8] = 64;
    frame[ip + 9] = 6;
    frame.set(segment.srcIp, ip + 12);
    frame.set(segment.dstIp, ip + 16);
    view.setUint16(ip + 10, finishChecksum(onesSum(frame.subarray(ip, ip + 20))));
  }
  const tcp = ip + ipHeader;
  view.setUint16(tcp, segment.srcPort);
  view.setUint16(tcp + 2, segment.dstPort);
  view.setUint32(tcp + 4, segment.seq >>> 0);
  view.setUint32(tcp + 8, segment.ack >>> 0);
  frame[tcp + 12] = ((20 + optionsLength) / 4) << 4;
  frame[tcp + 13] = segment.flags;
  view.setUint16(tcp + 14, 0xffff);
  if (segment.synOptions !== undefined) {
    // MSS (kind 2, length 4), NOP, window scale (kind 3, length 3).
    frame[tcp + 20] = 2;
    frame[tcp + 21] = 4;
    view.setUint16(tcp + 22, segment.synOptions.mss);
    frame[tcp + 24] = 1;
    frame[tcp + 25] = 3;
    frame[tcp + 26] = 3;
    frame[tcp + 27] = WINDOW_SCALE;
  }
  frame.set(segment.payload, tcp + 20 + optionsLength);
  // Pseudo-header: addresses, protocol and TCP length (RFC 793; RFC 8200 for IPv6).
  let sum = onesSum(segment.srcIp);
  sum = onesSum(segment.dstIp, sum);
  sum += 6 + (tcpLength & 0xffff) + Math.floor(tcpLength / 0x10000);
  sum = onesSum(frame.subarray(tcp), sum);
  view.setUint16(tcp + 16, finishChecksum(sum));
  return frame;
}
