import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type {
  ReverseTunnelReportingService,
  StreamReverseTunnelsRequest,
  StreamReverseTunnelsResponse,
} from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { systemClock, systemTimers, type Clock, type Timers } from "./clock.js";
import type { NodeKey } from "./node-key.js";
import type { PeerIdentity } from "./peer-identity.js";
import type { TunnelRegistry } from "./tunnel-registry.js";

/** What the authorization hook sees before a stream's first request is applied. */
export interface AuthorizeContext {
  /** The peer as the server identified it (`peerIdentityKey`), or `undefined`. */
  readonly peer: PeerIdentity | undefined;
  /** The node named by the stream's first request. */
  readonly node: NodeKey;
  /** The stream's first request. */
  readonly request: StreamReverseTunnelsRequest;
  readonly streamId: string;
  /** The Connect handler context (headers, signal, protocol). */
  readonly handlerContext: HandlerContext;
}

/**
 * Decides whether a stream may report. Throw a `ConnectError` (typically
 * `Code.Unauthenticated` or `Code.PermissionDenied`) to end the stream with
 * that error before anything is applied; return to allow it.
 */
export type AuthorizeHook = (context: AuthorizeContext) => void | Promise<void>;

/** Why a stream ended, as the service saw it. */
export type StreamEndReason =
  /** The client half-closed its side. */
  | "client-closed"
  /** The client reset the stream or the connection went away. */
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
  /** By default, the host's clock (used for `durationMs`). */
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
  void registry;
  void options;
  void systemClock;
  void systemTimers;
  throw new Error("not implemented");
}
