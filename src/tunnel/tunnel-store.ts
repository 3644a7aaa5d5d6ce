import type { NodeRecord } from "./tunnel-record.js";

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
}
