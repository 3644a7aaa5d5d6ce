import type { MessageInitShape } from "@bufbuild/protobuf";
import type { CallOptions, Transport } from "@connectrpc/connect";
import type { Node } from "../../gen/envoy/config/core/v3/base_pb.js";
import type {
  ReverseTunnel,
  ReverseTunnelSchema,
  StreamReverseTunnelsRequest,
  StreamReverseTunnelsResponse,
} from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { systemClock, systemTimers, type Clock, type Timers } from "./clock.js";
import type { DisconnectReason, ReporterStats } from "./reporter-stats.js";

/** Options of {@link ReporterClient}; the defaults are Envoy's. */
export interface ReporterClientOptions {
  /** Any Connect transport that can carry a bidi stream (`createGrpcTransport` from `@connectrpc/connect-node`). */
  readonly transport: Transport;
  /** The reporting node; Envoy fills only `id` and `cluster`. */
  readonly node: Pick<Node, "id" | "cluster">;
  /** How often a diff (or an empty heartbeat) is sent, until a `report_interval` says otherwise. By default, 5 000 ms (`default_send_interval`). */
  readonly sendIntervalMs?: number;
  /** The fixed wait before reconnecting after any disconnect. By default, 5 000 ms (`connect_retry_interval`). */
  readonly connectRetryIntervalMs?: number;
  /** How many requests may be unacknowledged before the stream is left. By default, 5; 0 means 5, as in Envoy. */
  readonly maxRetries?: number;
  /** How many queued additions and removals may wait for the next diff; past it, the batch is dropped and the stream left. By default, 1 000 000. */
  readonly maxBufferCount?: number;
  /** By default, the host's clock (used for ACK latencies). */
  readonly clock?: Clock;
  /** By default, the host's timers (send interval, retry interval). */
  readonly timers?: Timers;
  /** Extra call options for each stream (headers, for servers that want them; Envoy sends none). */
  readonly callOptions?: Omit<CallOptions, "signal">;
}

/** What a {@link ReporterClient} tells its listeners. */
export type ReporterEvent =
  | { readonly type: "connecting"; readonly attempt: number }
  | { readonly type: "sent"; readonly request: StreamReverseTunnelsRequest }
  | {
      /** An ACK raised the acknowledged nonce; `latencyMs` is the time since that nonce was sent. */
      readonly type: "ack";
      readonly nonce: number;
      readonly latencyMs: number;
      readonly response: StreamReverseTunnelsResponse;
    }
  | { readonly type: "out-of-order-ack"; readonly nonce: number; readonly response: StreamReverseTunnelsResponse }
  | { readonly type: "nack"; readonly nonce: number; readonly response: StreamReverseTunnelsResponse }
  | { readonly type: "report-interval"; readonly intervalMs: number }
  | { readonly type: "disconnected"; readonly reason: DisconnectReason; readonly error?: unknown }
  | { readonly type: "stopped" };

/** A tunnel as {@link ReporterClient.addTunnel} takes it: a `ReverseTunnel` or its init shape. */
export type ReporterTunnel = ReverseTunnel | MessageInitShape<typeof ReverseTunnelSchema>;

/**
 * A reporter that behaves like Envoy's reverse tunnel gRPC client
 * (wire-facts.md, "The reporting protocol"), for testing a management server:
 *
 * - every (re)connect sends a full push of the active tunnels with nonce 1,
 *   dropping queued diffs; each later request has the next nonce;
 * - every send interval it sends the queued additions and removals (kept in
 *   separate lists, so a name can be in both), or an empty heartbeat;
 * - before each send, more than `maxRetries` unacknowledged requests leave
 *   the stream (`max_retries_exceeded`);
 * - a NACK (a response with `error_detail` set), a close of any kind, or a
 *   failed stream leaves the stream, and it reconnects after the fixed
 *   `connectRetryIntervalMs`, forever, until {@link stop};
 * - a `report_interval` in an ACK applies from the next scheduled send on and
 *   sticks across reconnects;
 * - more than `maxBufferCount` queued events drop the batch and leave the stream.
 */
export class ReporterClient {
  constructor(options: ReporterClientOptions) {
    void options;
    void systemClock;
    void systemTimers;
    throw new Error("not implemented");
  }

  /** Starts reporting: opens the first stream now. Calling it twice is harmless. */
  start(): void {
    throw new Error("not implemented");
  }

  /** Stops reporting: cancels the stream and every timer; resolves when the stream is gone. */
  stop(): Promise<void> {
    throw new Error("not implemented");
  }

  /** Adds (or replaces) an active tunnel and queues its addition for the next diff. */
  addTunnel(tunnel: ReporterTunnel): void {
    void tunnel;
    throw new Error("not implemented");
  }

  /** Removes an active tunnel and queues its removal for the next diff (queued even for a name not active, as Envoy forwards what it is told). */
  removeTunnel(name: string): void {
    void name;
    throw new Error("not implemented");
  }

  /** The active tunnels: what the next full push would hold. */
  tunnels(): ReverseTunnel[] {
    throw new Error("not implemented");
  }

  /** Whether a stream is open now. */
  get connected(): boolean {
    throw new Error("not implemented");
  }

  /** A snapshot of Envoy's counters and gauges for this reporter. */
  stats(): ReporterStats {
    throw new Error("not implemented");
  }

  /** Registers a listener; returns the function that unregisters it. Exceptions thrown by listeners are caught and ignored. */
  subscribe(listener: (event: ReporterEvent) => void): () => void {
    void listener;
    throw new Error("not implemented");
  }
}
