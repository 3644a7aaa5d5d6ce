import type { ReassembledConnection } from "../reassemble.js";
import type { CaptureEndpoint } from "./capture-address.js";
import { frameTcpSegment, TcpFlag, type TcpSegment } from "./tcp-packet.js";

/** One framed packet of a capture, with its time and direction as seen from Envoy. */
export interface CapturePacket {
  /** Nanoseconds since the Unix epoch. */
  readonly time: bigint;
  readonly frame: Uint8Array;
  /** `inbound`: peer → Envoy (reads); `outbound`: Envoy → peer (writes). */
  readonly direction: "inbound" | "outbound";
  /** A comment for the packet (the connection's first packet carries the connection's comment). */
  readonly comment?: string;
}

const LOCAL_MAC = new Uint8Array([0x02, 0, 0, 0, 0, 0x01]);
const REMOTE_MAC = new Uint8Array([0x02, 0, 0, 0, 0, 0x02]);
/** A receiver acknowledges at least every this many segments of one event, as delayed ACKs would. */
const SEGMENTS_PER_ACK = 64;
/** Handshake packets go this long (1 µs apart) before the first event, so they keep their order at microsecond resolution. */
const HANDSHAKE_STEP = 1000n;

/**
 * The TCP packets of one connection: a synthesized three-way handshake from
 * the peer (the peer is taken to be the client), each read as segments peer →
 * Envoy and each write as segments Envoy → peer (at most `mss` payload bytes
 * each, PSH on the last), an ACK from the receiver after every event (and
 * every 64 segments), FIN after a write with `end_stream` (when no write
 * follows it), and at `closed` or the end of the trace a FIN from each side
 * that has not sent one, with its ACK. Sequence and acknowledgement numbers
 * are exact in both directions, so a dissector reassembles the streams.
 */
export function* tcpFlow(connection: ReassembledConnection, index: number, local: CaptureEndpoint, remote: CaptureEndpoint, mss: number, comment: string): Generator<CapturePacket> {
  const events = connection.events;
  let localSeq = (0x20000000 + index * 0x10000) >>> 0;
  let remoteSeq = (0x10000000 + index * 0x10000) >>> 0;
  let localId = 1;
  let remoteId = 1;
  let localFin = false;
  let remoteFin = false;
  let closed = false;
  let lastWrite = -1;
  for (let i = 0; i < events.length; i++) if (events[i]!.type === "write") lastWrite = i;
  const empty = new Uint8Array(0);
  let time = events.find((e) => e.timestamp !== undefined)?.timestamp ?? 0n;

  const fromRemote = (flags: number, payload: Uint8Array, synOptions?: { mss: number }): Uint8Array => {
    const segment: TcpSegment = { srcIp: remote.ip, dstIp: local.ip, srcMac: REMOTE_MAC, dstMac: LOCAL_MAC, srcPort: remote.port, dstPort: local.port, seq: remoteSeq, ack: flags & TcpFlag.ack ? localSeq : 0, flags, payload, ipId: remoteId++, ...(synOptions ? { synOptions } : {}) };
    return frameTcpSegment(segment);
  };
  const fromLocal = (flags: number, payload: Uint8Array, synOptions?: { mss: number }): Uint8Array => {
    const segment: TcpSegment = { srcIp: local.ip, dstIp: remote.ip, srcMac: LOCAL_MAC, dstMac: REMOTE_MAC, srcPort: local.port, dstPort: remote.port, seq: localSeq, ack: remoteSeq, flags, payload, ipId: localId++, ...(synOptions ? { synOptions } : {}) };
    return frameTcpSegment(segment);
  };
  const inbound = (frame: Uint8Array, at = time): CapturePacket => ({ time: at, frame, direction: "inbound" });
  const outbound = (frame: Uint8Array, at = time): CapturePacket => ({ time: at, frame, direction: "outbound" });

  // Handshake.
  yield { ...inbound(fromRemote(TcpFlag.syn, empty, { mss }), time - 3n * HANDSHAKE_STEP), comment };
  remoteSeq = (remoteSeq + 1) >>> 0;
  yield outbound(fromLocal(TcpFlag.syn | TcpFlag.ack, empty, { mss }), time - 2n * HANDSHAKE_STEP);
  localSeq = (localSeq + 1) >>> 0;
  yield inbound(fromRemote(TcpFlag.ack, empty), time - HANDSHAKE_STEP);

  function* close(): Generator<CapturePacket> {
    if (!localFin) {
      yield outbound(fromLocal(TcpFlag.fin | TcpFlag.ack, empty));
      localSeq = (localSeq + 1) >>> 0;
      localFin = true;
    }
    if (!remoteFin) {
      yield inbound(fromRemote(TcpFlag.fin | TcpFlag.ack, empty));
      remoteSeq = (remoteSeq + 1) >>> 0;
      remoteFin = true;
      yield outbound(fromLocal(TcpFlag.ack, empty));
    }
    closed = true;
  }

  for (let i = 0; i < events.length && !closed; i++) {
    const event = events[i]!;
    if (event.timestamp !== undefined && event.timestamp > time) time = event.timestamp;
    if (event.type === "closed") {
      yield* close();
      break;
    }
    const reading = event.type === "read";
    const data = event.data;
    let segments = 0;
    for (let offset = 0; offset < data.length; offset += mss) {
      const payload = data.subarray(offset, Math.min(offset + mss, data.length));
      const last = offset + mss >= data.length;
      const flags = TcpFlag.ack | (last ? TcpFlag.psh : 0);
      if (reading) {
        yield inbound(fromRemote(flags, payload));
        remoteSeq = (remoteSeq + payload.length) >>> 0;
      } else {
        yield outbound(fromLocal(flags, payload));
        localSeq = (localSeq + payload.length) >>> 0;
      }
      if (++segments % SEGMENTS_PER_ACK === 0 && !last) yield reading ? outbound(fromLocal(TcpFlag.ack, empty)) : inbound(fromRemote(TcpFlag.ack, empty));
    }
    if (data.length > 0) yield reading ? outbound(fromLocal(TcpFlag.ack, empty)) : inbound(fromRemote(TcpFlag.ack, empty));
    if (!reading && event.endStream && i === lastWrite && !localFin) {
      yield outbound(fromLocal(TcpFlag.fin | TcpFlag.ack, empty));
      localSeq = (localSeq + 1) >>> 0;
      localFin = true;
      yield inbound(fromRemote(TcpFlag.ack, empty));
    }
  }
  if (!closed) yield* close();
}
