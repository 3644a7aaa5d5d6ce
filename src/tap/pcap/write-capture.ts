import { TapRule } from "../../fault/rule-ids.js";
import { formatEndpoint } from "../endpoint.js";
import type { TraceFinding } from "../model.js";
import type { Reassembly, ReassembledConnection } from "../reassemble.js";
import { captureEndpoint, sameFamily } from "./capture-address.js";
import { pcapFileHeader, pcapngHeader, pcapngPacket, pcapRecord } from "./capture-format.js";
import { tcpFlow, type CapturePacket } from "./tcp-flow.js";

/** Options of {@link writeCapture}. */
export interface WriteCaptureOptions {
  /** `pcap` (classic, microsecond timestamps) or `pcapng` (nanoseconds, comments, direction flags). By default, `pcap`. */
  readonly format?: "pcap" | "pcapng";
  /** The largest TCP payload per segment, 1 to 65495. By default, 1460 (Ethernet's MTU less IPv4 and TCP headers). */
  readonly mss?: number;
}

/** What {@link writeCapture} returns: the file's bytes in chunks, to be written in order, and its warnings. */
export interface Capture {
  /** Lazily made: a multi-gigabyte capture is never held whole. */
  readonly chunks: Iterable<Uint8Array>;
  /** Placeholder addresses used (pipes, Envoy internal addresses, missing addresses). */
  readonly warnings: readonly TraceFinding[];
}

/** The largest MSS: an IPv4 packet is at most 65535 bytes, 40 of them headers. */
export const MAX_MSS = 65495;

/**
 * Turns reassembled connections into a capture Wireshark opens: one TCP
 * flow per connection (see {@link tcpFlow}) over Ethernet and IPv4 or IPv6
 * (from the socket addresses; pipes and internal addresses get documented
 * placeholders, see `capture-address.ts`), all flows interleaved by time.
 * In pcapng, each connection's first packet carries a comment naming the
 * connection, its trace files and its findings, and whether it was
 * synthesized from an HTTP trace. Pure: no file or Node API is touched.
 */
export function writeCapture(reassembly: Reassembly, options: WriteCaptureOptions = {}): Capture {
  const mss = options.mss ?? 1460;
  if (!Number.isInteger(mss) || mss < 1 || mss > MAX_MSS) throw new RangeError(`mss must be an integer from 1 to ${MAX_MSS}, got ${mss}`);
  const format = options.format ?? "pcap";
  const warnings: TraceFinding[] = [];
  const flows = reassembly.connections.map((connection, index) => {
    const [local, remote] = sameFamily(captureEndpoint("local", index, connection.connection.local), captureEndpoint("remote", index, connection.connection.remote));
    for (const [side, endpoint] of [["local", local], ["remote", remote]] as const) {
      if (endpoint.placeholder === undefined) continue;
      const ip = endpoint.ip.length === 4 ? endpoint.ip.join(".") : "an IPv4-mapped placeholder";
      warnings.push({
        ruleId: TapRule.placeholderAddress,
        severity: "warning",
        message: `${connection.key}: the ${side} address (${endpoint.placeholder}) is shown as ${ip} port ${endpoint.port}`,
        trace: connection.key,
      });
    }
    return tcpFlow(connection, index, local, remote, mss, comment(connection));
  });
  function* chunks(): Generator<Uint8Array> {
    yield format === "pcapng" ? pcapngHeader("envoy-tap-tunnel") : pcapFileHeader();
    for (const packet of mergeByTime(flows)) yield format === "pcapng" ? pcapngPacket(packet) : pcapRecord(packet);
  }
  return { chunks: chunks(), warnings };
}

/** The pcapng comment of a connection. */
export function comment(connection: ReassembledConnection): string {
  const { local, remote, id } = connection.connection;
  const lines = [
    `connection ${connection.key}${id !== undefined ? ` (id ${id})` : ""}: ${formatEndpoint(remote)} -> ${formatEndpoint(local)} (Envoy)`,
    `trace files: ${connection.sources.join(", ")}`,
  ];
  if (connection.layout !== undefined) lines.push(`v3 Connection layout: ${connection.layout}`);
  if (connection.synthesized) lines.push("synthesized: HTTP/1.1 messages made from an HTTP trace (headers and bodies), not recorded socket bytes");
  for (const finding of connection.findings) lines.push(`${finding.severity}: ${finding.message} [${finding.ruleId}]`);
  return lines.join("\n");
}

/** Interleaves per-connection packet sequences (each in time order) by time, stably (earlier connection first on a tie). */
function* mergeByTime(flows: Iterator<CapturePacket>[]): Generator<CapturePacket> {
  const heads: { packet: CapturePacket; flow: number }[] = [];
  const push = (flow: number) => {
    const next = flows[flow]!.next();
    if (next.done !== true) heapPush(heads, { packet: next.value, flow });
  };
  for (let i = 0; i < flows.length; i++) push(i);
  while (heads.length > 0) {
    const top = heapPop(heads);
    yield top.packet;
    push(top.flow);
  }
}

type Head = { packet: CapturePacket; flow: number };
const before = (a: Head, b: Head) => a.packet.time < b.packet.time || (a.packet.time === b.packet.time && a.flow < b.flow);

function heapPush(heap: Head[], item: Head): void {
  heap.push(item);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i]!, heap[parent]!)) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function heapPop(heap: Head[]): Head {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }
  return top;
}
