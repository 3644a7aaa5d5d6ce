import type { NodeRecord, TunnelRecord } from "../index.js";
import { indexMember, tunnelValue } from "./redis-index-member.js";
import { encodeNodeMeta } from "./redis-node-codec.js";

/** How a put compares with the stored node (see `writeBatchScript`). */
export type PutMode = "owned" | "diff" | "replace" | "republish";

/** What became of one queued operation. */
export type WriteOutcome =
  /** The script ran: a put's stored {version, epoch} ({0, 0}: its condition failed), a delete's {1, 0} or {0, 0}. */
  | { readonly kind: "done"; readonly first: number; readonly second: number }
  /** The batch never reached Redis, or its reply never came back (the connection broke). */
  | { readonly kind: "offline"; readonly error: unknown }
  /** Redis refused the batch (not a connection problem). */
  | { readonly kind: "failed"; readonly error: unknown };

/**
 * The most arguments in one batch: a burst of full pushes (600 arguments
 * each) goes out as several scripts of bounded size, each holding Redis for a
 * few milliseconds, not one holding it for as long as the burst.
 */
const MAX_BATCH_ARGS = 30_000;

/**
 * How long the first write of a batch waits for others: at 500 reports a
 * second per replica, about five share a socket write and a script instead of
 * one each. Writes that arrive while a batch is on its way wait for it anyway.
 */
const BATCH_WINDOW_MS = 5;

interface QueuedOperation {
  readonly args: readonly string[];
  readonly settle: (outcome: WriteOutcome) => void;
}

/**
 * The Redis store's writes, in order, one batch at a time: the writes queued
 * while a batch is on its way go out together as the next batch (one
 * `writeBatchScript` call), so under load a round trip and a script carry many
 * reports, and at rest a write goes out BATCH_WINDOW_MS after it came.
 *
 * Every write of the store goes through the queue (one connection, one
 * order), so a later operation on a node never overtakes an earlier one.
 */
export class RedisWriteQueue {
  readonly #send: (args: string[]) => Promise<number[]>;
  readonly #head: readonly string[];
  readonly #afterSend: () => void;
  #queued: QueuedOperation[] = [];
  /** Operations queued or on their way, by node key: a read of the node waits for them (see {@link settled}). */
  readonly #pendingByKey = new Map<string, { count: number; last: Promise<WriteOutcome> }>();
  #pending = 0;
  #inFlight = false;
  #scheduled = false;
  #idle: (() => void)[] = [];

  /**
   * @param send runs `writeBatchScript` with these arguments and returns its reply.
   * @param head the script's first arguments: prefix and replica id.
   * @param afterSend called right after a batch is handed to the connection,
   *   so what is sent next (the events of the batch's reports) follows it.
   */
  constructor(send: (args: string[]) => Promise<number[]>, head: readonly [prefix: string, replicaId: string], afterSend: () => void) {
    this.#send = send;
    this.#head = head;
    this.#afterSend = afterSend;
  }

  /** Operations queued or on their way to Redis. */
  get backlog(): number {
    return this.#pending;
  }

  /** Whether operations wait to be sent (the events of their reports must follow them). */
  get hasUnsent(): boolean {
    return this.#queued.length > 0;
  }

  /** Queues one operation (see `putOperation`, `deleteOperation`) of the node under `key`; settles when its batch's reply arrives. */
  enqueue(key: string, args: readonly string[]): Promise<WriteOutcome> {
    let settle!: (outcome: WriteOutcome) => void;
    const outcome = new Promise<WriteOutcome>((resolve) => (settle = resolve));
    this.#queued.push({ args, settle });
    this.#pending++;
    const entry = this.#pendingByKey.get(key);
    if (entry === undefined) this.#pendingByKey.set(key, { count: 1, last: outcome });
    else {
      entry.count++;
      entry.last = outcome;
    }
    void outcome.then(() => {
      this.#pending--;
      const current = this.#pendingByKey.get(key);
      if (current !== undefined && --current.count === 0) this.#pendingByKey.delete(key);
      if (this.#pending === 0) for (const resolve of this.#idle.splice(0)) resolve();
    });
    this.#schedule();
    return outcome;
  }

  /** Resolves once every operation queued so far on the node under `key` has its reply. */
  async settled(key: string): Promise<void> {
    await this.#pendingByKey.get(key)?.last;
  }

  /** Resolves once every queued operation has its reply. */
  drain(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight) return;
    this.#scheduled = true;
    // A few ms later: the reports of that window ride in one batch (one socket write, one script, one publish).
    setTimeout(() => {
      this.#scheduled = false;
      this.#sendNext();
    }, BATCH_WINDOW_MS);
  }

  #sendNext(): void {
    if (this.#queued.length === 0 || this.#inFlight) return;
    const batch: QueuedOperation[] = [];
    const args: string[] = [...this.#head, ""];
    while (this.#queued.length > 0) {
      const next = this.#queued[0]!;
      if (batch.length > 0 && args.length + next.args.length > MAX_BATCH_ARGS) break;
      this.#queued.shift();
      batch.push(next);
      for (const arg of next.args) args.push(arg);
    }
    args[this.#head.length] = String(batch.length);
    this.#inFlight = true;
    const reply = this.#send(args);
    this.#afterSend();
    void reply
      .then(
        (values) => batch.forEach((operation, i) => operation.settle({ kind: "done", first: Number(values[2 * i]), second: Number(values[2 * i + 1]) })),
        (error: unknown) => {
          const kind = isConnectionError(error) ? "offline" : "failed";
          for (const operation of batch) operation.settle({ kind, error });
        },
      )
      .finally(() => {
        this.#inFlight = false;
        this.#sendNext();
      });
  }
}

/**
 * The arguments of one put (see `writeBatchScript`): the header, then each
 * bulk command's arguments, ready to pass on. `tunnelJson` gives a tunnel's
 * JSON text (the store reuses it for the tunnel's event).
 */
export function putOperation(
  key: string,
  record: NodeRecord,
  mode: PutMode,
  expected: { readonly version: number | undefined; readonly owner: string },
  removed: readonly TunnelRecord[],
  added: readonly TunnelRecord[],
  tunnelJson: (tunnel: TunnelRecord) => string,
): string[] {
  const args = [
    "put",
    key,
    mode,
    expected.version === undefined ? "" : String(expected.version),
    expected.owner,
    String(record.version),
    String(record.epoch),
    record.owner,
    String(record.connectedAt),
    record.state,
    record.graceUntil === undefined ? "" : String(record.graceUntil),
    encodeNodeMeta(record),
    String(removed.length),
    String(added.length),
  ];
  const removedMembers: string[] = [];
  for (const tunnel of removed) {
    args.push(`t:${tunnel.name}`);
    removedMembers.push(indexMember(key, tunnel));
  }
  for (const member of removedMembers) args.push(member);
  const indexPairs: string[] = [];
  for (const tunnel of added) {
    const member = indexMember(key, tunnel);
    args.push(`t:${tunnel.name}`, tunnelValue(member, tunnelJson(tunnel)));
    indexPairs.push("0", member);
  }
  for (const arg of indexPairs) args.push(arg);
  return args;
}

/** The arguments of one delete (see `writeBatchScript`): only if the node has this version, or was last written by this replica. */
export function deleteOperation(key: string, condition: "version" | "replica", value: string): string[] {
  return ["delete", key, condition, value];
}

/** Whether `error` says the connection is gone (the store turns degraded) rather than that Redis refused a command. */
export function isConnectionError(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return /closed|offline|socket|timeout|ECONN|EPIPE|not connected|disconnect/i.test(text);
}
