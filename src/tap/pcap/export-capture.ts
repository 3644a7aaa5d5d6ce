import { TapRule } from "../../fault/rule-ids.js";
import type { TapEvent, TraceFinding, TraceItem } from "../model.js";
import { readTraces, type ReadTracesOptions } from "../read-traces.js";
import { resolveKey } from "../reassemble.js";
import { captureEndpoint, sameFamily } from "./capture-address.js";
import { CaptureWriter } from "./capture-writer.js";
import { planCapture, traceSource, type CaptureSource, type PlannedConnection } from "./plan-capture.js";
import { HANDSHAKE_STEP, TcpFlow } from "./tcp-flow.js";
import { MAX_MSS } from "./max-mss.js";

/** Options of {@link exportCapture}. */
export interface ExportCaptureOptions {
  /** Write pcapng (nanoseconds, comments, direction flags) instead of classic pcap (microsecond timestamps). */
  readonly pcapng?: boolean;
  /** The largest TCP payload per segment, 1 to 65495. By default, 1460 (Ethernet's MTU less IPv4 and TCP headers). */
  readonly mss?: number;
  /** How the inputs are read (see {@link readTraces}). */
  readonly read?: ReadTracesOptions;
}


/** A connection's flow, plan and number in the capture. */
interface Target {
  readonly flow: TcpFlow;
  readonly planned: PlannedConnection;
  readonly index: number;
}

/** Where the merge takes its next packets from: a connection's handshake and held events, or one input's streamed events. */
interface Lane {
  /** Time, connection number, input number of the next packets: the smallest goes first. */
  time: bigint;
  index: number;
  input: number;
  /** Writes the next packets; false when the lane has nothing more. */
  step(): Promise<boolean> | boolean;
}

/**
 * Turns tap traces into a capture Wireshark opens, streaming: one TCP flow
 * per connection (see {@link TcpFlow}) over Ethernet and IPv4 or IPv6
 * (from the socket addresses; pipes and internal addresses get documented
 * placeholders, see `capture-address.ts`), all flows interleaved by time.
 *
 * A first pass ({@link planCapture}) learns each connection's addresses,
 * inputs, first time and findings, keeping no event bytes; the second reads
 * every input again and merges the inputs' events by time (a small heap
 * over one incremental reader per input, opened when its first event is
 * due), writing each event's packets as it comes. Memory stays at a few
 * buffers per open input whatever the size of the set, except for
 * connections ordered whole (out of order, or made from HTTP traces).
 * In pcapng, each connection's first packet carries a comment naming the
 * connection, its trace files and findings, and whether it was synthesized.
 *
 * Returns the findings, as `reassemble` would report them, and warnings
 * for placeholder addresses.
 */
export async function exportCapture(sources: readonly CaptureSource[], sink: (bytes: Uint8Array) => Promise<void>, options: ExportCaptureOptions = {}): Promise<TraceFinding[]> {
  const mss = options.mss ?? 1460;
  if (!Number.isInteger(mss) || mss < 1 || mss > MAX_MSS) throw new RangeError(`mss must be an integer from 1 to ${MAX_MSS}, got ${mss}`);
  const read = options.read ?? {};
  const plan = await planCapture(sources, read);
  const writer = new CaptureWriter(options.pcapng === true ? "pcapng" : "pcap", sink);
  const findings: TraceFinding[] = [...plan.findings, ...plan.connections.flatMap((c) => c.findings)];
  const flows = new Map<string, Target>();
  const lanes: Lane[] = [];
  plan.connections.forEach((planned, index) => {
    const [local, remote] = sameFamily(captureEndpoint("local", index, planned.connection.local), captureEndpoint("remote", index, planned.connection.remote));
    for (const [side, endpoint] of [["local", local], ["remote", remote]] as const) {
      if (endpoint.placeholder === undefined) continue;
      const ip = endpoint.ip.length === 4 ? endpoint.ip.join(".") : "an IPv4-mapped placeholder";
      findings.push({ ruleId: TapRule.placeholderAddress, severity: "warning", message: `${planned.key}: the ${side} address (${endpoint.placeholder}) is shown as ${ip} port ${endpoint.port}`, trace: planned.key });
    }
    const flow = new TcpFlow(writer, local, remote, index, mss, planned.start, planned.lastWrite, planned.comment);
    flows.set(planned.key, { flow, planned, index });
    lanes.push(connectionLane(flow, planned, index));
  });
  plan.sourceStarts.forEach((start, input) => {
    if (start !== undefined) lanes.push(inputLane(sources[input]!, input, start, read, (item) => (item.kind === "event" ? flows.get(resolveKey(plan.fragmentKey as Map<string, string>, item, item.trace)) : undefined)));
  });
  const heap = new LaneHeap(lanes);
  for (let lane = heap.pop(); lane !== undefined; lane = heap.pop()) {
    if (await lane.step()) heap.push(lane);
    await writer.drain();
  }
  // Only an input that changed between the passes leaves a flow open.
  for (const { flow } of flows.values()) flow.close();
  await writer.finish();
  return findings;
}

/** Gives a flow its next event, and closes it after its last. */
function feed(flow: TcpFlow, planned: PlannedConnection, event: TapEvent): void {
  flow.event(event);
  if (flow.events === planned.eventCount) flow.close();
}

/** The time an event's packets get: the flow's clock, moved on by the event's timestamp. */
function packetTime(flow: TcpFlow, event: TapEvent): bigint {
  return event.timestamp !== undefined && event.timestamp > flow.time ? event.timestamp : flow.time;
}

/** A connection's handshake (three packets, 1 µs apart), then its held events, or its closing packets when it has no events. */
function connectionLane(flow: TcpFlow, planned: PlannedConnection, index: number): Lane {
  let step = 0;
  let next = 0;
  const events = planned.events;
  return {
    time: planned.start - 3n * HANDSHAKE_STEP,
    index,
    input: -1,
    step() {
      if (step < 3) {
        flow.handshake(step++);
        this.time += HANDSHAKE_STEP;
        if (step < 3) return true;
        if (planned.eventCount === 0) {
          flow.close();
          return false;
        }
      } else feed(flow, planned, events![next++]!);
      if (events === undefined || next >= events.length || flow.closed) return false;
      this.time = packetTime(flow, events[next]!);
      return true;
    },
  };
}

/** One input's streamed events (those of connections not held whole), read as the merge needs them. */
function inputLane(source: CaptureSource, input: number, start: bigint | null, options: ReadTracesOptions, flowOf: (item: TraceItem) => Target | undefined): Lane {
  let items: AsyncIterator<TraceItem> | undefined;
  let head: (Target & { event: TapEvent }) | undefined;
  const advance = async (lane: Lane): Promise<boolean> => {
    for (;;) {
      const next = await items!.next();
      if (next.done === true) return false;
      const item = next.value;
      if (item.kind !== "event") continue;
      const target = flowOf(item);
      if (target === undefined || target.planned.events !== undefined) continue;
      head = { event: item.event, flow: target.flow, planned: target.planned, index: target.index };
      lane.time = packetTime(target.flow, item.event);
      lane.index = target.index;
      return true;
    }
  };
  const lane: Lane = {
    time: start ?? -(2n ** 63n),
    index: -1,
    input,
    async step() {
      if (items === undefined) {
        // Transient: the head event is written before the input is read on.
        items = readTraces([traceSource(source)], { ...options, transient: true })[Symbol.asyncIterator]();
        return advance(lane);
      }
      feed(head!.flow, head!.planned, head!.event);
      return advance(lane);
    },
  };
  return lane;
}

/** A binary min-heap of lanes by (time, connection number, input number). */
class LaneHeap {
  private readonly heap: Lane[] = [];
  constructor(lanes: readonly Lane[]) {
    for (const lane of lanes) this.push(lane);
  }
  push(lane: Lane): void {
    const heap = this.heap;
    heap.push(lane);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }
  pop(): Lane | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      for (let i = 0; ; ) {
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
}

function before(a: Lane, b: Lane): boolean {
  return a.time !== b.time ? a.time < b.time : a.index !== b.index ? a.index < b.index : a.input < b.input;
}
