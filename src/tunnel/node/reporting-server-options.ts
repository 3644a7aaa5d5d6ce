import type { AuthorizeHook, ReportingServiceHooks, TunnelRegistry, TunnelStore } from "../index.js";

/** TLS material for the gRPC port, as PEM text or bytes. */
export interface ReportingServerTls {
  /** The server's private key (PEM). */
  readonly key: string | Uint8Array;
  /** The server's certificate chain (PEM). */
  readonly cert: string | Uint8Array;
  /**
   * CA certificates (PEM) that client certificates must chain to. When set,
   * every reporter must present a valid client certificate (mutual TLS) and
   * the TLS handshake refuses those that do not; the certificate's subject
   * and subject alternative names reach the authorization hook as the
   * stream's `PeerIdentity`. By default, no client certificate is asked for.
   */
  readonly clientCa?: string | Uint8Array;
}

/**
 * The HTTP/2 SETTINGS the gRPC port sends by default, chosen for a server that
 * holds thousands of long-lived, low-traffic connections (one per Envoy, one
 * stream each, a small report every few seconds):
 *
 * - `maxConcurrentStreams: 100`: Envoy opens one reporting stream per
 *   connection; 100 (the least RFC 9113 recommends) bounds what one
 *   connection can open, where Node's default is unlimited.
 * - `initialWindowSize: 65535` (HTTP/2's default, stated): what one stream may
 *   send before the server reads it, so the memory a stream can make the
 *   server buffer stays at 64 KiB per stream however large its message.
 * - `maxHeaderListSize: 16384`: Envoy's request headers are well under 1 KiB;
 *   Node's default lets each connection send 64 KiB of them.
 * - `headerTableSize: 4096` (the default, stated): the HPACK table each
 *   connection keeps per direction; a larger one would cost every connection.
 *
 * Measured (bench/reporting-server.child.mjs, BENCHMARKS.md): nghttp2 keeps
 * about 22 KiB per idle connection with these settings; the JavaScript side of
 * a reporting stream (Connect's pipeline) costs more, see README.md.
 */
export const defaultHttp2Settings: Readonly<ReportingServerHttp2Settings> = Object.freeze({
  maxConcurrentStreams: 100,
  initialWindowSize: 65_535,
  maxHeaderListSize: 16_384,
  headerTableSize: 4_096,
});

/**
 * HTTP/2 SETTINGS the gRPC port sends (RFC 9113 section 6.5.2), named as
 * Node's `http2.Settings` names them (declared here so that using the server
 * needs no Node types).
 */
export interface ReportingServerHttp2Settings {
  readonly headerTableSize?: number;
  readonly initialWindowSize?: number;
  readonly maxFrameSize?: number;
  readonly maxConcurrentStreams?: number;
  readonly maxHeaderListSize?: number;
}

/** HTTP/2 tuning of the gRPC port. */
export interface ReportingServerHttp2Options {
  /** SETTINGS to send, each one replacing the same one of {@link defaultHttp2Settings}. */
  readonly settings?: ReportingServerHttp2Settings;
  /**
   * Node's limit (in MB) on the memory nghttp2 may hold for one connection
   * (queued frames, header tables) before the connection is refused further
   * streams. By default, Node's (10).
   */
  readonly maxSessionMemory?: number;
}

/** One line of the server's log: a stream event, a refused request, a failure. */
export interface ReportingServerLogEntry {
  readonly level: "info" | "warn" | "error";
  /** A short event name: `stream-opened`, `stream-closed`, `node-connected`, `node-expired`, `refused`, ... */
  readonly event: string;
  readonly message: string;
}

/** Options of {@link startReportingServer}. Every option has a default. */
export interface ReportingServerOptions {
  /** The address both ports listen on. By default, `127.0.0.1`. */
  readonly host?: string;
  /** The gRPC port (HTTP/2). By default, 0: a free port chosen by the system. */
  readonly grpcPort?: number;
  /** The port of the plain HTTP views (`/healthz`, `/tunnels`, `/nodes`, `/metrics`, `/events`, `/`). By default, 0. */
  readonly httpPort?: number;
  /** HTTP/2 settings of the gRPC port. By default, {@link defaultHttp2Settings}. */
  readonly http2?: ReportingServerHttp2Options;
  /** TLS for the gRPC port (h2). By default, none: cleartext HTTP/2 (h2c), as Envoy speaks to a cluster without a transport socket. */
  readonly tls?: ReportingServerTls;
  /**
   * Decides whether a stream may report (after its first request arrives, before
   * it is applied); throw a `ConnectError` with `Code.Unauthenticated` or
   * `Code.PermissionDenied` to refuse it. By default, every stream may report.
   */
  readonly authorize?: AuthorizeHook;
  /** The largest request message accepted, in bytes; a larger one ends its stream with `RESOURCE_EXHAUSTED`. By default, 4 MiB (gRPC's usual limit). */
  readonly maxMessageBytes?: number;
  /** The most tunnels one node may hold (a larger report is NACKed `RESOURCE_EXHAUSTED`). By default, the registry's (100 000). */
  readonly maxTunnelsPerNode?: number;
  /** The most reporting streams open at once across all connections; a stream past it is refused with `RESOURCE_EXHAUSTED`. By default, 10 000. */
  readonly maxStreams?: number;
  /** The `report_interval` (ms) sent in each stream's first ACK. By default, none: reporters keep their own interval. */
  readonly reportIntervalMs?: number;
  /** How long (ms) a node's tunnels outlive its stream, awaiting the reconnect's full push. By default, 30 000. */
  readonly graceMs?: number;
  /** How long (ms) a stream may stay open after a NACK before the server ends it. By default, the service's (30 000). */
  readonly nackCloseTimeoutMs?: number;
  /**
   * How long `close()` waits for clients to leave after the streams are ended
   * before it destroys the remaining connections. By default, 5 000 ms.
   */
  readonly shutdownTimeoutMs?: number;
  /** Use this registry instead of creating one (then `store`, `graceMs`, `reportIntervalMs` and `maxTunnelsPerNode` are ignored). */
  readonly registry?: TunnelRegistry;
  /** The store of the registry the server creates. By default, a `MemoryTunnelStore`. */
  readonly store?: TunnelStore;
  /** Observers of the reporting service, called besides the server's own (logs and metrics). */
  readonly hooks?: ReportingServiceHooks;
  /** Receives one entry per stream event and per problem. By default, nothing is logged. */
  readonly log?: (entry: ReportingServerLogEntry) => void;
}

/** A running reporting server. */
export interface ReportingServer {
  /** The gRPC port actually bound. */
  readonly grpcPort: number;
  /** The HTTP views' port actually bound. */
  readonly httpPort: number;
  /** The registry the streams report to. */
  readonly registry: TunnelRegistry;
  /**
   * Shuts down gracefully: stops accepting connections and streams (HTTP/2
   * GOAWAY), ends the open streams with `UNAVAILABLE` so reporters reconnect
   * elsewhere, waits up to `shutdownTimeoutMs` for clients to go, then
   * destroys what is left and closes the HTTP views. Calling it twice is harmless.
   */
  close(): Promise<void>;
}
