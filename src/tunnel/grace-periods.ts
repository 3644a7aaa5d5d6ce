import type { Clock } from "./clock.js";
import type { KeyedLock } from "./keyed-lock.js";
import { formatNodeKey, type NodeKey } from "./node-key.js";
import type { RegistryEvent } from "./registry-event.js";
import type { NodeRecord } from "./tunnel-record.js";
import type { TunnelStore } from "./tunnel-store.js";

/** How often a write that lost a compare-and-set race is retried (the registry's bound for every write). */
export const MAX_WRITE_ATTEMPTS = 5;

/** What {@link GracePeriods} shares with the registry that owns it. */
export interface GracePeriodsOptions {
  readonly store: TunnelStore;
  readonly clock: Clock;
  /** How long a node's tunnels stay after its stream ended; 0 drops them at once. */
  readonly graceMs: number;
  /** The registry's per-node lock: a release or an expiry never interleaves with a report of the same node. */
  readonly lock: KeyedLock;
  /** Hands events to the registry's listeners and the store's publisher, in order. */
  readonly emit: (events: readonly RegistryEvent[]) => void;
}

/**
 * The second half of a node's life in the registry: after its stream ends,
 * the node is kept for a grace period awaiting the reconnect's full push, then
 * dropped. It tracks the deadlines this process knows (its own releases and,
 * with a shared store, other replicas' notices), expires what is due, and
 * arms no timer itself (`startExpiryTimer` calls {@link expireDue} at
 * {@link nextDeadline}).
 */
export class GracePeriods {
  readonly #options: GracePeriodsOptions;
  /** Grace deadlines by node key. */
  readonly #deadlines = new Map<string, number>();
  #expired = 0;

  constructor(options: GracePeriodsOptions) {
    this.#options = options;
  }

  /** Nodes dropped after their grace period, by this process. */
  get expiredCount(): number {
    return this.#expired;
  }

  /** A stream took the node over (its first full push was written): its grace period, if any, is over. */
  taken(key: string): void {
    this.#deadlines.delete(key);
  }

  /**
   * Puts a node in its grace period because its owning stream `owner` ended.
   * Changes nothing unless the node is connected and still owned by `owner`.
   */
  release(key: string, owner: string): Promise<void> {
    const { store, clock, graceMs, lock, emit } = this.#options;
    return lock.run(key, async () => {
      for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
        const current = await store.getNode(key);
        if (current === undefined || current.owner !== owner || current.state !== "connected") return;
        const now = clock.now();
        const graceUntil = now + graceMs;
        const record: NodeRecord = { ...current, state: "grace", graceUntil, version: current.version + 1 };
        if (!(await store.putNode(key, record, current.version))) continue;
        // The deadline is known before listeners hear of the disconnect, so a
        // timer re-armed on that event (startExpiryTimer) sees it.
        if (graceMs > 0) this.#deadlines.set(key, graceUntil);
        emit([{ type: "node-disconnected", at: now, node: current.node, streamId: owner, graceUntil }]);
        if (graceMs === 0) await this.#expire(key, record, now);
        return;
      }
    });
  }

  /** The earliest deadline (clock ms) known, or `undefined` when no node is in its grace period. */
  nextDeadline(): number | undefined {
    let earliest: number | undefined;
    for (const deadline of this.#deadlines.values()) if (earliest === undefined || deadline < earliest) earliest = deadline;
    return earliest;
  }

  /** Drops every node whose grace period ended at or before `clock.now()`; returns the nodes dropped. */
  async expireDue(): Promise<NodeKey[]> {
    const { store, clock, lock } = this.#options;
    const now = clock.now();
    const due = [...this.#deadlines].filter(([, deadline]) => deadline <= now).map(([key]) => key);
    const expired: NodeKey[] = [];
    for (const key of due) {
      await lock.run(key, async () => {
        if ((this.#deadlines.get(key) ?? Infinity) > now) return;
        this.#deadlines.delete(key);
        const current = await store.getNode(key);
        if (current === undefined || current.state !== "grace" || (current.graceUntil ?? Infinity) > now) return;
        if (await this.#expire(key, current, now)) expired.push(current.node);
      });
    }
    return expired;
  }

  /** Deletes the node (if unchanged since `record`), emitting `tunnel-removed` (reason `expired`) per tunnel, then `node-expired`. */
  async #expire(key: string, record: NodeRecord, now: number): Promise<boolean> {
    if (!(await this.#options.store.deleteNode(key, record.version))) return false;
    this.#expired++;
    const events: RegistryEvent[] = [];
    for (const tunnel of record.tunnels.values()) {
      events.push({ type: "tunnel-removed", at: now, node: record.node, streamId: undefined, tunnel, reason: "expired" });
    }
    events.push({ type: "node-expired", at: now, node: record.node, tunnelCount: record.tunnels.size });
    this.#options.emit(events);
    return true;
  }

  /** Another replica's event (from a shared store's notice): a disconnect starts a deadline here too, a connect or an expiry ends it. */
  noticed(event: RegistryEvent): void {
    const key = formatNodeKey(event.node);
    if (event.type === "node-disconnected") this.#deadlines.set(key, event.graceUntil);
    else if (event.type === "node-connected" || event.type === "node-expired") this.#deadlines.delete(key);
  }

  /** Adds the deadlines a shared store knows (`TunnelStore.graceDeadlines`); nothing for a store without them. */
  async sync(): Promise<void> {
    const deadlines = await this.#options.store.graceDeadlines?.();
    if (deadlines === undefined) return;
    for (const [key, deadline] of deadlines) this.#deadlines.set(key, deadline);
  }
}
