import type { Connection as ConnectionV2, Event as EventV2, Trace } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import type { Body, Connection as ConnectionV3 } from "../../gen/envoy/data/tap/v3/common_pb.js";
import type { SocketEvent } from "../../gen/envoy/data/tap/v3/transport_pb.js";
import type { TraceWrapper } from "../../gen/envoy/data/tap/v3/wrapper_pb.js";
import { TapRule } from "../fault/rule-ids.js";
import { readConnection } from "./connection-layout.js";
import { endpointOf } from "./endpoint.js";
import type { ConnectionLayout, ItemOrigin, TapConnection, TapEvent, TraceItem } from "./model.js";

/** Turns messages of one input into {@link TraceItem}s; one per input, since it remembers per-trace state. */
export class TraceItemMaker {
  private readonly encoder = new TextEncoder();
  /** v3 traces whose connection was seen, so events before it can be reported. */
  private readonly connected = new Set<string>();
  private readonly reportedEarly = new Set<string>();

  constructor(
    readonly source: string,
    private readonly forcedLayout: ConnectionLayout | undefined,
  ) {}

  /** The trace key of a v2alpha fragment: its connection id, else the id in a `<prefix>_<id>.<ext>` file name, else the fragment. */
  v2alphaKey(connection: ConnectionV2 | undefined, fragment: number): string {
    if (connection !== undefined) return `v2alpha:${connection.id}`;
    const id = /_(\d+)\.[^./\\]+$/.exec(this.source)?.[1];
    return id !== undefined ? `v2alpha:${BigInt(id)}` : `file:${this.source}#${fragment}`;
  }

  /** Items of one whole v2alpha `Trace`. */
  *v2alphaTrace(trace: Trace, origin: ItemOrigin): Generator<TraceItem> {
    const key = this.v2alphaKey(trace.connection, origin.fragment);
    if (trace.connection !== undefined) yield this.v2alphaConnection(trace.connection, key, origin);
    for (const event of trace.events) yield this.v2alphaEvent(event, key, origin);
  }

  v2alphaConnection(connection: ConnectionV2, key: string, origin: ItemOrigin): TraceItem {
    const value: TapConnection = {
      id: connection.id,
      ...(connection.localAddress !== undefined ? { local: endpointOf(connection.localAddress) } : {}),
      ...(connection.remoteAddress !== undefined ? { remote: endpointOf(connection.remoteAddress) } : {}),
    };
    return { ...origin, kind: "connection", api: "v2alpha", trace: key, connection: value };
  }

  v2alphaEvent(message: EventV2, key: string, origin: ItemOrigin): TraceItem {
    const selector = message.eventSelector;
    const event: TapEvent = {
      timestamp: nanos(message.timestamp),
      type: selector.case === "write" ? "write" : "read",
      data: selector.value?.data ?? new Uint8Array(0),
      endStream: selector.case === "write" && selector.value.endStream,
      truncated: false,
      seqNum: undefined,
    };
    // Fields written out: on Node 20, `{ ...origin, more }` costs microseconds per event.
    return { source: origin.source, fragment: origin.fragment, position: origin.position, kind: "event", api: "v2alpha", trace: key, event, message };
  }

  /** Items of one whole v3 `TraceWrapper`. */
  *v3Wrapper(wrapper: TraceWrapper, origin: ItemOrigin): Generator<TraceItem> {
    const trace = wrapper.trace;
    switch (trace.case) {
      case "socketBufferedTrace": {
        const key = `v3:${trace.value.traceId}`;
        if (trace.value.connection !== undefined) yield* this.v3Connection(trace.value.connection, key, origin);
        for (const event of trace.value.events) yield* this.v3Event(event, key, origin, false);
        yield this.truncation(key, trace.value.readTruncated, trace.value.writeTruncated, origin);
        return;
      }
      case "socketStreamedTraceSegment": {
        const key = `v3:${trace.value.traceId}`;
        const piece = trace.value.messagePiece;
        if (piece.case === "connection") yield* this.v3Connection(piece.value, key, origin);
        else if (piece.case === "event") yield* this.v3Event(piece.value, key, origin, true);
        else if (piece.case === "events") for (const event of piece.value.events) yield* this.v3Event(event, key, origin, true);
        return;
      }
      case "httpBufferedTrace":
        yield { ...origin, kind: "http", api: "v3", trace: `v3:http#${origin.source}#${origin.fragment}`, message: trace.value };
        return;
      case "httpStreamedTraceSegment":
        yield { ...origin, kind: "http", api: "v3", trace: `v3:${trace.value.traceId}`, message: trace.value };
        return;
      default:
        yield this.finding(origin, TapRule.noConnection, "warning", "a TraceWrapper with no trace set carries nothing");
    }
  }

  /** The connection item of a v3 trace, read with the detected or forced layout. */
  *v3Connection(connection: ConnectionV3, key: string, origin: ItemOrigin): Generator<TraceItem> {
    const reading = readConnection(connection, this.forcedLayout);
    if (reading.doubt !== undefined) yield this.finding(origin, TapRule.connectionLayout, "warning", reading.doubt, key);
    this.connected.add(key);
    yield { ...origin, kind: "connection", api: "v3", trace: key, connection: reading.connection, layout: reading.layout };
  }

  /** The item of a v3 event; `streamed` events before their trace's connection segment are reported. */
  *v3Event(message: SocketEvent, key: string, origin: ItemOrigin, streamed: boolean): Generator<TraceItem> {
    if (message.connection !== undefined) yield* this.v3Connection(message.connection, key, origin);
    else if (streamed && !this.connected.has(key) && !this.reportedEarly.has(key)) {
      this.reportedEarly.add(key);
      yield this.finding(origin, TapRule.eventBeforeConnection, "warning", `trace ${key.slice(3)} has events before its connection`, key);
    }
    const selector = message.eventSelector;
    const body: Body | undefined = selector.case === "read" || selector.case === "write" ? selector.value.data : undefined;
    const event: TapEvent = {
      timestamp: nanos(message.timestamp),
      type: selector.case === "write" ? "write" : selector.case === "read" ? "read" : "closed",
      data: this.bodyBytes(body),
      endStream: selector.case === "write" && selector.value.endStream,
      truncated: body?.truncated ?? false,
      seqNum: message.seqNum === 0n ? undefined : message.seqNum,
    };
    if (selector.case === undefined) {
      yield this.finding(origin, TapRule.noConnection, "warning", `an event of trace ${key.slice(3)} is neither read, write nor closed; skipped`, key);
      return;
    }
    yield { source: origin.source, fragment: origin.fragment, position: origin.position, kind: "event", api: "v3", trace: key, event, message };
  }

  truncation(key: string, readTruncated: boolean, writeTruncated: boolean, origin: ItemOrigin): TraceItem {
    return { ...origin, kind: "truncation", api: "v3", trace: key, readTruncated, writeTruncated };
  }

  /** A body's bytes; a string body (JSON_BODY_AS_STRING) is encoded as UTF-8. */
  bodyBytes(body: Body | undefined): Uint8Array {
    if (body === undefined) return new Uint8Array(0);
    const member = body.bodyType;
    if (member.case === "asBytes") return member.value;
    if (member.case === "asString") return this.encoder.encode(member.value);
    return new Uint8Array(0);
  }

  finding(origin: ItemOrigin, ruleId: string, severity: "error" | "warning", message: string, trace?: string): TraceItem {
    return {
      ...origin,
      kind: "finding",
      finding: { ruleId, severity, message, source: origin.source, ...(origin.position !== undefined ? { position: origin.position } : {}), ...(trace !== undefined ? { trace } : {}) },
    };
  }
}

/** A Timestamp as nanoseconds since the epoch. */
export function nanos(timestamp: { seconds: bigint; nanos: number } | undefined): bigint | undefined {
  return timestamp === undefined ? undefined : timestamp.seconds * 1_000_000_000n + BigInt(timestamp.nanos);
}
