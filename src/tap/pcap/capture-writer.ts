/**
 * Writes capture records straight into large reused buffers: record header,
 * Ethernet, IPv4 or IPv6 and TCP headers and the payload, checksums
 * included, with no allocation per packet. Full buffers go to the sink in
 * order, at most two writes in flight, and come back for reuse once written.
 * The buffers live in a WebAssembly memory of fixed size, where the TCP
 * checksum over each payload is summed with SIMD (`checksum-wasm.ts`);
 * without WebAssembly, it is summed in JavaScript.
 */
import { wasmSumMemory, type WasmSumMemory } from "./checksum-wasm.js";


/** Ethernet, the link type of every synthesized frame (LINKTYPE_ETHERNET). */
const LINKTYPE_ETHERNET = 1;
/** Large enough for any frame the writer makes (MSS ≤ 65495 plus headers). */
const SNAPLEN = 262144;
/** Bytes per output buffer; a buffer is handed to the sink once fewer than a largest packet's bytes are left. */
const BUFFER_BYTES = 2 * 1024 * 1024;
/** The largest record: pcapng block overhead (32 + 8 + 4 + 12), headers (14 + 40 + 28), MSS 65495, padding. */
const MAX_RECORD = 65536 + 256;
/** Output buffers in WebAssembly memory, where payloads are summed with SIMD; a writer that needs more (one very large event) makes plain ones. */
const WASM_BUFFERS = 4;
/** A WebAssembly memory page. */
const PAGE_BYTES = 65536;
/** The most comment bytes a packet carries; longer comments are cut (a pcapng option holds at most 65535 bytes). */
const MAX_COMMENT_BYTES = 65532;

/** TCP flag bits. */
export const TcpFlag = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10 } as const;
/** The window scale both synthesized ends announce: windows of up to 65535 << 14 bytes (1 GiB), so large events never fill a window. */
export const WINDOW_SCALE = 14;

/** One direction of a flow: what every packet from `src` to `dst` has in common. */
export interface FlowSide {
  readonly srcIp: Uint8Array;
  readonly dstIp: Uint8Array;
  readonly srcMac: Uint8Array;
  readonly dstMac: Uint8Array;
  readonly srcPort: number;
  readonly dstPort: number;
  /** pcapng `epb_flags` direction: 1 inbound (peer → Envoy), 2 outbound. */
  readonly direction: 1 | 2;
}

/** A {@link FlowSide} prepared for framing: its constant header bytes and checksum parts. */
export interface FramedSide {
  readonly side: FlowSide;
  readonly v6: boolean;
  /** Ethernet + IP + TCP header with the constant fields filled in. */
  readonly template: Uint8Array;
  /** Ones'-complement sum of the TCP pseudo-header's addresses and protocol, and of the ports. */
  readonly tcpSum: number;
  /** Ones'-complement sum of the IPv4 header's constant words (0 for IPv6). */
  readonly ipSum: number;
}

/** Prepares a flow direction for {@link CaptureWriter.packet}. */
export function frameSide(side: FlowSide): FramedSide {
  const v6 = side.srcIp.length === 16;
  const template = new Uint8Array(v6 ? 74 : 54);
  const view = new DataView(template.buffer);
  template.set(side.dstMac, 0);
  template.set(side.srcMac, 6);
  view.setUint16(12, v6 ? 0x86dd : 0x0800);
  let ipSum = 0;
  if (v6) {
    view.setUint32(14, 0x60000000);
    template[20] = 6;
    template[21] = 64;
    template.set(side.srcIp, 22);
    template.set(side.dstIp, 38);
  } else {
    template[14] = 0x45;
    view.setUint16(20, 0x4000);
    template[22] = 64;
    template[23] = 6;
    template.set(side.srcIp, 26);
    template.set(side.dstIp, 30);
    ipSum = bigEndianSum(template, 14, 34);
  }
  const tcp = v6 ? 54 : 34;
  view.setUint16(tcp, side.srcPort);
  view.setUint16(tcp + 2, side.dstPort);
  view.setUint16(tcp + 14, 0xffff);
  // Pseudo-header (RFC 793; RFC 8200 for IPv6): addresses and protocol; the TCP length is added per packet.
  const tcpSum = bigEndianSum(side.srcIp, 0, side.srcIp.length) + bigEndianSum(side.dstIp, 0, side.dstIp.length) + 6 + side.srcPort + side.dstPort + 0xffff;
  return { side, v6, template, tcpSum, ipSum };
}

/** The plain sum of the big-endian 16-bit words of `bytes[from, to)` (an even span). */
function bigEndianSum(bytes: Uint8Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  return sum;
}

/** Folds a sum into 16 bits with end-around carry (RFC 1071). */
function fold(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  return s;
}

/** Writes a capture file (classic pcap or pcapng) record by record into reused buffers. */
export class CaptureWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private words: Uint32Array;
  private used = 0;
  private readonly spare: Uint8Array[] = [];
  private readonly inFlight: Promise<void>[] = [];
  private readonly ready: Uint8Array[] = [];
  private failure: unknown;
  /** The current packet time, split once per event: pcap seconds and microseconds, or pcapng's high and low words. */
  private timeHigh = 0;
  private timeLow = 0;
  private readonly encoder = new TextEncoder();
  /** The memory the first buffers are in, and the SIMD word sum over it; undefined without WebAssembly. */
  private readonly wasm: WasmSumMemory | undefined;

  constructor(
    private readonly format: "pcap" | "pcapng",
    private readonly sink: (bytes: Uint8Array) => Promise<void>,
  ) {
    const wasm = (this.wasm = wasmSumMemory((WASM_BUFFERS * BUFFER_BYTES) / PAGE_BYTES));
    if (wasm !== undefined) {
      for (let i = WASM_BUFFERS - 1; i > 0; i--) this.spare.push(new Uint8Array(wasm.buffer, i * BUFFER_BYTES, BUFFER_BYTES));
      this.buffer = new Uint8Array(wasm.buffer, 0, BUFFER_BYTES);
    } else this.buffer = new Uint8Array(BUFFER_BYTES);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, BUFFER_BYTES);
    this.words = new Uint32Array(this.buffer.buffer, this.buffer.byteOffset, BUFFER_BYTES / 4);
    if (format === "pcap") {
      // Little-endian, version 2.4, microsecond timestamps.
      this.view.setUint32(0, 0xa1b2c3d4, true);
      this.view.setUint16(4, 2, true);
      this.view.setUint16(6, 4, true);
      this.view.setUint32(16, SNAPLEN, true);
      this.view.setUint32(20, LINKTYPE_ETHERNET, true);
      this.used = 24;
    } else {
      // Section Header Block (version 1.0, section length unknown, shb_userappl), then one
      // Interface Description Block (Ethernet, if_tsresol 9: nanoseconds).
      const app = this.encoder.encode("envoy-tap-tunnel");
      const shbLength = 28 + 4 + ((app.length + 3) & ~3) + 4;
      this.view.setUint32(0, 0x0a0d0d0a, true);
      this.view.setUint32(4, shbLength, true);
      this.view.setUint32(8, 0x1a2b3c4d, true);
      this.view.setUint16(12, 1, true);
      this.view.setInt32(16, -1, true);
      this.view.setInt32(20, -1, true);
      let at = this.option(24, 4, app);
      this.view.setUint32(at, 0, true);
      this.view.setUint32(at + 4, shbLength, true);
      at += 8;
      this.view.setUint32(at, 1, true);
      this.view.setUint32(at + 4, 32, true);
      this.view.setUint16(at + 8, LINKTYPE_ETHERNET, true);
      this.view.setUint32(at + 12, SNAPLEN, true);
      this.option(at + 16, 9, new Uint8Array([9]));
      this.view.setUint32(at + 24, 0, true);
      this.view.setUint32(at + 28, 32, true);
      this.used = at + 32;
    }
  }

  /** Sets the time of the packets that follow, in nanoseconds since the epoch (a negative time is written as 0). */
  setTime(nanos: bigint): void {
    const time = nanos < 0n ? 0n : nanos;
    if (this.format === "pcap") {
      // Microseconds rounded to the nearest, as Envoy's tap2pcap does.
      const micros = (time + 500n) / 1000n;
      this.timeHigh = Number(micros / 1_000_000n) >>> 0;
      this.timeLow = Number(micros % 1_000_000n);
    } else {
      this.timeHigh = Number(time >> 32n);
      this.timeLow = Number(time & 0xffffffffn);
    }
  }

  /**
   * Appends one TCP segment from `side`: `payload[start, end)` (at most the
   * MSS), with `seq`, `ack`, `flags`, the IPv4 identification `ipId`, the
   * SYN options (MSS, NOP, window scale) when `synMss` is given, and in
   * pcapng the packet comment, if any.
   */
  packet(framed: FramedSide, seq: number, ack: number, flags: number, ipId: number, payload: Uint8Array, start: number, end: number, synMss?: number, comment?: string): void {
    if (this.used + MAX_RECORD > this.buffer.length) this.swap();
    const options = synMss !== undefined ? 8 : 0;
    const payloadLength = end - start;
    const tcpLength = 20 + options + payloadLength;
    const frameLength = framed.template.length + options + payloadLength;
    const buffer = this.buffer;
    const view = this.view;
    const pcapng = this.format === "pcapng";
    const record = this.used;
    const frame = record + (pcapng ? 28 : 16);
    view.setUint32(frame - 8, frameLength, true);
    view.setUint32(frame - 4, frameLength, true);
    if (pcapng) {
      view.setUint32(record, 6, true);
      view.setUint32(record + 8, 0, true);
      view.setUint32(record + 12, this.timeHigh, true);
      view.setUint32(record + 16, this.timeLow, true);
    } else {
      view.setUint32(record, this.timeHigh, true);
      view.setUint32(record + 4, this.timeLow, true);
    }
    buffer.set(framed.template, frame);
    let tcp: number;
    if (framed.v6) {
      view.setUint16(frame + 18, tcpLength);
      tcp = frame + 54;
    } else {
      const id = ipId & 0xffff;
      view.setUint16(frame + 16, 20 + tcpLength);
      view.setUint16(frame + 18, id);
      view.setUint16(frame + 24, ~fold(framed.ipSum + 20 + tcpLength + id) & 0xffff);
      tcp = frame + 34;
    }
    view.setUint32(tcp + 4, seq);
    view.setUint32(tcp + 8, ack);
    const offsetFlags = (((20 + options) / 4) << 12) | flags;
    view.setUint16(tcp + 12, offsetFlags);
    let sum = framed.tcpSum + tcpLength + (seq >>> 16) + (seq & 0xffff) + (ack >>> 16) + (ack & 0xffff) + offsetFlags;
    if (synMss !== undefined) {
      // MSS (kind 2, length 4), NOP, window scale (kind 3, length 3).
      view.setUint32(tcp + 20, 0x02040000 | synMss);
      view.setUint32(tcp + 24, 0x01030300 | WINDOW_SCALE);
      sum += 0x0204 + synMss + 0x0103 + 0x0300 + WINDOW_SCALE;
    }
    const data = tcp + 20 + options;
    if (payloadLength > 0) {
      buffer.set(payload.subarray(start, end), data);
      sum += this.payloadSum(data, data + payloadLength);
    }
    view.setUint16(tcp + 16, ~fold(sum) & 0xffff);
    let at = data + payloadLength;
    if (pcapng) {
      const padded = (frameLength + 3) & ~3;
      buffer.fill(0, at, frame + padded);
      at = frame + padded;
      view.setUint32(at, 0x00040002, true);
      view.setUint32(at + 4, framed.side.direction, true);
      at += 8;
      if (comment !== undefined) at = this.option(at, 1, this.encoder.encode(comment).subarray(0, MAX_COMMENT_BYTES));
      view.setUint32(at, 0, true);
      const total = at + 8 - record;
      view.setUint32(at + 4, total, true);
      view.setUint32(record + 4, total, true);
      at += 8;
    }
    this.used = at;
  }

  /**
   * The ones'-complement sum of `buffer[from, to)` as big-endian words
   * counted from `from`. Summing little-endian words gives the byte-swapped
   * sum (RFC 1071, byte order independence): in WebAssembly, words counted
   * from `from`, swapped back; in JavaScript, four bytes at a time at
   * aligned addresses, where an odd `from` swaps it back.
   */
  private payloadSum(from: number, to: number): number {
    const buffer = this.buffer;
    if (this.wasm !== undefined && buffer.buffer === this.wasm.buffer) {
      const swapped = this.wasm.sum(buffer.byteOffset + from, buffer.byteOffset + to);
      return ((swapped & 0xff) << 8) | (swapped >>> 8);
    }
    const firstWord = (from + 3) >>> 2;
    const lastWord = to >>> 2;
    let sum = 0;
    if (firstWord >= lastWord) {
      for (let i = from; i < to; i++) sum += buffer[i]! << ((i & 1) << 3);
    } else {
      for (let i = from; i < firstWord << 2; i++) sum += buffer[i]! << ((i & 1) << 3);
      const words = this.words;
      let wide = 0;
      for (let w = firstWord; w < lastWord; w++) wide += words[w]!;
      sum += fold(wide);
      for (let i = lastWord << 2; i < to; i++) sum += buffer[i]! << ((i & 1) << 3);
    }
    const folded = fold(sum);
    return (from & 1) === 1 ? folded : ((folded & 0xff) << 8) | (folded >>> 8);
  }

  /** A pcapng option at `at`: code, length, value padded to 4 bytes; returns the offset after it. */
  private option(at: number, code: number, value: Uint8Array): number {
    this.view.setUint16(at, code, true);
    this.view.setUint16(at + 2, value.length, true);
    this.buffer.set(value, at + 4);
    const padded = (value.length + 3) & ~3;
    this.buffer.fill(0, at + 4 + value.length, at + 4 + padded);
    return at + 4 + padded;
  }

  /** Queues the current buffer for the sink and continues in a spare one. */
  private swap(): void {
    this.ready.push(this.buffer.subarray(0, this.used));
    const next = this.spare.pop() ?? new Uint8Array(BUFFER_BYTES);
    this.buffer = next;
    this.view = new DataView(next.buffer, next.byteOffset, BUFFER_BYTES);
    this.words = new Uint32Array(next.buffer, next.byteOffset, BUFFER_BYTES / 4);
    this.used = 0;
  }

  /**
   * Hands full buffers to the sink, keeping at most two writes in flight;
   * call it between events so that memory stays at a few buffers (one very
   * large event may queue more until this runs).
   */
  async drain(): Promise<void> {
    while (this.ready.length > 0) {
      if (this.inFlight.length >= 2) await this.inFlight.shift();
      if (this.failure !== undefined) throw this.failure;
      const bytes = this.ready.shift()!;
      this.inFlight.push(
        this.sink(bytes).then(
          () => void this.spare.push(new Uint8Array(bytes.buffer, bytes.byteOffset, BUFFER_BYTES)),
          (error: unknown) => void (this.failure ??= error),
        ),
      );
    }
  }

  /** Writes what is left and waits for every write. */
  async finish(): Promise<void> {
    if (this.used > 0) this.swap();
    await this.drain();
    await Promise.all(this.inFlight.splice(0));
    if (this.failure !== undefined) throw this.failure;
  }
}
