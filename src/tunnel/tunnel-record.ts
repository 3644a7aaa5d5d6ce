import type { NodeKey } from "./node-key.js";

/** Who initiated a tunnel (`TunnelInitiatorIdentity`), as plain data. */
export interface InitiatorIdentity {
  readonly tenantId: string;
  readonly clusterId: string;
  readonly nodeId: string;
}

/**
 * One tunnel a reporting node holds, as the registry keeps it. Plain JSON
 * data (no bigint, no message objects) so a store can serialize it as is.
 */
export interface TunnelRecord {
  /** The tunnel's name on the reporting node (the initiator's node id, or `tenant:node id`). */
  readonly name: string;
  readonly identity: InitiatorIdentity;
  /** `created_at` as reported, in RFC 3339 (`2026-01-29T10:00:00.5Z`), exact to the nanosecond. */
  readonly createdAt: string;
  /** Clock time (ms) of the report that added this tunnel (a re-add with a new identity or `created_at` restarts it). */
  readonly firstReportedAt: number;
  /** Clock time (ms) of the latest report that listed this tunnel in `added_tunnels` (a full push or a diff). */
  readonly lastReportedAt: number;
  /** The stream whose report last listed this tunnel. */
  readonly streamId: string;
}

/** Whether the node has a live stream or is waiting, in its grace period, for the reconnect's full push. */
export type NodeState = "connected" | "grace";

/**
 * Everything the registry knows about one reporting node. The store writes it
 * as one unit (see `TunnelStore.putNode`); the registry never mutates a record
 * it has read or written, it builds a new one.
 */
export interface NodeRecord {
  readonly node: NodeKey;
  readonly state: NodeState;
  /** The stream that owns the node: the latest stream whose first full push was accepted. */
  readonly owner: string;
  /** Increases by one each time a new stream takes the node over. */
  readonly epoch: number;
  /** Increases by one on every write; the store's compare-and-set token. */
  readonly version: number;
  /** Clock time (ms) when the owning stream's first full push was accepted. */
  readonly connectedAt: number;
  /** Clock time (ms) of the latest accepted report. */
  readonly lastReportAt: number;
  /** Clock time (ms) at which a node in grace is dropped; absent while connected. */
  readonly graceUntil?: number;
  /** The tunnels, by name. */
  readonly tunnels: ReadonlyMap<string, TunnelRecord>;
}

/** A tunnel together with the reporting node that holds it: what queries return. */
export interface TunnelView extends TunnelRecord {
  readonly reportingNode: NodeKey;
}

/** A reporting node without its tunnels: what node listings return. */
export interface NodeSummary {
  readonly node: NodeKey;
  readonly state: NodeState;
  readonly owner: string;
  readonly epoch: number;
  readonly connectedAt: number;
  readonly lastReportAt: number;
  readonly graceUntil?: number;
  readonly tunnelCount: number;
}
