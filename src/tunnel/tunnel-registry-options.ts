import type { TunnelStore } from "./tunnel-store.js";
import type { Clock } from "./clock.js";

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
