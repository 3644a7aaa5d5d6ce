import type { InputPosition } from "../fault/position.js";
import type { Event as EventV2, Trace } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import type { HttpBufferedTrace, HttpStreamedTraceSegment } from "../../gen/envoy/data/tap/v3/http_pb.js";
import type { SocketEvent } from "../../gen/envoy/data/tap/v3/transport_pb.js";

/** Which tap API a trace was written with: `Trace` (Envoy ≤ 1.12) or `TraceWrapper` (later). */
export type TraceApi = "v2alpha" | "v3";

/**
 * How a v3 `Connection` numbers its fields: `current` (Envoy 1.28 and later:
 * 1 local, 2 remote) or `pre-1.28` (1.13 to 1.27: 2 local, 3 remote).
 */
export type ConnectionLayout = "current" | "pre-1.28";

/** One end of a connection, as the trace names it. */
export type Endpoint =
  | { readonly kind: "socket"; readonly address: string; readonly port: number; readonly protocol: "tcp" | "udp" }
  | { readonly kind: "pipe"; readonly path: string }
  | { readonly kind: "internal"; readonly name: string; readonly endpointId: string }
  /** A socket address with a named port, or an address message with no member set. */
  | { readonly kind: "unresolved"; readonly description: string };

/** What a trace says about a connection. Absent members were not in the trace. */
export interface TapConnection {
  /** The v2alpha connection id (Envoy's connection id). */
  readonly id?: bigint;
  readonly local?: Endpoint;
  readonly remote?: Endpoint;
}

/** One socket operation, the same for both APIs. */
export interface TapEvent {
  /** Nanoseconds since the Unix epoch, or undefined when the event has no timestamp. */
  readonly timestamp: bigint | undefined;
  /** `read`: bytes from the peer (remote → local); `write`: bytes to the peer; `closed`: the connection closed. */
  readonly type: "read" | "write" | "closed";
  readonly data: Uint8Array;
  /** A write that half-closed Envoy's side. */
  readonly endStream: boolean;
  /** The body was cut at the tap's limit (v3 `Body.truncated`). */
  readonly truncated: boolean;
  /** v3 `seq_num` (Envoy 1.37 and later), counting from 1 per connection. */
  readonly seqNum: bigint | undefined;
}

/** How serious a finding is: errors make the CLI exit 1. */
export type FindingSeverity = "error" | "warning";

/** Something wrong or notable in a trace, with the rule id that names it. */
export interface TraceFinding {
  /** A `trace.*`, `wire.*`, `json.*` or `text.*` id (see src/fault/rule-ids.ts). */
  readonly ruleId: string;
  readonly severity: FindingSeverity;
  readonly message: string;
  /** The input the finding is about. */
  readonly source?: string;
  readonly position?: InputPosition;
  /** The trace (see {@link TraceItem.trace}) the finding is about. */
  readonly trace?: string;
}

/** Where an item came from: its input and the message in it. */
export interface ItemOrigin {
  /** The input's name (a path, or what the caller called a stream). */
  readonly source: string;
  /** 0-based index of the message (fragment or segment) in its input. */
  readonly fragment: number;
  readonly position: InputPosition | undefined;
}

/**
 * What {@link readTraces} yields, in input order. `trace` names the trace an
 * item belongs to as far as one input can tell: `v3:<trace id>`,
 * `v2alpha:<connection id>`, or for a v2alpha fragment that has not named
 * its connection (yet), `file:<source>#<fragment>`; {@link reassemble}
 * joins the pieces.
 */
export type TraceItem =
  | (ItemOrigin & { readonly kind: "connection"; readonly api: TraceApi; readonly trace: string; readonly connection: TapConnection; readonly layout?: ConnectionLayout })
  | (ItemOrigin & { readonly kind: "event"; readonly api: TraceApi; readonly trace: string; readonly event: TapEvent; readonly message: EventV2 | SocketEvent })
  | (ItemOrigin & { readonly kind: "truncation"; readonly api: "v3"; readonly trace: string; readonly readTruncated: boolean; readonly writeTruncated: boolean })
  | (ItemOrigin & { readonly kind: "http"; readonly api: "v3"; readonly trace: string; readonly message: HttpBufferedTrace | HttpStreamedTraceSegment })
  | (ItemOrigin & { readonly kind: "finding"; readonly finding: TraceFinding });

/** The v2alpha message type, for callers that decode a whole trace to compare. */
export type { Trace };
