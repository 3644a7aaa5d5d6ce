import type { NodeRecord } from "./tunnel-record.js";
import type { TunnelStore } from "./tunnel-store.js";

/**
 * The default {@link TunnelStore}: nodes in a `Map`, plus the initiator index
 * as a count of tunnels per (initiator node id, reporting node). It keeps the
 * records it is given without copying them (the registry never mutates a
 * record), so a put costs only the index update.
 */
export class MemoryTunnelStore implements TunnelStore {
  readonly #nodes = new Map<string, NodeRecord>();
  /** initiator node id → reporting node key → number of that node's tunnels from the initiator. */
  readonly #byInitiator = new Map<string, Map<string, number>>();

  getNode(key: string): Promise<NodeRecord | undefined> {
    return Promise.resolve(this.#nodes.get(key));
  }

  putNode(key: string, record: NodeRecord, expectedVersion: number | undefined): Promise<boolean> {
    const current = this.#nodes.get(key);
    if (current?.version !== expectedVersion) return Promise.resolve(false);
    if (current !== undefined) this.#index(key, current, -1);
    this.#index(key, record, +1);
    this.#nodes.set(key, record);
    return Promise.resolve(true);
  }

  deleteNode(key: string, expectedVersion: number): Promise<boolean> {
    const current = this.#nodes.get(key);
    if (current === undefined || current.version !== expectedVersion) return Promise.resolve(false);
    this.#index(key, current, -1);
    this.#nodes.delete(key);
    return Promise.resolve(true);
  }

  listNodes(): Promise<NodeRecord[]> {
    return Promise.resolve([...this.#nodes.values()]);
  }

  nodeKeysByInitiator(initiatorNodeId: string): Promise<string[]> {
    const holders = this.#byInitiator.get(initiatorNodeId);
    return Promise.resolve(holders === undefined ? [] : [...holders.keys()]);
  }

  #index(key: string, record: NodeRecord, delta: 1 | -1): void {
    for (const tunnel of record.tunnels.values()) {
      const initiator = tunnel.identity.nodeId;
      let holders = this.#byInitiator.get(initiator);
      if (holders === undefined) {
        holders = new Map();
        this.#byInitiator.set(initiator, holders);
      }
      const count = (holders.get(key) ?? 0) + delta;
      if (count > 0) holders.set(key, count);
      else holders.delete(key);
      if (holders.size === 0) this.#byInitiator.delete(initiator);
    }
  }
}
