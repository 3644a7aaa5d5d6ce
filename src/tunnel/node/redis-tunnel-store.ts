import { randomBytes } from "node:crypto";
import { createClient, type RedisClientType } from "@redis/client";
import type { NodeRecord, RegistryEvent, StoreHealth, StoreNotice, TunnelStore } from "../index.js";
import { formatNodeKey } from "../index.js";
import { decodeNodeHash, encodeNodeMeta } from "./redis-node-codec.js";
import { deleteNodeScript, putNodeScript, type RedisScript } from "./redis-scripts.js";

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

/**
 * A {@link TunnelStore} in Redis, shared by every replica of a reporting
 * server: each write is one Lua script (atomic, compare-and-set on the node's
 * version), events fan out on a pub/sub channel, and each replica holds a
 * lease (a key with a TTL) so the others can release the nodes of a replica
 * that died without a word.
 *
 * It also keeps in memory the nodes this replica wrote last (its own nodes):
 * they answer its own reads without a round trip, and, when Redis is lost,
 * everything (the store turns degraded: reporting goes on from memory). When
 * Redis returns, the replica re-publishes those nodes, unless a newer stream
 * of a node took it over elsewhere meanwhile.
 */
export class RedisTunnelStore implements TunnelStore {
  readonly replicaId: string;
  readonly #client: Client;
  readonly #subscriber: Client;
  readonly #prefix: string;
  readonly #leaseMs: number;
  readonly #log: NonNullable<RedisTunnelStoreOptions["log"]>;
  /** The nodes this replica wrote last, by key: its own nodes. */
  readonly #mine = new Map<string, NodeRecord>();
  /** Keys written (or deleted) while degraded: to re-publish. */
  readonly #dirty = new Set<string>();
  readonly #listeners = new Set<(notice: StoreNotice) => void>();
  #degradedReason: string | undefined;
  #recovering: Promise<void> | undefined;
  #leaseTimer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /** Counts for `/metrics`: events not published while degraded, and re-publications. */
  readonly counters = { eventsDropped: 0, republished: 0, outages: 0 };

  private constructor(client: Client, subscriber: Client, options: RedisTunnelStoreOptions, replicaId: string) {
    this.#client = client;
    this.#subscriber = subscriber;
    this.#prefix = options.keyPrefix ?? "envoy-tap-tunnel:";
    this.#leaseMs = options.leaseMs ?? 10_000;
    this.#log = options.log ?? (() => undefined);
    this.replicaId = replicaId;
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
      await subscriber.subscribe(store.#channel, (message: string) => store.#received(message));
    } catch (error) {
      for (const c of [client, subscriber]) if (c.isOpen) c.destroy();
      const cause = firstError ?? error;
      throw new RedisUnavailableError(`cannot connect to Redis at ${redactUrl(options.url)}: ${describe(cause)}`, { cause });
    }
    connected = true;
    client.on("ready", () => store.#reconnected());
    await store.#renewLease();
    store.#leaseTimer = setInterval(() => void store.#tick(), Math.max(50, Math.floor(store.#leaseMs / 3)));
    store.#leaseTimer.unref();
    return store;
  }

  get #channel(): string {
    return `${this.#prefix}events`;
  }

  #nodeKeys(key: string): string[] {
    return [`${this.#prefix}n:${key}`, `${this.#prefix}nodes`, `${this.#prefix}grace`];
  }

  health(): StoreHealth {
    return this.#degradedReason === undefined ? { degraded: false } : { degraded: true, reason: this.#degradedReason };
  }

  async getNode(key: string): Promise<NodeRecord | undefined> {
    const mine = this.#mine.get(key);
    if (mine !== undefined || this.#degradedReason !== undefined) return mine;
    const reply = await this.#redis(() => this.#client.sendCommand<string[]>(["HGETALL", this.#nodeKeys(key)[0]!]), undefined);
    if (reply === undefined) return this.#mine.get(key);
    return decodeNodeHash(reply);
  }

  async putNode(key: string, record: NodeRecord, expectedVersion: number | undefined): Promise<boolean> {
    if (this.#degradedReason === undefined) {
      const result: boolean | "offline" = await this.#redis(() => this.#put(key, record, expectedVersion), "offline" as const);
      if (result !== "offline") {
        if (result) this.#mine.set(key, record);
        else this.#mine.delete(key);
        return result;
      }
    }
    // Degraded: the replica's own nodes live on in memory until Redis returns.
    if (this.#mine.get(key)?.version !== expectedVersion) return false;
    this.#mine.set(key, record);
    this.#dirty.add(key);
    return true;
  }

  async #put(key: string, record: NodeRecord, expectedVersion: number | undefined): Promise<boolean> {
    const before = this.#mine.get(key);
    const diff = before !== undefined && expectedVersion !== undefined && before.version === expectedVersion;
    const removed: string[] = [];
    const added: string[] = [];
    if (diff && before.tunnels !== record.tunnels) {
      // The registry shares unchanged tunnel objects between records, so identity says what changed.
      for (const [name, tunnel] of before.tunnels) if (record.tunnels.get(name) !== tunnel) removed.push(name, tunnel.identity.nodeId);
    }
    if (!diff || before.tunnels !== record.tunnels) {
      for (const [name, tunnel] of record.tunnels) {
        if (!diff || before.tunnels.get(name) !== tunnel) added.push(name, tunnel.identity.nodeId, JSON.stringify(tunnel));
      }
    }
    const args = this.#putArgs(key, record, diff ? "diff" : "replace", expectedVersion, diff ? before.owner : "", removed, added);
    const [version] = await this.#eval<[number, number]>(putNodeScript, this.#nodeKeys(key), args);
    return version !== 0;
  }

  #putArgs(key: string, record: NodeRecord, mode: string, expectedVersion: number | undefined, expectedOwner: string, removed: string[], added: string[]): string[] {
    return [
      this.#prefix,
      key,
      mode,
      expectedVersion === undefined ? "" : String(expectedVersion),
      expectedOwner,
      String(record.version),
      String(record.epoch),
      record.owner,
      String(record.connectedAt),
      this.replicaId,
      record.state,
      record.graceUntil === undefined ? "" : String(record.graceUntil),
      encodeNodeMeta(record),
      String(removed.length / 2),
      ...removed,
      ...added,
    ];
  }

  async deleteNode(key: string, expectedVersion: number): Promise<boolean> {
    if (this.#degradedReason === undefined) {
      const args = [this.#prefix, key, "version", String(expectedVersion)];
      const result: number | "offline" = await this.#redis(() => this.#eval<number>(deleteNodeScript, this.#nodeKeys(key), args), "offline" as const);
      if (result !== "offline") {
        this.#mine.delete(key);
        return result === 1;
      }
    }
    if (this.#mine.get(key)?.version !== expectedVersion) return false;
    this.#mine.delete(key);
    this.#dirty.add(key);
    return true;
  }

  async listNodes(): Promise<NodeRecord[]> {
    const all = await this.#redis(async () => {
      const keys = await this.#client.sendCommand<string[]>(["SMEMBERS", `${this.#prefix}nodes`]);
      // Issued in one tick, the reads go out as one pipeline; each HGETALL is atomic.
      const replies = await Promise.all(keys.map((key) => this.#client.sendCommand<string[]>(["HGETALL", this.#nodeKeys(key)[0]!])));
      return replies.map(decodeNodeHash).filter((r): r is NodeRecord => r !== undefined);
    }, undefined);
    return all ?? [...this.#mine.values()];
  }

  async nodeKeysByInitiator(initiatorNodeId: string): Promise<string[]> {
    const keys = await this.#redis(() => this.#client.sendCommand<string[]>(["HKEYS", `${this.#prefix}i:${initiatorNodeId}`]), undefined);
    if (keys !== undefined) return keys;
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

  publish(events: readonly RegistryEvent[]): void {
    if (events.length === 0) return;
    if (this.#degradedReason !== undefined) {
      this.counters.eventsDropped += events.length;
      return;
    }
    const message = JSON.stringify({ from: this.replicaId, events });
    this.#client.sendCommand(["PUBLISH", this.#channel, message]).catch(() => {
      this.counters.eventsDropped += events.length;
    });
  }

  subscribe(listener: (notice: StoreNotice) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Stops renewing the lease, gives it up (so nothing waits for it to lapse) and disconnects. Call it after the server closed. */
  async close(): Promise<void> {
    if (this.#closed) return;
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

  /** Another replica's events: our copy of a node it wrote is stale, then it reaches the registry. */
  #received(message: string): void {
    let parsed: { from: string; events: RegistryEvent[] };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.from === this.replicaId || !Array.isArray(parsed.events)) return;
    for (const event of parsed.events) this.#mine.delete(formatNodeKey(event.node));
    this.#notify({ kind: "events", events: parsed.events });
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

  async #eval<T>(script: RedisScript, keys: string[], args: string[]): Promise<T> {
    try {
      return await this.#client.sendCommand<T>(["EVALSHA", script.sha1, String(keys.length), ...keys, ...args]);
    } catch (error) {
      // A restarted Redis has an empty script cache; EVAL loads the script again.
      if (!String((error as Error)?.message).startsWith("NOSCRIPT")) throw error;
      return await this.#client.sendCommand<T>(["EVAL", script.source, String(keys.length), ...keys, ...args]);
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
      const pending = new Set([...this.#mine.keys(), ...this.#dirty]);
      this.#dirty.clear();
      while (pending.size > 0) {
        for (const key of pending) {
          pending.delete(key);
          const record = this.#mine.get(key);
          if (record === undefined) {
            await this.#eval(deleteNodeScript, this.#nodeKeys(key), [this.#prefix, key, "replica", this.replicaId]);
            continue;
          }
          const added: string[] = [];
          for (const [name, tunnel] of record.tunnels) added.push(name, tunnel.identity.nodeId, JSON.stringify(tunnel));
          const args = this.#putArgs(key, record, "republish", undefined, "", [], added);
          const [version, epoch] = await this.#eval<[number, number]>(putNodeScript, this.#nodeKeys(key), args);
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
      this.#log({ level: "info", event: "store-recovered", message: "Redis is back; this replica's nodes are re-published" });
      this.#notify({ kind: "deadlines" });
    } catch (error) {
      // Lost again mid-way: the next "ready" starts over (nothing was forgotten).
      for (const key of this.#mine.keys()) this.#dirty.add(key);
      this.#log({ level: "warn", event: "store-degraded", message: `re-publishing failed: ${describe(error)}` });
    }
  }

  async #renewLeaseOnce(): Promise<void> {
    await this.#client.sendCommand(["SET", `${this.#prefix}lease:${this.replicaId}`, String(Date.now()), "PX", String(this.#leaseMs)]);
    await this.#client.sendCommand(["SADD", `${this.#prefix}replicas`, this.replicaId]);
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
      for (const key of keys) {
        const [writer, owner, meta] = await this.#client.sendCommand<(string | null)[]>(["HMGET", this.#nodeKeys(key)[0]!, "r", "o", "m"]);
        if (writer === replica && owner !== null && owner !== undefined && meta?.includes('"state":"connected"') === true) orphans.push({ key, owner });
      }
      await this.#client.sendCommand(["SREM", `${this.#prefix}replicas`, replica]);
    }
    return orphans;
  }
}

function isConnectionError(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return /closed|offline|socket|timeout|ECONN|EPIPE|not connected|disconnect/i.test(text);
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
