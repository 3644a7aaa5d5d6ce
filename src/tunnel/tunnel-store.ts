import type { RegistryEvent } from "./registry-event.js";
import type { NodeRecord } from "./tunnel-record.js";
import type { NodePage, TunnelPage } from "./tunnel-pages.js";

/**
 * What a shared store tells the registries on it (see {@link TunnelStore.subscribe}):
 * events another registry published; a node whose owning stream lived on a
 * replica that is gone (its lease expired), which the registry puts in its
 * grace period; or a request to re-read the grace deadlines (after a
 * reconnect, and periodically, so no expiry depends on one missed message).
 */
export type StoreNotice =
  | { readonly kind: "events"; readonly events: readonly RegistryEvent[] }
  | { readonly kind: "orphaned"; readonly key: string; readonly owner: string }
  | { readonly kind: "deadlines" };

/** Whether a shared store reaches its backend; a degraded store serves this process's own nodes from memory. */
export interface StoreHealth {
  readonly degraded: boolean;
  /** Why, when degraded. */
  readonly reason?: string;
}

/**
 * Where the registry keeps its state. Every method is asynchronous so a store
 * can live elsewhere (the Redis store of the replicas issue); the registry's
 * logic is written once against this interface.
 *
 * The unit of storage is a whole {@link NodeRecord}: the registry reads a node,
 * computes its next record and writes it back with {@link putNode}, which must
 * replace the node atomically and only if nobody wrote it in between
 * (compare-and-set on `version`). The store also keeps an index from an
 * initiator's node id (`identity.node_id` of a tunnel) to the reporting nodes
 * that hold a tunnel from it, updated in the same atomic step.
 */
export interface TunnelStore {
  /** The node stored under `key` (see `formatNodeKey`), or `undefined`. */
  getNode(key: string): Promise<NodeRecord | undefined>;
  /**
   * Replaces the node under `key` with `record` (and its index entries), if
   * the stored version is `expectedVersion` (`undefined`: if no node is
   * stored). Returns false, changing nothing, when the version differs.
   */
  putNode(key: string, record: NodeRecord, expectedVersion: number | undefined): Promise<boolean>;
  /** Deletes the node (and its index entries) if its version is `expectedVersion`; returns whether it did. */
  deleteNode(key: string, expectedVersion: number): Promise<boolean>;
  /** Every stored node, in no particular order. */
  listNodes(): Promise<NodeRecord[]>;
  /** Keys of the nodes that hold at least one tunnel whose `identity.node_id` is `initiatorNodeId`. */
  nodeKeysByInitiator(initiatorNodeId: string): Promise<string[]>;

  /**
   * Optional, for a store shared by several registries (replicas): the events
   * of each change this registry stored, to deliver to the other registries.
   * Absent: events stay in the process.
   */
  publish?(events: readonly RegistryEvent[]): void;
  /** Optional: the store's notices (see {@link StoreNotice}); returns the function that stops them. */
  subscribe?(listener: (notice: StoreNotice) => void): () => void;
  /** Optional: the grace deadline (clock ms) of every node in its grace period, by key, for registries that did not see the disconnect. */
  graceDeadlines?(): Promise<ReadonlyMap<string, number>>;
  /** Optional: whether the store reaches its backend (`/healthz`, `/metrics`). Absent: always healthy. */
  health?(): StoreHealth;
  /**
   * Optional: how many nodes (and of them in their grace period) and tunnels
   * the store holds, from counters it keeps, without reading every node.
   * `/metrics` asks for them at every scrape; absent, the registry counts
   * over {@link listNodes}, which for a shared store reads every tunnel.
   */
  counts?(): Promise<{ readonly nodes: number; readonly graceNodes: number; readonly tunnels: number }>;
  /**
   * Optional: up to `limit` (1..10 000) tunnels after the cursor `after`
   * (`undefined`: from the first), ordered by their cursor, which is each
   * tunnel's routing-index member (see `tunnelCursor`), compared by code
   * point; `next` is the last listed tunnel's cursor, `undefined` when no
   * tunnel follows (a store may also return a cursor whose page is empty). A
   * tunnel present from the first page to the last is listed exactly once.
   * Absent, the registry pages over {@link listNodes}.
   */
  tunnelPage?(after: string | undefined, limit: number): Promise<TunnelPage>;
  /**
   * Optional: about `count` (1..10 000) reporting nodes, without their
   * tunnels, from `cursor` (`"0"`: the first page; else the `next` of the
   * previous page), `next` being `undefined` after the last page. Every node
   * present throughout a listing is listed. Absent, the registry pages over
   * {@link listNodes}.
   */
  nodePage?(cursor: string, count: number): Promise<NodePage>;
}
