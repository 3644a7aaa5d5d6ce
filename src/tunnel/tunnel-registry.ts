import { Code } from "@connectrpc/connect";
import type {
  StreamReverseTunnelsRequest,
  StreamReverseTunnelsResponse,
} from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { checkReport } from "./check-report.js";
import { systemClock, type Clock } from "./clock.js";
import { GracePeriods, MAX_WRITE_ATTEMPTS } from "./grace-periods.js";
import { KeyedLock } from "./keyed-lock.js";
import { MemoryTunnelStore } from "./memory-tunnel-store.js";
import { formatNodeKey, nodeKeyOf, parseNodeKey, type NodeKey } from "./node-key.js";
import type { RegistryEvent, RegistryListener } from "./registry-event.js";
import { checkReportInterval } from "./report-interval.js";
import { ackResponse, nackCodeNames, nackResponse, type NackCode, type ReportViolation } from "./report-response.js";
import { compareNodeKeys, selectTunnels, sortNodes, summarizeNode, type TunnelQuery } from "./select-tunnels.js";
import type { NodeRecord, NodeSummary, TunnelView } from "./tunnel-record.js";
import { FIRST_NODE_CURSOR, checkPageSize, nodePageOf, tunnelPageOf, type NodePage, type TunnelPage } from "./tunnel-pages.js";
import type { StoreNotice, TunnelStore } from "./tunnel-store.js";
import type { RegistryCounts, RegistryStats, TunnelRegistryOptions } from "./tunnel-registry-options.js";
import { writeReport } from "./write-report.js";

export type { TunnelQuery, TunnelRegistryOptions, RegistryCounts, RegistryStats };

/** What the registry remembers of a stream (in this process only; a stream lives on one server). */
interface StreamState {
  /** Set by the first accepted request. */
  key: string | undefined;
  node: NodeKey | undefined;
  /** The nonce of the last accepted request; `undefined` before the first. */
  lastNonce: bigint | undefined;
  /** The `report_interval` last sent on this stream. */
  sentIntervalMs: number | undefined;
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
 * - A NACKed request changes nothing, not even the stream's last nonce. A
 *   NACK echoes the request's nonce too (a negative one, itself invalid, is
 *   answered with the stream's last accepted nonce, or 0).
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
  readonly #store: TunnelStore;
  readonly #clock: Clock;
  readonly #maxTunnels: number;
  #reportIntervalMs: number | undefined;
  readonly #streams = new Map<string, StreamState>();
  /** The nodes whose stream ended, kept until their deadline (see grace-periods.ts). */
  readonly #grace: GracePeriods;
  readonly #listeners = new Set<RegistryListener>();
  readonly #detach: (() => void) | undefined;
  /** Serializes the writes of one node (by node key). */
  readonly #lock = new KeyedLock();
  /** Serializes the requests of one stream (by stream id). */
  readonly #streamLock = new KeyedLock();
  readonly #stats = {
    requests: 0,
    acks: 0,
    nacks: {} as Record<string, number>,
    anomalies: {} as Record<string, number>,
    streamsConnected: 0,
    streamsClosed: 0,
  };

  /** @throws RangeError for an out-of-range `reportIntervalMs`, a negative `graceMs` or `maxTunnelsPerNode` < 1. */
  constructor(options: TunnelRegistryOptions = {}) {
    this.#store = options.store ?? new MemoryTunnelStore();
    this.#clock = options.clock ?? systemClock;
    const graceMs = options.graceMs ?? 30_000;
    if (!(graceMs >= 0) || !Number.isFinite(graceMs)) throw new RangeError(`grace period must be a finite number of ms >= 0, got ${options.graceMs}`);
    this.#maxTunnels = options.maxTunnelsPerNode ?? 100_000;
    if (!(this.#maxTunnels >= 1)) throw new RangeError(`maxTunnelsPerNode must be at least 1, got ${options.maxTunnelsPerNode}`);
    this.#reportIntervalMs = options.reportIntervalMs === undefined ? undefined : checkReportInterval(options.reportIntervalMs);
    this.#grace = new GracePeriods({ store: this.#store, clock: this.#clock, graceMs, lock: this.#lock, emit: (events) => this.#publish(events) });
    this.#detach = this.#store.subscribe?.((notice) => this.#onNotice(notice));
  }

  /** Stops listening to a shared store's notices (see `TunnelStore.subscribe`). */
  detach(): void {
    this.#detach?.();
  }

  /** The clock this registry reads (for timers that must agree with {@link nextDeadline}). */
  get clock(): Clock {
    return this.#clock;
  }

  /** The store this registry writes to. */
  get store(): TunnelStore {
    return this.#store;
  }

  /**
   * Applies one request received on `streamId` and returns the response to
   * send on that stream (an ACK or a NACK). Never throws for bad input;
   * rejects only when the store fails.
   */
  apply(streamId: string, request: StreamReverseTunnelsRequest): Promise<StreamReverseTunnelsResponse> {
    // Requests of one stream are applied in order even if a caller does not wait.
    return this.#streamLock.run(streamId, () => this.#apply(streamId, request));
  }

  async #apply(streamId: string, request: StreamReverseTunnelsRequest): Promise<StreamReverseTunnelsResponse> {
    this.#stats.requests++;
    let stream = this.#streams.get(streamId);
    if (stream === undefined) {
      stream = { key: undefined, node: undefined, lastNonce: undefined, sentIntervalMs: undefined };
      this.#streams.set(streamId, stream);
    }
    const nodeId = request.node?.id ?? "";
    // A NACK names the request's nonce; a negative one (itself invalid) is not
    // a nonce to echo, so the stream's last accepted one (or 0) stands in.
    const echo = request.nonce >= 0n ? request.nonce : (stream.lastNonce ?? 0n);
    const nack = (code: NackCode, message: string, violations?: readonly ReportViolation[]) => this.#nack(nodeId, echo, code, message, violations);

    const checked = checkReport(request, this.#clock.now(), streamId);
    if (!checked.ok) {
      const count = checked.violations.length;
      return nack(Code.InvalidArgument, `invalid report: ${count} violation${count === 1 ? "" : "s"}`, checked.violations);
    }

    const node = nodeKeyOf(request.node!);
    const key = formatNodeKey(node);
    if (stream.key !== undefined && stream.key !== key) {
      return nack(Code.InvalidArgument, "a stream reports for one node only", [
        { path: "node", message: `the stream reports for node ${JSON.stringify(stream.node!.id)} of cluster ${JSON.stringify(stream.node!.cluster)}`, ruleId: "report.node_changed" },
      ]);
    }
    if (stream.lastNonce === undefined && !request.fullPush) {
      return nack(Code.FailedPrecondition, "the first request of a stream must be a full push");
    }
    if (stream.lastNonce !== undefined && request.nonce <= stream.lastNonce) {
      return nack(Code.FailedPrecondition, `nonce ${request.nonce} is not greater than the stream's last nonce ${stream.lastNonce}`);
    }

    const taking = stream.lastNonce === undefined;
    const tunnels = checked.tunnels;
    const outcome = await this.#lock.run(key, async () => {
      for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
        const written = await writeReport({
          store: this.#store,
          key,
          node,
          streamId,
          taking,
          request,
          added: tunnels,
          now: this.#clock.now(),
          maxTunnels: this.#maxTunnels,
        });
        if (written.kind === "written" && taking) this.#grace.taken(key);
        if (written.kind !== "conflict") return written;
      }
      return { kind: "refused", code: Code.Unavailable, message: "the node was changed concurrently; retry" } as const;
    });
    if (outcome.kind === "refused") return nack(outcome.code, outcome.message);

    stream.key = key;
    stream.node = node;
    stream.lastNonce = request.nonce;
    this.#stats.acks++;
    if (taking) this.#stats.streamsConnected++;
    for (const event of outcome.events) {
      if (event.type === "report-anomaly") this.#stats.anomalies[event.kind] = (this.#stats.anomalies[event.kind] ?? 0) + 1;
    }
    this.#publish(outcome.events);
    let interval: number | undefined;
    if (this.#reportIntervalMs !== undefined && this.#reportIntervalMs !== stream.sentIntervalMs) {
      interval = this.#reportIntervalMs;
      stream.sentIntervalMs = interval;
    }
    return ackResponse(nodeId, request.nonce, interval);
  }

  #nack(nodeId: string, nonce: bigint, code: NackCode, message: string, violations?: readonly ReportViolation[]): StreamReverseTunnelsResponse {
    const name = nackCodeNames[code];
    this.#stats.nacks[name] = (this.#stats.nacks[name] ?? 0) + 1;
    return nackResponse(nodeId, nonce, code, message, violations);
  }

  /**
   * Ends a stream. When it owns its node, the node enters its grace period
   * (`node-disconnected`); a superseded or unknown stream changes nothing.
   * Closing a stream twice is harmless.
   */
  close(streamId: string): Promise<void> {
    // After the stream's pending requests, so a close never overtakes an apply.
    return this.#streamLock.run(streamId, () => this.#close(streamId));
  }

  async #close(streamId: string): Promise<void> {
    const stream = this.#streams.get(streamId);
    if (stream === undefined) return;
    this.#streams.delete(streamId);
    this.#stats.streamsClosed++;
    const { key, node } = stream;
    if (key === undefined || node === undefined) return;
    await this.#grace.release(key, streamId);
  }

  /**
   * Puts a node in its grace period because its owning stream `owner` ended
   * where this registry cannot see it (on a replica whose lease expired), as
   * {@link close} does for a local stream. Changes nothing unless the node is
   * connected and still owned by `owner`.
   */
  release(key: string, owner: string): Promise<void> {
    return this.#grace.release(key, owner);
  }

  /**
   * Changes the `report_interval` sent to reporters: every open stream gets it
   * in its next ACK, new streams in their first. `undefined` stops sending one
   * (Envoy then keeps the last interval it received).
   * @throws RangeError outside 25 ms..1 h.
   */
  setReportInterval(intervalMs: number | undefined): void {
    this.#reportIntervalMs = intervalMs === undefined ? undefined : checkReportInterval(intervalMs);
  }

  /** The configured `report_interval` in ms, or `undefined`. */
  get reportIntervalMs(): number | undefined {
    return this.#reportIntervalMs;
  }

  /**
   * The earliest clock time (ms) at which {@link expireDue} has work, or
   * `undefined` when no node is in its grace period (known to this registry).
   */
  nextDeadline(): number | undefined {
    return this.#grace.nextDeadline();
  }

  /**
   * Drops every node whose grace period ended at or before `clock.now()`,
   * emitting `tunnel-removed` (reason `expired`) for each tunnel and then
   * `node-expired`. Returns the nodes dropped.
   */
  expireDue(): Promise<NodeKey[]> {
    return this.#grace.expireDue();
  }

  /** Registers a listener for {@link RegistryEvent}s; returns the function that unregisters it. */
  subscribe(listener: RegistryListener): () => void {
    const entry: RegistryListener = (event) => listener(event);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /**
   * A shared store's notice: another registry's events reach this one's
   * listeners (and its grace deadlines, so any replica can expire a node);
   * an orphaned node is released; a deadline resync re-reads them and expires
   * what is due.
   */
  #onNotice(notice: StoreNotice): void {
    if (notice.kind === "orphaned") {
      this.release(notice.key, notice.owner).catch(() => undefined);
    } else if (notice.kind === "deadlines") {
      this.syncDeadlines()
        .then(() => this.expireDue())
        .catch(() => undefined);
    } else {
      for (const event of notice.events) {
        this.#grace.noticed(event);
        this.#emit(event);
      }
    }
  }

  /**
   * Adds the grace deadlines a shared store knows (`TunnelStore.graceDeadlines`)
   * to this registry's, so it expires nodes whose disconnect it did not see
   * (another replica's, or before it started). Nothing for a store without them.
   */
  syncDeadlines(): Promise<void> {
    return this.#grace.sync();
  }

  /** This registry's own events: to its listeners, then to the store's other subscribers (`TunnelStore.publish`). */
  #publish(events: readonly RegistryEvent[]): void {
    for (const event of events) this.#emit(event);
    this.#store.publish?.(events);
  }

  #emit(event: RegistryEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the registry's state is already stored.
      }
    }
  }

  /** Every tunnel, or those matching `query`, sorted by reporting node then name. */
  async tunnels(query: TunnelQuery = {}): Promise<TunnelView[]> {
    let records: NodeRecord[];
    if (query.initiator !== undefined) {
      const keys = await this.#store.nodeKeysByInitiator(query.initiator);
      records = (await Promise.all(keys.map((key) => this.#store.getNode(key)))).filter((r): r is NodeRecord => r !== undefined);
    } else {
      records = await this.#store.listNodes();
    }
    return selectTunnels(records, query);
  }

  /** Every reporting node (connected or in grace) with its tunnel count, sorted by cluster then id. */
  async nodes(): Promise<NodeSummary[]> {
    return sortNodes(await this.#store.listNodes()).map(summarizeNode);
  }

  /**
   * Up to `limit` (1..10 000) tunnels after the cursor `after` (`undefined`:
   * from the first), in routing-index order (initiator, reporting node, name;
   * see `tunnelCursor`), from the store's `tunnelPage` (else over every node).
   * @throws RangeError (rejects) for a `limit` outside 1..10 000.
   */
  async tunnelPage(after: string | undefined, limit: number): Promise<TunnelPage> {
    checkPageSize(limit);
    if (this.#store.tunnelPage !== undefined) return this.#store.tunnelPage(after, limit);
    return tunnelPageOf(await this.#store.listNodes(), after, limit);
  }

  /**
   * About `count` (1..10 000) reporting nodes from `cursor` (`undefined`: the
   * first page; else a previous page's `next`), from the store's `nodePage`
   * (else over every node, ordered by key).
   * @throws RangeError (rejects) for a `count` outside 1..10 000.
   */
  async nodePage(cursor: string | undefined, count: number): Promise<NodePage> {
    checkPageSize(count);
    const from = cursor ?? FIRST_NODE_CURSOR;
    if (this.#store.nodePage !== undefined) return this.#store.nodePage(from, count);
    return nodePageOf(await this.#store.listNodes(), from, count);
  }

  /** One reporting node with its tunnels, or `undefined`. */
  node(key: NodeKey): Promise<NodeRecord | undefined> {
    return this.#store.getNode(formatNodeKey(key));
  }

  /** The reporting nodes that hold a tunnel initiated by `initiatorNodeId` (the routing question), from the store's index. */
  async nodesByInitiator(initiatorNodeId: string): Promise<NodeKey[]> {
    const keys = await this.#store.nodeKeysByInitiator(initiatorNodeId);
    return keys
      .map(parseNodeKey)
      .filter((k): k is NodeKey => k !== undefined)
      .sort(compareNodeKeys);
  }

  /** How many nodes (connected, in grace) and tunnels the registry holds. */
  async counts(): Promise<RegistryCounts> {
    const stored = await this.#store.counts?.();
    if (stored !== undefined) return { nodes: stored.nodes, connectedNodes: stored.nodes - stored.graceNodes, graceNodes: stored.graceNodes, tunnels: stored.tunnels };
    let connectedNodes = 0;
    let graceNodes = 0;
    let tunnels = 0;
    for (const record of await this.#store.listNodes()) {
      if (record.state === "connected") connectedNodes++;
      else graceNodes++;
      tunnels += record.tunnels.size;
    }
    return { nodes: connectedNodes + graceNodes, connectedNodes, graceNodes, tunnels };
  }

  /** Totals of requests, ACKs, NACKs by code and anomalies by kind, since creation. */
  stats(): RegistryStats {
    const s = this.#stats;
    return { ...s, nacks: { ...s.nacks }, anomalies: { ...s.anomalies }, nodesExpired: this.#grace.expiredCount };
  }
}
