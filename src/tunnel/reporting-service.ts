import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import type {
  ReverseTunnelReportingService,
  StreamReverseTunnelsRequest,
  StreamReverseTunnelsResponse,
} from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { systemTimers, type Clock, type TimerHandle, type Timers } from "./clock.js";
import { formatNodeKey, nodeKeyOf, type NodeKey } from "./node-key.js";
import { peerIdentityKey, type PeerIdentity } from "./peer-identity.js";
import type { TunnelRegistry } from "./tunnel-registry.js";

/** What the authorization hook sees before a stream's first request is applied. */
export interface AuthorizeContext {
  /** The peer as the server identified it (`peerIdentityKey`), or `undefined`. */
  readonly peer: PeerIdentity | undefined;
  /** The node the request names (the stream's first request, or a later one naming another node). */
  readonly node: NodeKey;
  /** The request about to be applied. */
  readonly request: StreamReverseTunnelsRequest;
  readonly streamId: string;
  /** The Connect handler context (headers, signal, protocol). */
  readonly handlerContext: HandlerContext;
}

/**
 * Decides whether a stream may report; called before the stream's first
 * request is applied, and again before a later request that names another
 * node (which the registry then refuses anyway), so a stream can never report
 * for a node the hook has not seen. A request without a node is presented with
 * an empty id and cluster. Throw a `ConnectError` (typically
 * `Code.Unauthenticated` or `Code.PermissionDenied`) to end the stream with
 * that error before anything is applied; return to allow it.
 */
export type AuthorizeHook = (context: AuthorizeContext) => void | Promise<void>;

/** Why a stream ended, as the service saw it. */
export type StreamEndReason =
  /**
   * The request side ended: the client half-closed or reset the stream (over
   * HTTP/2 a reset ends Node's request body just as a half-close does).
   */
  | "client-closed"
  /** Reading the requests failed (a broken connection, an undecodable message). */
  | "aborted"
  /** The authorization hook refused the stream. */
  | "unauthorized"
  /** The stream was not reset within `nackCloseTimeoutMs` after a NACK. */
  | "nack-timeout"
  /** The registry's store failed. */
  | "internal-error";

/** Observers a server uses for logs and metrics. Exceptions thrown by them are caught and ignored. */
export interface ReportingServiceHooks {
  /** A stream arrived (before its first request). */
  streamOpened?(info: { readonly streamId: string; readonly peer: PeerIdentity | undefined }): void;
  /** A request was applied; `durationMs` is the time `registry.apply` took, by the service's clock. */
  requestApplied?(info: {
    readonly streamId: string;
    readonly request: StreamReverseTunnelsRequest;
    readonly response: StreamReverseTunnelsResponse;
    readonly durationMs: number;
  }): void;
  /** A stream ended; the registry's `close` has been called. */
  streamClosed?(info: { readonly streamId: string; readonly node: NodeKey | undefined; readonly reason: StreamEndReason; readonly error?: unknown }): void;
}

/** Options of {@link createReportingService}. */
export interface ReportingServiceOptions {
  /** Called before a stream's first request is applied. By default, every stream is allowed. */
  readonly authorize?: AuthorizeHook;
  /**
   * How long a stream stays open after a NACK, waiting for the client to reset
   * it (Envoy does at once), before the server ends it with `FAILED_PRECONDITION`.
   * An ACK on the stream in between cancels the timeout. By default, 30 000 ms.
   */
  readonly nackCloseTimeoutMs?: number;
  /** Makes stream ids unique across servers sharing a store. By default, a random string per service. */
  readonly streamIdPrefix?: string;
  readonly hooks?: ReportingServiceHooks;
  /** Times `durationMs`. By default, `performance.now()` (monotonic, sub-millisecond). */
  readonly clock?: Clock;
  /** By default, the host's timers (used for the NACK timeout). */
  readonly timers?: Timers;
}

/**
 * The Connect implementation of `ReverseTunnelReportingService`: register it
 * with `router.service(ReverseTunnelReportingService, createReportingService(registry))`.
 *
 * Each stream gets an id; each request is applied by the registry and its
 * response sent. The service never ends a healthy stream: it ends one only
 * after the client half-closes, after the authorization hook refuses it, when
 * a NACK is not followed by a reset within `nackCloseTimeoutMs`, or when the
 * store fails (`INTERNAL`). However a stream ends, the registry's `close`
 * is called, starting the node's grace period.
 */
export function createReportingService(
  registry: TunnelRegistry,
  options: ReportingServiceOptions = {},
): ServiceImpl<typeof ReverseTunnelReportingService> {
  const clock = options.clock ?? monotonicClock;
  const timers = options.timers ?? systemTimers;
  const nackCloseTimeoutMs = options.nackCloseTimeoutMs ?? 30_000;
  const prefix = options.streamIdPrefix ?? randomPrefix();
  const hooks = options.hooks ?? {};
  let streamCount = 0;

  async function* streamReverseTunnels(
    requests: AsyncIterable<StreamReverseTunnelsRequest>,
    context: HandlerContext,
  ): AsyncGenerator<StreamReverseTunnelsResponse> {
    const streamId = `${prefix}-${++streamCount}`;
    const peer = context.values.get(peerIdentityKey);
    safely(() => hooks.streamOpened?.({ streamId, peer }));
    const iterator = requests[Symbol.asyncIterator]();
    // A NACK arms a timer; the stream ends if the client has not reset it by then.
    let nackTimer: TimerHandle | undefined;
    let nackTimedOut: (() => void) | undefined;
    const nackTimeout = new Promise<"nack-timeout">((resolve) => {
      nackTimedOut = () => resolve("nack-timeout");
    });
    let authorizedKey: string | undefined;
    let node: NodeKey | undefined;
    let reason: StreamEndReason = "client-closed";
    let endError: unknown;
    try {
      for (;;) {
        let next: IteratorResult<StreamReverseTunnelsRequest> | "nack-timeout";
        try {
          next = nackTimer === undefined ? await iterator.next() : await Promise.race([iterator.next(), nackTimeout]);
        } catch (error) {
          // Connect's own error (a bad frame, an oversized or undecodable
          // message) goes back to the client as the stream's status.
          reason = "aborted";
          throw error;
        }
        if (next === "nack-timeout") {
          reason = "nack-timeout";
          throw new ConnectError(`the stream was not reset within ${nackCloseTimeoutMs}ms of a NACK`, Code.FailedPrecondition);
        }
        if (next.done === true) return;
        const request = next.value;
        const requestNode = nodeKeyOf(request.node ?? { id: "", cluster: "" });
        const requestKey = formatNodeKey(requestNode);
        if (options.authorize !== undefined && requestKey !== authorizedKey) {
          try {
            await options.authorize({ peer, node: requestNode, request, streamId, handlerContext: context });
          } catch (error) {
            reason = "unauthorized";
            throw error instanceof ConnectError ? error : new ConnectError(String(error instanceof Error ? error.message : error), Code.PermissionDenied);
          }
          authorizedKey = requestKey;
        }
        const started = clock.now();
        let response: StreamReverseTunnelsResponse;
        try {
          response = await registry.apply(streamId, request);
        } catch (error) {
          reason = "internal-error";
          throw new ConnectError("the tunnel registry failed", Code.Internal, undefined, undefined, error);
        }
        const durationMs = clock.now() - started;
        if (response.errorDetail === undefined) {
          node ??= requestNode;
          if (nackTimer !== undefined) timers.clearTimeout(nackTimer);
          nackTimer = undefined;
        } else if (nackTimer === undefined) {
          nackTimer = timers.setTimeout(() => nackTimedOut?.(), nackCloseTimeoutMs);
        }
        safely(() => hooks.requestApplied?.({ streamId, request, response, durationMs }));
        yield response;
      }
    } catch (error) {
      endError = error;
      throw error;
    } finally {
      if (nackTimer !== undefined) timers.clearTimeout(nackTimer);
      await registry.close(streamId);
      safely(() => hooks.streamClosed?.({ streamId, node, reason, ...(endError === undefined ? {} : { error: endError }) }));
    }
  }

  return { streamReverseTunnels };
}

/** Durations need a monotonic source with sub-millisecond steps; `Date.now()` would round most applies to 0. */
const monotonicClock: Clock = { now: () => globalThis.performance.now() };

/** Runs an observer, ignoring its failure: a broken log line must not break a stream. */
function safely(observe: () => void): void {
  try {
    observe();
  } catch {
    // Ignored on purpose (see ReportingServiceHooks).
  }
}

/** A short random prefix so stream ids of two servers sharing a store never collide. */
function randomPrefix(): string {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
