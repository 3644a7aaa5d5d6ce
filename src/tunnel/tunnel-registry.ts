import type { StreamReverseTunnelsRequest, StreamReverseTunnelsResponse } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { systemClock, type Clock } from "./clock.js";
import type { NodeKey } from "./node-key.js";
import type { RegistryListener } from "./registry-event.js";
import type { NodeRecord, NodeSummary, TunnelView } from "./tunnel-record.js";
import type { TunnelStore } from "./tunnel-store.js";
import { MemoryTunnelStore } from "./memory-tunnel-store.js";

/** Options of {@link TunnelRegistry}. */
export interface TunnelRegistryOptions {
  /** Where the state lives. By default, a new {@link MemoryTunnelStore}. */
  readonly store?: TunnelStore;
  /** The time source. By default, the host's wall clock. */
  readonly clock?: Clock;
  /**
   * How long a node's tunnels stay after its stream ended, waiting for the
   * reconnect's full push. By default, 30 000 ms. 0 drops them at once.
   */
  readonly graceMs?: number;
  /**
   * The `report_interval` to send in the first ACK of every stream (and again
   * on every stream when it changes, see {@link TunnelRegistry.setReportInterval}).
   * By default, none: Envoy keeps its configured send interval.
   * @throws RangeError from the constructor when outside 25 ms..1 h.
   */
  readonly reportIntervalMs?: number;
  /**
   * The most tunnels one node may hold. A report that would leave the node
   * with more is NACKed with `RESOURCE_EXHAUSTED` and changes nothing.
   * By default, 100 000.
   */
  readonly maxTunnelsPerNode?: number;
}

/** Counts of what the registry holds. */
export interface RegistryCounts {
  readonly nodes: number;
  readonly connectedNodes: number;
  readonly graceNodes: number;
  readonly tunnels: number;
}

/** Filters for {@link TunnelRegistry.tunnels}; all given filters must match. */
export interface TunnelQuery {
  /** The initiator's node id (`identity.node_id`). */
  readonly initiator?: string;
  /** The initiator's tenant (`identity.tenant_id`). */
  readonly tenant?: string;
  /** The initiator's cluster (`identity.cluster_id`). */
  readonly cluster?: string;
  /** The reporting node's id (`node.id`). */
  readonly node?: string;
  /** The reporting node's cluster (`node.cluster`). */
  readonly reportingCluster?: string;
}

/** Running totals of the registry's decisions since it was created (this process only). */
export interface RegistryStats {
  readonly requests: number;
  readonly acks: number;
  /** NACKs by gRPC code name (`INVALID_ARGUMENT`, `FAILED_PRECONDITION`, `RESOURCE_EXHAUSTED`, `UNAVAILABLE`). */
  readonly nacks: Readonly<Record<string, number>>;
  /** Anomalies by kind (see `ReportAnomalyKind`). */
  readonly anomalies: Readonly<Record<string, number>>;
  /** Streams that sent an accepted full push. */
  readonly streamsConnected: number;
  /** Streams that ended (closed by {@link TunnelRegistry.close}). */
  readonly streamsClosed: number;
  /** Nodes dropped after their grace period. */
  readonly nodesExpired: number;
}

/**
 * The registry of reverse tunnels: a state machine that turns each
 * `StreamReverseTunnelsRequest` into the response to send, keeping, per
 * reporting node (`node.id` + `node.cluster`), the tunnels it holds.
 *
 * It does no I/O of its own beyond its {@link TunnelStore} and arms no timers:
 * a node whose stream ended is dropped by {@link expireDue}, which the server
 * calls at {@link nextDeadline} (`startExpiryTimer` does exactly that).
 *
 * Rules (each tested in tunnel-registry.test.ts):
 * - A request is validated (`validate()`); a violation is a NACK
 *   `INVALID_ARGUMENT` with a `google.rpc.BadRequest` in `error_detail.details`
 *   (one field violation per problem: field = path, description = message,
 *   reason = rule id). `node.id` must not be empty (reason `report.node_id`).
 * - The first request of a stream must be a full push, and each nonce must be
 *   greater than the last accepted one on the stream: else NACK
 *   `FAILED_PRECONDITION`. A stream keeps the node of its first request
 *   (another node later: NACK `INVALID_ARGUMENT`, reason `report.node_changed`).
 * - A NACKed request changes nothing, not even the stream's last nonce.
 * - A full push replaces the node's tunnels; a diff removes, then adds; a name
 *   in both lists is kept with the new identity when the node held it and
 *   dropped when it did not. Anomalies are counted and emitted, not refused.
 * - An ACK echoes the request's nonce with `error_detail` unset, and carries
 *   `report_interval` in a stream's first ACK when one is configured and in the
 *   next ACK after it changes.
 * - A stream's first full push takes the node over at once (`epoch` + 1); a
 *   request on a superseded stream is NACKed `FAILED_PRECONDITION` and its
 *   close does not touch the node.
 * - Requests of one node are applied one at a time (in this process); across
 *   processes the store's compare-and-set decides, and a lost race is retried.
 */
export class TunnelRegistry {
  /** @throws RangeError for an out-of-range `reportIntervalMs`, a negative `graceMs` or `maxTunnelsPerNode` < 1. */
  constructor(options: TunnelRegistryOptions = {}) {
    void options;
    void systemClock;
    void MemoryTunnelStore;
    throw new Error("not implemented");
  }

  /** The clock this registry reads (for timers that must agree with {@link nextDeadline}). */
  get clock(): Clock {
    throw new Error("not implemented");
  }

  /** The store this registry writes to. */
  get store(): TunnelStore {
    throw new Error("not implemented");
  }

  /**
   * Applies one request received on `streamId` and returns the response to
   * send on that stream (an ACK or a NACK). Never throws for bad input;
   * rejects only when the store fails.
   */
  apply(streamId: string, request: StreamReverseTunnelsRequest): Promise<StreamReverseTunnelsResponse> {
    void streamId;
    void request;
    throw new Error("not implemented");
  }

  /**
   * Ends a stream. When it owns its node, the node enters its grace period
   * (`node-disconnected`); a superseded or unknown stream changes nothing.
   * Closing a stream twice is harmless.
   */
  close(streamId: string): Promise<void> {
    void streamId;
    throw new Error("not implemented");
  }

  /**
   * Changes the `report_interval` sent to reporters: every open stream gets it
   * in its next ACK, new streams in their first. `undefined` stops sending one
   * (Envoy then keeps the last interval it received).
   * @throws RangeError outside 25 ms..1 h.
   */
  setReportInterval(intervalMs: number | undefined): void {
    void intervalMs;
    throw new Error("not implemented");
  }

  /** The configured `report_interval` in ms, or `undefined`. */
  get reportIntervalMs(): number | undefined {
    throw new Error("not implemented");
  }

  /**
   * The earliest clock time (ms) at which {@link expireDue} has work, or
   * `undefined` when no node is in its grace period (known to this registry).
   */
  nextDeadline(): number | undefined {
    throw new Error("not implemented");
  }

  /**
   * Drops every node whose grace period ended at or before `clock.now()`,
   * emitting `tunnel-removed` (reason `expired`) for each tunnel and then
   * `node-expired`. Returns the nodes dropped.
   */
  expireDue(): Promise<NodeKey[]> {
    throw new Error("not implemented");
  }

  /** Registers a listener for {@link RegistryEvent}s; returns the function that unregisters it. */
  subscribe(listener: RegistryListener): () => void {
    void listener;
    throw new Error("not implemented");
  }

  /** Every tunnel, or those matching `query`, sorted by reporting node then name. */
  tunnels(query?: TunnelQuery): Promise<TunnelView[]> {
    void query;
    throw new Error("not implemented");
  }

  /** Every reporting node (connected or in grace) with its tunnel count, sorted by cluster then id. */
  nodes(): Promise<NodeSummary[]> {
    throw new Error("not implemented");
  }

  /** One reporting node with its tunnels, or `undefined`. */
  node(key: NodeKey): Promise<NodeRecord | undefined> {
    void key;
    throw new Error("not implemented");
  }

  /** The reporting nodes that hold a tunnel initiated by `initiatorNodeId` (the routing question), from the store's index. */
  nodesByInitiator(initiatorNodeId: string): Promise<NodeKey[]> {
    void initiatorNodeId;
    throw new Error("not implemented");
  }

  /** How many nodes (connected, in grace) and tunnels the registry holds. */
  counts(): Promise<RegistryCounts> {
    throw new Error("not implemented");
  }

  /** Totals of requests, ACKs, NACKs by code and anomalies by kind, since creation. */
  stats(): RegistryStats {
    throw new Error("not implemented");
  }
}
