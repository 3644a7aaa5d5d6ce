import { LayeredMap } from "./layered-map.js";
import type { NodeRecord } from "./tunnel-record.js";
import type { TunnelStore } from "./tunnel-store.js";
import { SortedTunnelIndex } from "./sorted-tunnel-index.js";
import { checkPageSize, nodePageOf, type NodePage, type TunnelPage } from "./tunnel-pages.js";

/**
 * The default {@link TunnelStore}: nodes in a `Map`, plus the initiator index
 * as a count of tunnels per (initiator node id, reporting node). It keeps the
 * records it is given without copying them (the registry never mutates a
 * record), so a put costs only the index update, which follows the tunnels
 * that changed.
 */
export class MemoryTunnelStore implements TunnelStore {
  readonly #nodes = new Map<string, NodeRecord>();
  /**
   * initiator node id → the reporting nodes holding tunnels from it: usually
   * one node with one tunnel, kept as that node's key alone (no map per
   * initiator: with one initiator per tunnel, a map each cost about as much
   * as the tunnel record itself); else node key → number of its tunnels from the initiator.
   */
  readonly #byInitiator = new Map<string, string | Map<string, number>>();
  /** The tunnels in page order, built by the first `tunnelPage`. */
  readonly #sorted = new SortedTunnelIndex();

  getNode(key: string): Promise<NodeRecord | undefined> {
    return Promise.resolve(this.#nodes.get(key));
  }

  putNode(key: string, record: NodeRecord, expectedVersion: number | undefined): Promise<boolean> {
    const current = this.#nodes.get(key);
    if (current?.version !== expectedVersion) return Promise.resolve(false);
    this.#reindex(key, current, record);
    this.#nodes.set(key, record);
    return Promise.resolve(true);
  }

  deleteNode(key: string, expectedVersion: number): Promise<boolean> {
    const current = this.#nodes.get(key);
    if (current === undefined || current.version !== expectedVersion) return Promise.resolve(false);
    this.#reindex(key, current, undefined);
    this.#nodes.delete(key);
    return Promise.resolve(true);
  }

  listNodes(): Promise<NodeRecord[]> {
    return Promise.resolve([...this.#nodes.values()]);
  }

  /**
   * A page of tunnels in the Redis store's order and cursor (see
   * `tunnelPageOf`), from an index kept sorted once a page was asked for
   * (see `SortedTunnelIndex`).
   * @throws RangeError for a `limit` outside 1..10 000.
   */
  tunnelPage(after: string | undefined, limit: number): Promise<TunnelPage> {
    try {
      checkPageSize(limit);
      return Promise.resolve(this.#sorted.page(this.#nodes, after, limit));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /**
   * A page of `count` nodes ordered by key (see `nodePageOf`).
   * @throws RangeError for a `count` outside 1..10 000 or a cursor it did not return.
   */
  nodePage(cursor: string, count: number): Promise<NodePage> {
    try {
      checkPageSize(count);
      return Promise.resolve(nodePageOf(this.#nodes.values(), cursor, count));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  nodeKeysByInitiator(initiatorNodeId: string): Promise<string[]> {
    const holders = this.#byInitiator.get(initiatorNodeId);
    return Promise.resolve(holders === undefined ? [] : typeof holders === "string" ? [holders] : [...holders.keys()]);
  }

  /**
   * Moves the index from `before` to `after` by their difference: a report
   * changes a few tunnels of a node, so only those touch the index.
   */
  #reindex(key: string, before: NodeRecord | undefined, after: NodeRecord | undefined): void {
    if (before?.tunnels === after?.tunnels) return;
    // Two versions of one node's tunnels usually share their entries: then
    // only the keys their layers touched can differ.
    const changed = before !== undefined && after !== undefined ? LayeredMap.changedKeys(before.tunnels, after.tunnels) : undefined;
    if (changed !== undefined) {
      for (const name of changed) {
        const had = before!.tunnels.get(name);
        const has = after!.tunnels.get(name);
        if (had !== undefined && had.identity.nodeId !== has?.identity.nodeId) this.#count(had.identity.nodeId, key, name, -1);
        if (has !== undefined && has.identity.nodeId !== had?.identity.nodeId) this.#count(has.identity.nodeId, key, name, +1);
      }
      return;
    }
    if (before !== undefined) {
      for (const [name, tunnel] of before.tunnels) {
        const kept = after?.tunnels.get(name);
        if (kept === undefined || kept.identity.nodeId !== tunnel.identity.nodeId) this.#count(tunnel.identity.nodeId, key, name, -1);
      }
    }
    if (after !== undefined) {
      for (const [name, tunnel] of after.tunnels) {
        const had = before?.tunnels.get(name);
        if (had === undefined || had.identity.nodeId !== tunnel.identity.nodeId) this.#count(tunnel.identity.nodeId, key, name, +1);
      }
    }
  }

  #count(initiator: string, key: string, name: string, delta: 1 | -1): void {
    this.#sorted.touched(initiator, key, name);
    const holders = this.#byInitiator.get(initiator);
    if (holders === undefined) {
      if (delta > 0) this.#byInitiator.set(initiator, key);
      return;
    }
    if (typeof holders === "string") {
      if (delta < 0) {
        if (holders === key) this.#byInitiator.delete(initiator);
        return;
      }
      const counts = new Map([[holders, 1]]);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      this.#byInitiator.set(initiator, counts);
      return;
    }
    const count = (holders.get(key) ?? 0) + delta;
    if (count > 0) holders.set(key, count);
    else holders.delete(key);
    if (holders.size === 0) this.#byInitiator.delete(initiator);
    else if (holders.size === 1) {
      const [[only, onlyCount]] = holders;
      if (onlyCount === 1) this.#byInitiator.set(initiator, only);
    }
  }
}

