import { create, isMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type CallOptions, type Client, type Transport } from "@connectrpc/connect";
import type { Node } from "../../gen/envoy/config/core/v3/base_pb.js";
import {
  ReverseTunnelReportingService,
  ReverseTunnelSchema,
  StreamReverseTunnelsRequestSchema,
  type ReverseTunnel,
  type StreamReverseTunnelsRequest,
  type StreamReverseTunnelsResponse,
} from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { systemClock, systemTimers, type Clock, type TimerHandle, type Timers } from "./clock.js";
import { PushQueue } from "./push-queue.js";
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
  /** An ACK for a nonce this stream never sent: ignored (Envoy asserts on it in debug builds). */
  | { readonly type: "unsent-nonce-ack"; readonly nonce: number; readonly response: StreamReverseTunnelsResponse }
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
 *
 * Changes made while no stream is open only update the active set (the next
 * connect's full push carries them); they are not queued. A stream that fails
 * with `UNAVAILABLE` before any response counts as `stream_creation_failed`,
 * any other end as `remote_close`. Runs wherever the transport can carry a
 * bidi stream (Connect's gRPC transport over HTTP/2 in Node; browsers' fetch
 * cannot).
 */
export class ReporterClient {
  readonly #client: Client<typeof ReverseTunnelReportingService>;
  readonly #node: { id: string; cluster: string };
  readonly #retryMs: number;
  readonly #maxRetries: number;
  readonly #maxBuffer: number;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #callOptions: Omit<CallOptions, "signal">;
  readonly #listeners = new Set<(event: ReporterEvent) => void>();
  readonly #active = new Map<string, ReverseTunnel>();
  #queuedAdds: ReverseTunnel[] = [];
  #queuedRemoves: string[] = [];
  #sendIntervalMs: number;
  #running = false;
  #stream: StreamState | undefined;
  #retryTimer: TimerHandle | undefined;
  /** The response loops still running (a left stream's loop ends once its abort lands). */
  readonly #reads = new Set<Promise<void>>();
  readonly #counters = {
    connection_attempts: 0,
    acks_received: 0,
    send_attempts: 0,
    out_of_order_acks: 0,
    events_dropped: 0,
    queued_events: 0,
    disconnects: { buffer_overflow: 0, max_retries_exceeded: 0, nack_received: 0, remote_close: 0, stream_creation_failed: 0 } as Record<DisconnectReason, number>,
  };
  #nonceCurrent = 0;
  #nonceAcked = 0;

  constructor(options: ReporterClientOptions) {
    this.#client = createClient(ReverseTunnelReportingService, options.transport);
    this.#node = { id: options.node.id, cluster: options.node.cluster };
    this.#sendIntervalMs = positive(options.sendIntervalMs ?? 5000, "sendIntervalMs");
    this.#retryMs = positive(options.connectRetryIntervalMs ?? 5000, "connectRetryIntervalMs");
    this.#maxRetries = options.maxRetries === undefined || options.maxRetries === 0 ? 5 : options.maxRetries;
    this.#maxBuffer = options.maxBufferCount === undefined || options.maxBufferCount === 0 ? 1_000_000 : options.maxBufferCount;
    this.#clock = options.clock ?? systemClock;
    this.#timers = options.timers ?? systemTimers;
    this.#callOptions = options.callOptions ?? {};
  }

  /** Starts reporting: opens the first stream now. Calling it twice is harmless. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#connect();
  }

  /** Stops reporting: cancels the stream and every timer; resolves when the stream is gone. */
  async stop(): Promise<void> {
    if (!this.#running) {
      await Promise.all(this.#reads);
      return;
    }
    this.#running = false;
    if (this.#retryTimer !== undefined) this.#timers.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream !== undefined) this.#teardown(stream);
    await Promise.all(this.#reads);
    this.#emit({ type: "stopped" });
  }

  /** Adds (or replaces) an active tunnel and queues its addition for the next diff. */
  addTunnel(tunnel: ReporterTunnel): void {
    const message = isMessage(tunnel, ReverseTunnelSchema) ? tunnel : create(ReverseTunnelSchema, tunnel);
    this.#active.set(message.name, message);
    if (this.#stream === undefined) return;
    this.#queuedAdds.push(message);
    this.#queued();
  }

  /** Removes an active tunnel and queues its removal for the next diff (queued even for a name not active, as Envoy forwards what it is told). */
  removeTunnel(name: string): void {
    this.#active.delete(name);
    if (this.#stream === undefined) return;
    this.#queuedRemoves.push(name);
    this.#queued();
  }

  /** The active tunnels: what the next full push would hold. */
  tunnels(): ReverseTunnel[] {
    return [...this.#active.values()];
  }

  /** Whether a stream is open now. */
  get connected(): boolean {
    return this.#stream !== undefined;
  }

  /** A snapshot of Envoy's counters and gauges for this reporter. */
  stats(): ReporterStats {
    const c = this.#counters;
    return {
      counters: { ...c, disconnects: { ...c.disconnects } },
      gauges: { nonce_current: this.#nonceCurrent, nonce_acked: this.#nonceAcked, send_interval: this.#sendIntervalMs },
    };
  }

  /** Registers a listener; returns the function that unregisters it. Exceptions thrown by listeners are caught and ignored. */
  subscribe(listener: (event: ReporterEvent) => void): () => void {
    const entry = (event: ReporterEvent) => listener(event);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  #emit(event: ReporterEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  #queued(): void {
    this.#counters.queued_events++;
    const queued = this.#queuedAdds.length + this.#queuedRemoves.length;
    if (queued <= this.#maxBuffer) return;
    this.#counters.events_dropped += queued;
    this.#queuedAdds = [];
    this.#queuedRemoves = [];
    this.#disconnect(this.#stream!, "buffer_overflow");
  }

  #connect(): void {
    this.#retryTimer = undefined;
    if (!this.#running) return;
    this.#counters.connection_attempts++;
    this.#emit({ type: "connecting", attempt: this.#counters.connection_attempts });
    const stream: StreamState = {
      abort: new AbortController(),
      outgoing: new PushQueue<StreamReverseTunnelsRequest>(),
      nonce: 0,
      acked: 0,
      sentAt: new Map(),
      responded: false,
      sendTimer: undefined,
    };
    this.#stream = stream;
    this.#nonceCurrent = 0;
    this.#nonceAcked = 0;
    // The full push replaces whatever was queued for the previous stream.
    this.#queuedAdds = [];
    this.#queuedRemoves = [];
    let responses: AsyncIterable<StreamReverseTunnelsResponse>;
    try {
      responses = this.#client.streamReverseTunnels(stream.outgoing, { ...this.#callOptions, signal: stream.abort.signal });
    } catch (error) {
      this.#disconnect(stream, "stream_creation_failed", error);
      return;
    }
    const reading = this.#read(stream, responses).finally(() => this.#reads.delete(reading));
    this.#reads.add(reading);
    this.#send(stream, true);
  }

  #send(stream: StreamState, fullPush: boolean): void {
    const nonce = ++stream.nonce;
    const request = create(StreamReverseTunnelsRequestSchema, {
      node: this.#node,
      fullPush,
      nonce: BigInt(nonce),
      addedTunnels: fullPush ? [...this.#active.values()] : this.#queuedAdds,
      removedTunnelNames: fullPush ? [] : this.#queuedRemoves,
    });
    this.#queuedAdds = [];
    this.#queuedRemoves = [];
    stream.sentAt.set(nonce, this.#clock.now());
    this.#nonceCurrent = nonce;
    this.#counters.send_attempts++;
    stream.outgoing.push(request);
    this.#emit({ type: "sent", request });
    stream.sendTimer = this.#timers.setTimeout(() => this.#tick(stream), this.#sendIntervalMs);
  }

  #tick(stream: StreamState): void {
    stream.sendTimer = undefined;
    if (this.#stream !== stream) return;
    if (stream.nonce - stream.acked > this.#maxRetries) {
      this.#disconnect(stream, "max_retries_exceeded");
      return;
    }
    this.#send(stream, false);
  }

  async #read(stream: StreamState, responses: AsyncIterable<StreamReverseTunnelsResponse>): Promise<void> {
    try {
      for await (const response of responses) {
        if (this.#stream !== stream) return;
        stream.responded = true;
        this.#receive(stream, response);
      }
      this.#disconnect(stream, "remote_close");
    } catch (error) {
      const failedToStart = !stream.responded && error instanceof ConnectError && error.code === Code.Unavailable;
      this.#disconnect(stream, failedToStart ? "stream_creation_failed" : "remote_close", error);
    }
  }

  #receive(stream: StreamState, response: StreamReverseTunnelsResponse): void {
    const nonce = Number(response.requestNonce);
    if (response.errorDetail !== undefined) {
      this.#emit({ type: "nack", nonce, response });
      this.#disconnect(stream, "nack_received");
      return;
    }
    if (nonce > stream.nonce) {
      this.#emit({ type: "unsent-nonce-ack", nonce, response });
      return;
    }
    if (nonce <= stream.acked) {
      this.#counters.out_of_order_acks++;
      this.#emit({ type: "out-of-order-ack", nonce, response });
      return;
    }
    stream.acked = nonce;
    this.#nonceAcked = nonce;
    this.#counters.acks_received++;
    const sentAt = stream.sentAt.get(nonce) ?? this.#clock.now();
    for (const sent of stream.sentAt.keys()) if (sent <= nonce) stream.sentAt.delete(sent);
    this.#emit({ type: "ack", nonce, latencyMs: this.#clock.now() - sentAt, response });
    const interval = response.reportInterval;
    if (interval !== undefined) {
      // Envoy obeys without clamping; only a non-positive value is raised to 1 ms, so it cannot spin.
      const intervalMs = Math.max(1, Number(interval.seconds) * 1000 + interval.nanos / 1e6);
      if (intervalMs !== this.#sendIntervalMs) {
        this.#sendIntervalMs = intervalMs;
        this.#emit({ type: "report-interval", intervalMs });
      }
    }
  }

  /** Leaves `stream` (if it is still the current one) and schedules the reconnect. */
  #disconnect(stream: StreamState, reason: DisconnectReason, error?: unknown): void {
    if (this.#stream !== stream) return;
    this.#stream = undefined;
    this.#teardown(stream);
    this.#counters.disconnects[reason]++;
    this.#emit(error === undefined ? { type: "disconnected", reason } : { type: "disconnected", reason, error });
    if (this.#running) this.#retryTimer = this.#timers.setTimeout(() => this.#connect(), this.#retryMs);
  }

  #teardown(stream: StreamState): void {
    if (stream.sendTimer !== undefined) this.#timers.clearTimeout(stream.sendTimer);
    stream.sendTimer = undefined;
    stream.outgoing.close();
    stream.abort.abort();
  }
}

/** One stream's state: its nonces, when each was sent, its send timer. */
interface StreamState {
  readonly abort: AbortController;
  readonly outgoing: PushQueue<StreamReverseTunnelsRequest>;
  nonce: number;
  acked: number;
  readonly sentAt: Map<number, number>;
  responded: boolean;
  sendTimer: TimerHandle | undefined;
}

function positive(value: number, name: string): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number of ms, got ${value}`);
  return value;
}
