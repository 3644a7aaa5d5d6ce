import type { TapEvent } from "../model.js";
import type { CaptureEndpoint } from "./capture-address.js";
import { frameSide, TcpFlag, type CaptureWriter, type FramedSide } from "./capture-writer.js";

const LOCAL_MAC = new Uint8Array([0x02, 0, 0, 0, 0, 0x01]);
const REMOTE_MAC = new Uint8Array([0x02, 0, 0, 0, 0, 0x02]);
/** A receiver acknowledges at least every this many segments of one event, as delayed ACKs would. */
const SEGMENTS_PER_ACK = 64;
/** Handshake packets go this long (1 µs apart) before the first event, so they keep their order at microsecond resolution. */
export const HANDSHAKE_STEP = 1000n;

/**
 * The TCP packets of one connection, written as its events arrive: a
 * synthesized three-way handshake from the peer (the peer is taken to be
 * the client), each read as segments peer → Envoy and each write as
 * segments Envoy → peer (at most `mss` payload bytes each, PSH on the
 * last), an ACK from the receiver after every event (and every 64
 * segments), FIN after the last write when it has `end_stream`, and at
 * `closed` or the end of the trace a FIN from each side that has not sent
 * one, with its ACK. Sequence and acknowledgement numbers are exact in both
 * directions, so a dissector reassembles the streams.
 */
export class TcpFlow {
  private readonly fromRemote: FramedSide;
  private readonly fromLocal: FramedSide;
  private localSeq: number;
  private remoteSeq: number;
  private localId = 1;
  private remoteId = 1;
  private localFin = false;
  private remoteFin = false;
  /** Whether the flow has sent its closing packets; later events are ignored. */
  closed = false;
  /** The flow's clock: the latest event timestamp so far (events without one keep it). */
  time: bigint;
  /** Events given so far. */
  events = 0;

  /**
   * @param index the connection's number in the capture (it spreads the initial sequence numbers)
   * @param start the first event timestamp, or 0
   * @param lastWrite the 0-based number of the connection's last write event, or -1
   * @param comment the pcapng comment of the first packet
   */
  constructor(
    private readonly writer: CaptureWriter,
    local: CaptureEndpoint,
    remote: CaptureEndpoint,
    index: number,
    private readonly mss: number,
    start: bigint,
    private readonly lastWrite: number,
    private readonly comment: string,
  ) {
    this.fromRemote = frameSide({ srcIp: remote.ip, dstIp: local.ip, srcMac: REMOTE_MAC, dstMac: LOCAL_MAC, srcPort: remote.port, dstPort: local.port, direction: 1 });
    this.fromLocal = frameSide({ srcIp: local.ip, dstIp: remote.ip, srcMac: LOCAL_MAC, dstMac: REMOTE_MAC, srcPort: local.port, dstPort: remote.port, direction: 2 });
    this.localSeq = (0x20000000 + index * 0x10000) >>> 0;
    this.remoteSeq = (0x10000000 + index * 0x10000) >>> 0;
    this.time = start;
  }

  /** Handshake packet `step` (0 SYN, 1 SYN-ACK, 2 ACK), at 3, 2 and 1 µs before the first event. */
  handshake(step: number): void {
    this.writer.setTime(this.time - BigInt(3 - step) * HANDSHAKE_STEP);
    if (step === 0) {
      this.remote(TcpFlag.syn, undefined, 0, 0, this.mss, this.comment);
      this.remoteSeq = (this.remoteSeq + 1) >>> 0;
    } else if (step === 1) {
      this.local(TcpFlag.syn | TcpFlag.ack, undefined, 0, 0, this.mss);
      this.localSeq = (this.localSeq + 1) >>> 0;
    } else this.remote(TcpFlag.ack);
  }

  /** The packets of the next event, in the connection's order. */
  event(event: TapEvent): void {
    const number = this.events++;
    if (this.closed) return;
    if (event.timestamp !== undefined && event.timestamp > this.time) this.time = event.timestamp;
    this.writer.setTime(this.time);
    if (event.type === "closed") {
      this.close();
      return;
    }
    const reading = event.type === "read";
    const data = event.data;
    const mss = this.mss;
    let segments = 0;
    for (let offset = 0; offset < data.length; offset += mss) {
      const end = Math.min(offset + mss, data.length);
      const last = end === data.length;
      const flags = TcpFlag.ack | (last ? TcpFlag.psh : 0);
      if (reading) {
        this.remote(flags, data, offset, end);
        this.remoteSeq = (this.remoteSeq + end - offset) >>> 0;
      } else {
        this.local(flags, data, offset, end);
        this.localSeq = (this.localSeq + end - offset) >>> 0;
      }
      if (++segments % SEGMENTS_PER_ACK === 0 && !last) this.ackFrom(reading);
    }
    if (data.length > 0) this.ackFrom(reading);
    if (!reading && event.endStream && number === this.lastWrite && !this.localFin) {
      this.local(TcpFlag.fin | TcpFlag.ack);
      this.localSeq = (this.localSeq + 1) >>> 0;
      this.localFin = true;
      this.remote(TcpFlag.ack);
    }
  }

  /** FIN from each side that has not sent one, and the last ACK, at the flow's time. */
  close(): void {
    if (this.closed) return;
    this.writer.setTime(this.time);
    if (!this.localFin) {
      this.local(TcpFlag.fin | TcpFlag.ack);
      this.localSeq = (this.localSeq + 1) >>> 0;
      this.localFin = true;
    }
    if (!this.remoteFin) {
      this.remote(TcpFlag.fin | TcpFlag.ack);
      this.remoteSeq = (this.remoteSeq + 1) >>> 0;
      this.remoteFin = true;
      this.local(TcpFlag.ack);
    }
    this.closed = true;
  }

  /** An ACK from Envoy (`local`) or from the peer. */
  private ackFrom(local: boolean): void {
    if (local) this.local(TcpFlag.ack);
    else this.remote(TcpFlag.ack);
  }

  private remote(flags: number, payload: Uint8Array = EMPTY, start = 0, end = 0, synMss?: number, comment?: string): void {
    this.writer.packet(this.fromRemote, this.remoteSeq, flags & TcpFlag.ack ? this.localSeq : 0, flags, this.remoteId++, payload, start, end, synMss, comment);
  }

  private local(flags: number, payload: Uint8Array = EMPTY, start = 0, end = 0, synMss?: number): void {
    this.writer.packet(this.fromLocal, this.localSeq, this.remoteSeq, flags, this.localId++, payload, start, end, synMss);
  }
}

const EMPTY = new Uint8Array(0);
