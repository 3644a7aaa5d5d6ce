import { randomBytes } from "node:crypto";
import type { RedisClientType } from "@redis/client";
import type { NodeRecord, RegistryEvent, StoreHealth, StoreNotice, TunnelRecord, TunnelStore } from "../index.js";
import { decodeEventBatchBody, decodeEventBatchHeader, encodeEventBatch } from "./redis-event-codec.js";
import { indexRange, nodeKeyOfMember } from "./redis-index-member.js";
import { readNodePage, readTunnelPage } from "./redis-paged-reads.js";
import type { NodePage, TunnelPage } from "../tunnel-pages.js";
import { decodeNodeHash } from "./redis-node-codec.js";
import { writeBatchScript, type RedisScript } from "./redis-scripts.js";
import { deleteOperation, isConnectionError, putOperation, RedisWriteQueue, type PutMode, type WriteOutcome } from "./redis-write-queue.js";

/** Options of {@link RedisTunnelStore.connect}. */
export interface RedisTunnelStoreOptions {
  /** `redis://[user:password@]HOST:PORT[/DB]`, or `rediss://` for TLS. */
  readonly url: string;
  /** Overrides the URL's password (the CLI passes `REDIS_PASSWORD`). By default, the URL's. */
  readonly password?: string;
  /** Prefix of every key and channel, so several fleets can share one Redis. By default, `envoy-tap-tunnel:`. */
  readonly keyPrefix?: string;
  /** This replica's id (in its lease key). By default, a random one. */
  readonly replicaId?: string;
  /**
   * The lease's time to live; it is renewed every third of it. Other replicas
   * release this replica's nodes (start their grace period) once it lapses.
   * By default, 10 000 ms.
   */
  readonly leaseMs?: number;
  /**
   * How many writes may wait for Redis while the reports on nodes this
   * replica owns are ACKed from memory (see {@link RedisTunnelStore.putNode});
   * beyond it, such a report waits for its own write. 0: every report waits
   * for its write (an ACK then means Redis holds the report). By default, 1 000:
   * about one second of a 1,000-stream fleet's reports.
   */
  readonly maxUnconfirmedWrites?: number;
  /** How long the first connection may take before `connect` fails. By default, 5 000 ms. */
  readonly connectTimeoutMs?: number;
  /** TLS options for `rediss://` (a private CA, for example). By default, the system's CAs. */
  readonly tls?: { readonly ca?: string | Uint8Array };
  /** Told when the store turns degraded or healthy again. By default, nothing. */
  readonly log?: (entry: { readonly level: "info" | "warn"; readonly event: string; readonly message: string }) => void;
}

/** `connect` could not reach Redis (wrong address, refused, timeout, authentication). */
export class RedisUnavailableError extends Error {
  override readonly name = "RedisUnavailableError";
}

type Client = RedisClientType;

/** The most events in one pub/sub message: a burst of full pushes goes out as several messages of bounded size. */
const MAX_EVENTS_PER_MESSAGE = 2_000;
/**
 * The most events kept for the other replicas while Redis is unreachable
 * (replayed when it returns); beyond it the oldest go (counted in
 * `counters.eventsDropped`). At 1,000 reports a second, about a minute.
 */
const MAX_QUEUED_EVENTS = 100_000;
/** How long `close` waits for the writes still on their way to Redis. */
const CLOSE_DRAIN_MS = 2_000;
/** How long the receiver may apply other replicas' events before it yields to its event loop (ACKs, I/O). */
const RECEIVE_SLICE_MS = 4;

const noBytes = Buffer.alloc(0);

/**
 * A {@link TunnelStore} in Redis, shared by every replica of a reporting
 * server: each write is atomic (compare-and-set on the node's version or
 * owner) and the writes of a few milliseconds go out as one Lua script (see
 * {@link RedisWriteQueue}), events fan out on a pub/sub channel, and each
 * replica holds a lease (a key with a TTL) so the others can release the
 * nodes of a replica that died without a word.
 *
 * It also keeps in memory the nodes this replica wrote last (its own nodes):
 * they answer its own reads without a round trip, and, when Redis is lost,
 * everything (the store turns degraded: reporting goes on from memory). When
 * Redis returns, the replica re-publishes those nodes, unless a newer stream
 * of a node took it over elsewhere meanwhile.
 */
export class RedisTunnelStore implements TunnelStore {
  readonly replicaId: string;
  /** The `maxUnconfirmedWrites` in force (the option, or its default). */
  readonly maxUnconfirmedWrites: number;
  readonly #client: Client;
  readonly #subscriber: Client;
  readonly #prefix: string;
  readonly #leaseMs: number;
  readonly #maxUnconfirmed: number;
  readonly #log: NonNullable<RedisTunnelStoreOptions["log"]>;
  /** The nodes this replica wrote last, by key: its own nodes. */
  readonly #mine = new Map<string, NodeRecord>();
  /** Keys written (or deleted) while degraded: to re-publish. */
  readonly #dirty = new Set<string>();
  readonly #listeners = new Set<(notice: StoreNotice) => void>();
  /** Every write, in order, batched per round trip. */
  readonly #writes: RedisWriteQueue;
  /**
   * The JSON text of each tunnel this replica wrote lately, reused when its
   * events are published. Two generations, swapped at each publish, so an
   * entry lives until its report's events went out (plain maps: a WeakMap of
   * every tunnel would slow the garbage collector down).
   */
  #tunnelJson = new Map<TunnelRecord, string>();
  #tunnelJsonBefore = new Map<TunnelRecord, string>();
  /** Events waiting for the next publish (one PUBLISH per batch of writes, not one per report). */
  #outbox: RegistryEvent[] = [];
  #flushScheduled = false;
  /** Other replicas' event batches (undecoded), applied in time slices. */
  #inbox: Buffer[] = [];
  #inboxNext = 0;
  #draining = false;
  #degradedReason: string | undefined;
  #recovering: Promise<void> | undefined;
  #leaseTimer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /**
   * Counts: events that never reached the other replicas (the outage queue
   * overflowed, or the connection broke while they were sent), events sent
   * late because Redis was unreachable, nodes re-published, outages.
   */
  readonly counters = { eventsDropped: 0, eventsReplayed: 0, republished: 0, outages: 0 };

  private constructor(client: Client, subscriber: Client, options: RedisTunnelStoreOptions, replicaId: string) {
    this.#client = client;
    this.#subscriber = subscriber;
    this.#prefix = options.keyPrefix ?? "envoy-tap-tunnel:";
    this.#leaseMs = options.leaseMs ?? 10_000;
    this.#maxUnconfirmed = options.maxUnconfirmedWrites ?? 1_000;
    this.maxUnconfirmedWrites = this.#maxUnconfirmed;
    this.#log = options.log ?? (() => undefined);
    this.replicaId = replicaId;
    this.#writes = new RedisWriteQueue((args) => this.#runScript<number[]>(writeBatchScript, args), [this.#prefix, replicaId], () => this.#flush());
  }

  /**
   * Connects (a command connection and a subscriber), takes this replica's
   * lease and starts renewing it.
   * @throws RedisUnavailableError when Redis cannot be reached within `connectTimeoutMs`.
   */
  static async connect(options: RedisTunnelStoreOptions): Promise<RedisTunnelStore> {
    const replicaId = options.replicaId ?? randomBytes(6).toString("hex");
    let connected = false;
    let firstError: unknown;
    const clientOptions = {
      url: options.url,
      ...(options.password === undefined ? {} : { password: options.password }),
      // Commands fail at once while disconnected, so a report is ACKed from memory instead of waiting.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: options.connectTimeoutMs ?? 5_000,
        // The first connection fails fast (exit 2 at start); a lost one is retried forever.
        reconnectStrategy: (retries: number, cause: Error) => {
          if (connected) return Math.min(50 * 2 ** retries, 1_000);
          firstError ??= cause;
          return cause;
        },
        ...(options.tls?.ca === undefined ? {} : { ca: typeof options.tls.ca === "string" ? options.tls.ca : Buffer.from(options.tls.ca) }),
      },
    };
    // Loaded here, not at the top: @redis/client declares `class VerbatimString extends String`, which turns
    // V8's String.prototype into a dictionary and makes every string method call of the process several
    // times slower, so a server on the memory store (or a library user of this module) must not load it.
    const { createClient } = await import("@redis/client");
    const client = createClient(clientOptions) as unknown as Client;
    const subscriber = client.duplicate();
    const store = new RedisTunnelStore(client, subscriber, options, replicaId);
    client.on("error", (error: Error) => {
      if (connected) store.#lost(error);
      else firstError ??= error;
    });
    subscriber.on("error", () => undefined);
    try {
      await client.connect();
      await subscriber.connect();
      // As bytes: our own messages (half of what arrives) are recognised without decoding their events.
      await subscriber.subscribe(store.#channel, (message: Buffer) => store.#received(message), true);
    } catch (error) {
      for (const c of [client, subscriber]) if (c.isOpen) c.destroy();
      const cause = firstError ?? error;
      throw new RedisUnavailableError(`cannot connect to Redis at ${redactUrl(options.url)}: ${describe(cause)}`, { cause });
    }
    connected = true;
    client.on("ready", () => store.#reconnected());
    await store.#loadScripts().catch(() => undefined);
    await store.#renewLease();
    store.#leaseTimer = setInterval(() => void store.#tick(), Math.max(50, Math.floor(store.#leaseMs / 3)));
    store.#leaseTimer.unref();
    return store;
  }

  get #channel(): string {
    return `${this.#prefix}events`;
  }

  #hashKey(key: string): string {
    return `${this.#prefix}n:${key}`;
  }

  health(): StoreHealth {
    return this.#degradedReason === undefined ? { degraded: false } : { degraded: true, reason: this.#degradedReason };
  }

  async getNode(key: string): Promise<NodeRecord | undefined> {
    const mine = this.#mine.get(key);
    if (mine !== undefined || this.#degradedReason !== undefined) return mine;
    // After this replica's writes of the node that are still on their way.
    await this.#writes.settled(key);
    const reply = await this.#redis(() => this.#client.sendCommand<string[]>(["HGETALL", this.#hashKey(key)]), undefined);
    if (reply === undefined) return this.#mine.get(key);
    return decodeNodeHash(reply);
  }

  /**
   * Writes the node. A report on a node this replica's stream already owns
   * (this replica wrote it last, with the same owner, at `expectedVersion`)
   * takes effect in memory at once and reaches Redis with the next batch:
   * the registry ACKs it without waiting for the round trip, as it ACKs from
   * memory while Redis is unreachable. Should that write find, once in Redis,
   * that another stream took the node over or that it was deleted (its stream
   * is superseded), it changes nothing and this replica forgets its copy: the
   * stream's next report reads Redis and is refused. While more than
   * `maxUnconfirmedWrites` writes wait, such a report waits for its own write
   * (back-pressure). Any other write (a stream taking a node over, a node this
   * replica does not hold) waits for Redis's answer to its compare-and-set.
   */
  async putNode(key: string, record: NodeRecord, expectedVersion: number | undefined): Promise<boolean> {
    if (this.#degradedReason === undefined) {
      const before = this.#mine.get(key);
      const known = before !== undefined && expectedVersion !== undefined && before.version === expectedVersion ? before : undefined;
      const mode: PutMode = known === undefined ? "replace" : known.owner === record.owner ? "owned" : "diff";
      const written = this.#writes.enqueue(key, this.#putOperation(key, record, mode, expectedVersion, known));
      if (mode === "owned") {
        this.#mine.set(key, record);
        const confirmed = written.then((outcome) => this.#ownedWritten(key, record, outcome));
        return this.#writes.backlog <= this.#maxUnconfirmed ? true : await confirmed;
      }
      const outcome = await written;
      if (outcome.kind === "failed") throw outcome.error;
      if (outcome.kind === "done") {
        if (outcome.first !== 0) this.#mine.set(key, record);
        else this.#mine.delete(key);
        return outcome.first !== 0;
      }
      this.#lost(outcome.error);
    }
    // Degraded: the replica's own nodes live on in memory until Redis returns.
    if (this.#mine.get(key)?.version !== expectedVersion) return false;
    this.#mine.set(key, record);
    this.#dirty.add(key);
    return true;
  }

  /**
   * The outcome of a write on a node this replica owned (see {@link putNode}),
   * returned as the write's result. Refused (the node moved or was deleted),
   * or stored with a version other than the record's (another replica wrote
   * the node meanwhile: a lease-lapse release), this replica's copy goes, so
   * the next read takes Redis's. Offline, it stays and is re-published.
   */
  #ownedWritten(key: string, record: NodeRecord, outcome: WriteOutcome): boolean {
    if (outcome.kind === "offline") {
      this.#lost(outcome.error);
      this.#dirty.add(key);
      return true;
    }
    if (outcome.kind === "failed") {
      this.#log({ level: "warn", event: "store-write-failed", message: `Redis refused a write of node ${key}: ${describe(outcome.error)}` });
    }
    if (outcome.kind === "failed" || outcome.first !== record.version) this.#mine.delete(key);
    return outcome.kind === "done" && outcome.first !== 0;
  }

  /** A put's operation: the tunnels that changed since `before` (the record this replica wrote last), or all of them. */
  #putOperation(key: string, record: NodeRecord, mode: PutMode, expectedVersion: number | undefined, before: NodeRecord | undefined): string[] {
    const removed: TunnelRecord[] = [];
    const added: TunnelRecord[] = [];
    if (before !== undefined && before.tunnels !== record.tunnels) {
      // The registry shares unchanged tunnel objects between records, so identity says what changed.
      for (const [name, tunnel] of before.tunnels) if (record.tunnels.get(name) !== tunnel) removed.push(tunnel);
    }
    if (before === undefined || before.tunnels !== record.tunnels) {
      for (const [name, tunnel] of record.tunnels) {
        if (before === undefined || before.tunnels.get(name) !== tunnel) added.push(tunnel);
      }
    }
    return putOperation(key, record, mode, { version: expectedVersion, owner: before?.owner ?? "" }, removed, added, (tunnel) => this.#jsonOf(tunnel));
  }

  #jsonOf(tunnel: TunnelRecord): string {
    let json = this.#tunnelJson.get(tunnel) ?? this.#tunnelJsonBefore.get(tunnel);
    if (json === undefined) {
      json = JSON.stringify(tunnel);
      this.#tunnelJson.set(tunnel, json);
    }
    return json;
  }

  async deleteNode(key: string, expectedVersion: number): Promise<boolean> {
    if (this.#degradedReason === undefined) {
      const outcome = await this.#writes.enqueue(key, deleteOperation(key, "version", String(expectedVersion)));
      if (outcome.kind === "failed") throw outcome.error;
      if (outcome.kind === "done") {
        this.#mine.delete(key);
        return outcome.first === 1;
      }
      this.#lost(outcome.error);
    }
    if (this.#mine.get(key)?.version !== expectedVersion) return false;
    this.#mine.delete(key);
    this.#dirty.add(key);
    return true;
  }

  /**
   * One page of tunnels in the routing index's order (initiator, reporting
   * node, name), for views that must not read every tunnel at once (see
   * `readTunnelPage`): `limit` (1..10 000) tunnels after `after`, the `next`
   * cursor of the previous page (`undefined`: the first page). While degraded,
   * this replica's own tunnels, in one page.
   * @throws RangeError for a `limit` outside 1..10 000.
   */
  async tunnelPage(after: string | undefined, limit: number): Promise<TunnelPage> {
    checkPageSize(limit);
    const page = await this.#redis(() => readTunnelPage(this.#client, this.#prefix, after, limit), undefined);
    if (page !== undefined) return page;
    const tunnels = [...this.#mine.values()].flatMap((record) => [...record.tunnels.values()].map((tunnel) => ({ ...tunnel, reportingNode: record.node })));
    return { tunnels, next: undefined };
  }

  /**
   * One page of reporting nodes without their tunnels (see `readNodePage`):
   * about `count` (1..10 000) nodes from `cursor`, the `next` of the previous
   * page (`"0"`: the first page), each with its tunnel count, in no particular
   * order. While degraded, this replica's own nodes, in one page.
   * @throws RangeError for a `count` outside 1..10 000.
   */
  async nodePage(cursor: string, count: number): Promise<NodePage> {
    checkPageSize(count);
    const page = await this.#redis(() => readNodePage(this.#client, this.#prefix, cursor, count), undefined);
    if (page !== undefined) return page;
    const nodes = [...this.#mine.values()].map(({ tunnels, version: _version, ...summary }) => ({ ...summary, tunnelCount: tunnels.size }));
    return { nodes, next: undefined };
  }

  async listNodes(): Promise<NodeRecord[]> {
    const all = await this.#redis(async () => {
      const keys = await this.#client.sendCommand<string[]>(["SMEMBERS", `${this.#prefix}nodes`]);
      // Issued in one tick, the reads go out as one pipeline; each HGETALL is atomic.
      const replies = await Promise.all(keys.map((key) => this.#client.sendCommand<string[]>(["HGETALL", this.#hashKey(key)])));
      return replies.map(decodeNodeHash).filter((r): r is NodeRecord => r !== undefined);
    }, undefined);
    return all ?? [...this.#mine.values()];
  }

  /**
   * The totals from the sets the writes keep (nodes, grace, the routing
   * index: one member per tunnel), three O(1) reads: listing every node, as a
   * `/metrics` scrape did, read every tunnel and held Redis, and every
   * replica's ACKs behind it, for half a second at 500 nodes × 100 tunnels.
   * While degraded, the replica's own nodes.
   */
  async counts(): Promise<{ nodes: number; graceNodes: number; tunnels: number }> {
    const counted = await this.#redis(
      () =>
        Promise.all([
          this.#client.sendCommand<number>(["SCARD", `${this.#prefix}nodes`]),
          this.#client.sendCommand<number>(["ZCARD", `${this.#prefix}grace`]),
          this.#client.sendCommand<number>(["ZCARD", `${this.#prefix}idx`]),
        ]),
      undefined,
    );
    if (counted !== undefined) return { nodes: counted[0], graceNodes: counted[1], tunnels: counted[2] };
    let graceNodes = 0;
    let tunnels = 0;
    for (const record of this.#mine.values()) {
      if (record.state !== "connected") graceNodes++;
      tunnels += record.tunnels.size;
    }
    return { nodes: this.#mine.size, graceNodes, tunnels };
  }

  async nodeKeysByInitiator(initiatorNodeId: string): Promise<string[]> {
    const members = await this.#redis(() => this.#client.sendCommand<string[]>(["ZRANGEBYLEX", `${this.#prefix}idx`, ...indexRange(initiatorNodeId)]), undefined);
    if (members !== undefined) return [...new Set(members.map(nodeKeyOfMember).filter((k): k is string => k !== undefined))];
    return [...this.#mine].filter(([, r]) => [...r.tunnels.values()].some((t) => t.identity.nodeId === initiatorNodeId)).map(([key]) => key);
  }

  async graceDeadlines(): Promise<ReadonlyMap<string, number>> {
    const reply = await this.#redis(() => this.#client.sendCommand<string[]>(["ZRANGE", `${this.#prefix}grace`, "0", "-1", "WITHSCORES"]), undefined);
    const deadlines = new Map<string, number>();
    if (reply === undefined) {
      for (const [key, record] of this.#mine) if (record.graceUntil !== undefined) deadlines.set(key, record.graceUntil);
    } else {
      for (let i = 0; i + 1 < reply.length; i += 2) deadlines.set(reply[i]!, Number(reply[i + 1]));
    }
    return deadlines;
  }

  /**
   * Queues `events` for the other replicas. They go out right after the
   * batch holding their writes (or at the end of this event-loop turn when no
   * write waits), together with every other report's events meanwhile, in as
   * few messages as fit (one PUBLISH for many reports); their order is kept. While Redis is unreachable they wait
   * (up to MAX_QUEUED_EVENTS) and go out, in order, once this replica's nodes
   * are re-published.
   */
  publish(events: readonly RegistryEvent[]): void {
    if (events.length === 0 || this.#closed) return;
    for (const event of events) this.#outbox.push(event);
    if (this.#outbox.length > MAX_QUEUED_EVENTS * 1.1) {
      const excess = this.#outbox.length - MAX_QUEUED_EVENTS;
      this.#outbox.splice(0, excess);
      this.counters.eventsDropped += excess;
    }
    if (this.#degradedReason === undefined) this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.#flush());
  }

  /** Sends the queued events, unless writes wait to be sent: then it runs again right after them (events follow their writes). */
  #flush(): void {
    this.#flushScheduled = false;
    if (this.#degradedReason !== undefined || this.#closed || this.#writes.hasUnsent) return;
    const events = this.#outbox;
    this.#outbox = [];
    this.#tunnelJsonBefore = this.#tunnelJson;
    this.#tunnelJson = new Map();
    for (let from = 0; from < events.length; from += MAX_EVENTS_PER_MESSAGE) {
      const batch = events.slice(from, from + MAX_EVENTS_PER_MESSAGE);
      const message = encodeEventBatch(this.replicaId, batch, (tunnel) => this.#jsonOf(tunnel));
      this.#client.sendCommand(["PUBLISH", this.#channel, message]).catch(() => {
        this.counters.eventsDropped += batch.length;
      });
    }
  }

  subscribe(listener: (notice: StoreNotice) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Stops renewing the lease, gives it up (so nothing waits for it to lapse) and disconnects. Call it after the server closed. */
  async close(): Promise<void> {
    if (this.#closed) return;
    // The last writes and events go out before the connection closes (a Redis that stopped answering gets a while, not forever).
    if (this.#degradedReason === undefined) await Promise.race([this.#writes.drain(), new Promise((resolve) => setTimeout(resolve, CLOSE_DRAIN_MS).unref())]);
    this.#flush();
    this.#closed = true;
    clearInterval(this.#leaseTimer);
    await this.#client.sendCommand(["DEL", `${this.#prefix}lease:${this.replicaId}`]).catch(() => undefined);
    for (const client of [this.#subscriber, this.#client]) {
      await client.close().catch(() => client.destroy());
    }
  }

  #notify(notice: StoreNotice): void {
    for (const listener of this.#listeners) {
      try {
        listener(notice);
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  /**
   * Another replica's events: at once, our copies of the nodes it wrote are
   * stale (the header names them); then the events reach the registry, decoded
   * in time slices so a burst (a fleet's full pushes) never stalls this
   * replica's ACKs. Our own messages are recognised by the header alone.
   */
  #received(message: Buffer): void {
    const decoded = decodeEventBatchHeader(message);
    if (decoded === undefined || decoded.header.from === this.replicaId) return;
    for (const key of decoded.header.keys) this.#mine.delete(key);
    this.#inbox.push(decoded.body);
    if (this.#draining) return;
    this.#draining = true;
    setImmediate(() => this.#drainInbox());
  }

  #drainInbox(): void {
    const until = performance.now() + RECEIVE_SLICE_MS;
    while (this.#inboxNext < this.#inbox.length && !this.#closed) {
      const body = this.#inbox[this.#inboxNext]!;
      this.#inbox[this.#inboxNext++] = noBytes;
      const events = decodeEventBatchBody(body.toString("utf8"));
      if (events.length > 0) this.#notify({ kind: "events", events });
      if (performance.now() >= until) break;
    }
    if (this.#inboxNext < this.#inbox.length && !this.#closed) {
      setImmediate(() => this.#drainInbox());
      return;
    }
    this.#inbox = [];
    this.#inboxNext = 0;
    this.#draining = false;
  }

  /** Runs a Redis operation; on a lost connection, marks the store degraded and returns `fallback`. */
  async #redis<T, F>(operation: () => Promise<T>, fallback: F): Promise<T | F> {
    if (this.#degradedReason !== undefined) return fallback;
    try {
      return await operation();
    } catch (error) {
      if (this.#client.isReady && !isConnectionError(error)) throw error;
      this.#lost(error);
      return fallback;
    }
  }

  async #runScript<T>(script: RedisScript, args: string[]): Promise<T> {
    try {
      return await this.#client.sendCommand<T>(["EVALSHA", script.sha1, "0", ...args]);
    } catch (error) {
      // A restarted Redis has an empty script cache; EVAL loads the script again.
      if (!String((error as Error)?.message).startsWith("NOSCRIPT")) throw error;
      return await this.#client.sendCommand<T>(["EVAL", script.source, "0", ...args]);
    }
  }

  #lost(error: unknown): void {
    if (this.#closed || this.#degradedReason !== undefined) return;
    this.#degradedReason = `Redis unreachable: ${describe(error)}`;
    this.counters.outages++;
    this.#log({ level: "warn", event: "store-degraded", message: `${this.#degradedReason}; reporting goes on from memory` });
  }

  #reconnected(): void {
    if (this.#closed || this.#degradedReason === undefined) return;
    this.#recovering ??= this.#republish().finally(() => {
      this.#recovering = undefined;
    });
  }

  /**
   * After an outage: takes the lease again, writes back every node this
   * replica holds (a node another replica's newer stream took over meanwhile
   * is left to it, and forgotten here), deletes what it deleted meanwhile,
   * and asks the registries to re-read the grace deadlines.
   */
  async #republish(): Promise<void> {
    try {
      await this.#renewLeaseOnce();
      await this.#loadScripts();
      const pending = new Set([...this.#mine.keys(), ...this.#dirty]);
      this.#dirty.clear();
      while (pending.size > 0) {
        for (const key of pending) {
          pending.delete(key);
          const record = this.#mine.get(key);
          if (record === undefined) {
            settledOrThrow(await this.#writes.enqueue(key, deleteOperation(key, "replica", this.replicaId)));
            continue;
          }
          const { first: version, second: epoch } = settledOrThrow(await this.#writes.enqueue(key, this.#putOperation(key, record, "republish", undefined, undefined)));
          if (this.#mine.get(key) !== record) {
            pending.add(key); // the registry changed it meanwhile: write the newer one
          } else if (version === 0) {
            this.#mine.delete(key);
          } else {
            this.#mine.set(key, { ...record, version, epoch });
            this.counters.republished++;
          }
        }
        for (const key of this.#dirty) pending.add(key);
        this.#dirty.clear();
      }
      this.#degradedReason = undefined;
      const late = this.#outbox.length;
      this.counters.eventsReplayed += late;
      this.#log({ level: "info", event: "store-recovered", message: `Redis is back; this replica's nodes are re-published and ${late} events of the outage are sent` });
      this.#notify({ kind: "deadlines" });
      this.#scheduleFlush();
    } catch (error) {
      // Lost again mid-way: the next "ready" starts over (nothing was forgotten).
      for (const key of this.#mine.keys()) this.#dirty.add(key);
      this.#log({ level: "warn", event: "store-degraded", message: `re-publishing failed: ${describe(error)}` });
    }
  }

  /** Loads the scripts into Redis's cache, so the first writes of a burst do not all miss it (NOSCRIPT) and resend them. */
  async #loadScripts(): Promise<void> {
    await this.#client.sendCommand(["SCRIPT", "LOAD", writeBatchScript.source]);
  }

  async #renewLeaseOnce(): Promise<void> {
    // Issued in one tick: one round trip.
    await Promise.all([
      this.#client.sendCommand(["SET", `${this.#prefix}lease:${this.replicaId}`, String(Date.now()), "PX", String(this.#leaseMs)]),
      this.#client.sendCommand(["SADD", `${this.#prefix}replicas`, this.replicaId]),
    ]);
  }

  async #renewLease(): Promise<void> {
    await this.#redis(() => this.#renewLeaseOnce(), undefined);
  }

  /**
   * Every third of the lease: renews this replica's lease, releases the
   * connected nodes of replicas whose lease lapsed, and has the registries
   * re-read the grace deadlines (expiring what is due).
   */
  async #tick(): Promise<void> {
    if (this.#closed) return;
    if (this.#degradedReason !== undefined) {
      // Degraded by a failed command while the connection stayed up: no "ready" will come, so retry from here.
      if (this.#client.isReady) this.#reconnected();
      return;
    }
    await this.#renewLease();
    const orphans = await this.#redis(() => this.#findOrphans(), []);
    for (const orphan of orphans) this.#notify({ kind: "orphaned", ...orphan });
    if (this.#degradedReason === undefined) this.#notify({ kind: "deadlines" });
  }

  async #findOrphans(): Promise<{ key: string; owner: string }[]> {
    const orphans: { key: string; owner: string }[] = [];
    const replicas = await this.#client.sendCommand<string[]>(["SMEMBERS", `${this.#prefix}replicas`]);
    for (const replica of replicas) {
      if (replica === this.replicaId) continue;
      if ((await this.#client.sendCommand<number>(["EXISTS", `${this.#prefix}lease:${replica}`])) === 1) continue;
      const keys = await this.#client.sendCommand<string[]>(["SMEMBERS", `${this.#prefix}r:${replica}`]);
      // Issued in one tick, the reads go out as one pipeline, not one round trip per node.
      const fields = await Promise.all(keys.map((key) => this.#client.sendCommand<(string | null)[]>(["HMGET", this.#hashKey(key), "r", "o", "m"])));
      keys.forEach((key, i) => {
        const [writer, owner, meta] = fields[i]!;
        if (writer === replica && owner !== null && owner !== undefined && meta?.includes('"state":"connected"') === true) orphans.push({ key, owner });
      });
      await this.#client.sendCommand(["SREM", `${this.#prefix}replicas`, replica]);
    }
    return orphans;
  }
}

/** The largest page {@link RedisTunnelStore.tunnelPage} and {@link RedisTunnelStore.nodePage} read. */
const MAX_PAGE = 10_000;

function checkPageSize(size: number): void {
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw new RangeError(`a page holds 1 to ${MAX_PAGE} items, got ${size}`);
}

/** A write's reply, or its error thrown (re-publishing starts over on the next reconnect). */
function settledOrThrow(outcome: WriteOutcome): { readonly first: number; readonly second: number } {
  if (outcome.kind !== "done") throw outcome.error;
  return outcome;
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.split("\n")[0]!;
}

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return url;
  }
}
