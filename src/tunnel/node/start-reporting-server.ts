import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { constants as http2Constants, createSecureServer, createServer as createH2cServer, type Http2Server, type Http2SecureServer, type ServerHttp2Session } from "node:http2";
import { setMaxListeners } from "node:events";
import type { AddressInfo } from "node:net";
import { Code, ConnectError } from "@connectrpc/connect";
import { createReportingService, formatNodeKey, startExpiryTimer, TunnelRegistry, type ReportingServiceHooks } from "../index.js";
import { createEventStreams } from "./event-stream.js";
import { createGrpcHandler } from "./grpc-handler.js";
import { createHttpViews } from "./http-views.js";
import { defaultHttp2Settings, type ReportingServer, type ReportingServerLogEntry, type ReportingServerOptions } from "./reporting-server-options.js";
import { createServerMetrics } from "./server-metrics.js";

const defaultMaxMessageBytes = 4 * 2 ** 20;
const defaultMaxStreams = 10_000;
const defaultShutdownTimeoutMs = 5_000;
/** How long the service gets to end its streams after the shutdown signal, before the server resets them. */
const streamEndWaitMs = 1_000;

/**
 * Starts a reverse tunnel reporting server: `StreamReverseTunnels` over gRPC
 * on HTTP/2 (h2c, or h2 with `tls`), reporting to a {@link TunnelRegistry},
 * and plain HTTP views of the registry on a second port (`GET /healthz`,
 * `/tunnels`, `/nodes`, `/metrics`, `/events` and the status page `/`).
 *
 * The server never ends a healthy stream by itself (Envoy counts any close as
 * a failure); it ends streams only on `close()`, after refusing new ones.
 *
 * @throws when a port cannot be bound or the TLS material is unusable.
 */
export async function startReportingServer(options: ReportingServerOptions = {}): Promise<ReportingServer> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? (() => undefined);
  const registry =
    options.registry ??
    new TunnelRegistry({
      ...(options.store === undefined ? {} : { store: options.store }),
      ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }),
      ...(options.reportIntervalMs === undefined ? {} : { reportIntervalMs: options.reportIntervalMs }),
      ...(options.maxTunnelsPerNode === undefined ? {} : { maxTunnelsPerNode: options.maxTunnelsPerNode }),
    });
  const metrics = createServerMetrics(registry);
  const shutdown = new AbortController();
  // Every stream through Connect's handler listens for the shutdown (twice: its handler context and its request body); that is not a leak. Envoy's calls share one listener (grpc-handler.ts).
  setMaxListeners(0, shutdown.signal);
  const service = createReportingService(registry, {
    ...(options.authorize === undefined ? {} : { authorize: options.authorize }),
    ...(options.nackCloseTimeoutMs === undefined ? {} : { nackCloseTimeoutMs: options.nackCloseTimeoutMs }),
    hooks: serverHooks(options.hooks, metrics, log),
  });
  const grpc = createGrpcHandler({
    service,
    maxMessageBytes: options.maxMessageBytes ?? defaultMaxMessageBytes,
    maxStreams: options.maxStreams ?? defaultMaxStreams,
    shutdownSignal: shutdown.signal,
    metrics,
    log,
  });
  const http2Options = {
    settings: { ...defaultHttp2Settings, ...options.http2?.settings },
    ...(options.http2?.maxSessionMemory === undefined ? {} : { maxSessionMemory: options.http2.maxSessionMemory }),
  };
  const grpcServer: Http2Server | Http2SecureServer =
    options.tls === undefined
      ? createH2cServer(http2Options, grpc.handle)
      : createSecureServer(
          {
            ...http2Options,
            key: toBuffer(options.tls.key),
            cert: toBuffer(options.tls.cert),
            ...(options.tls.clientCa === undefined ? {} : { ca: toBuffer(options.tls.clientCa), requestCert: true, rejectUnauthorized: true }),
            allowHTTP1: false,
          },
          grpc.handle,
        );
  const sessions = new Set<ServerHttp2Session>();
  grpcServer.on("session", (session: ServerHttp2Session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
    // A connection's failure (garbage bytes, a reset) is that connection's alone; "sessionError" logs it.
    session.on("error", () => undefined);
  });
  grpcServer.on("sessionError", (error: Error) => log({ level: "warn", event: "connection-error", message: `connection failed: ${error.message}` }));
  grpcServer.on("tlsClientError", (error: Error) => log({ level: "warn", event: "tls-refused", message: `TLS handshake refused: ${error.message}` }));

  const events = createEventStreams(registry);
  let closing = false;
  const httpServer = createHttpServer(createHttpViews({ registry, metrics, events, closing: () => closing }));
  const unsubscribe = registry.subscribe((event) => {
    const node = formatNodeKey(event.node);
    if (event.type === "node-connected") log({ level: "info", event: event.type, message: `node ${node} connected on stream ${event.streamId} (epoch ${event.epoch})` });
    else if (event.type === "node-disconnected") log({ level: "info", event: event.type, message: `node ${node} disconnected; its tunnels are kept until ${new Date(event.graceUntil).toISOString()}` });
    else if (event.type === "node-expired") log({ level: "info", event: event.type, message: `node ${node} expired with ${event.tunnelCount} tunnels` });
  });
  const stopExpiry = startExpiryTimer(registry, {
    onError: (error) => log({ level: "error", event: "expiry-failed", message: `grace period expiry failed: ${String(error)}` }),
  });

  try {
    await listen(grpcServer, options.grpcPort ?? 0, host);
    await listen(httpServer, options.httpPort ?? 0, host);
  } catch (error) {
    unsubscribe();
    stopExpiry();
    grpcServer.close();
    httpServer.close();
    throw error;
  }

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      closing = true;
      const shutdownTimeoutMs = options.shutdownTimeoutMs ?? defaultShutdownTimeoutMs;
      // 1. Stop accepting: no new connections, GOAWAY on open ones (no new streams).
      const grpcClosed = new Promise<void>((resolve) => grpcServer.close(() => resolve()));
      for (const session of sessions) session.close();
      // 2. End the open streams with UNAVAILABLE, so reporters reconnect elsewhere.
      shutdown.abort(new ConnectError("the server is shutting down", Code.Unavailable));
      await waitUntil(() => grpc.streams.size === 0, Math.min(streamEndWaitMs, shutdownTimeoutMs));
      for (const stream of grpc.streams) if (!stream.destroyed) stream.close(http2Constants.NGHTTP2_CANCEL);
      // 3. Give clients time to go, then cut what is left.
      await waitUntil(() => sessions.size === 0, shutdownTimeoutMs);
      for (const session of sessions) session.destroy();
      await grpcClosed;
      stopExpiry();
      unsubscribe();
      events.closeAll();
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
      log({ level: "info", event: "closed", message: "server closed" });
    })();
    return closed;
  };

  return {
    grpcPort: (grpcServer.address() as AddressInfo).port,
    httpPort: (httpServer.address() as AddressInfo).port,
    registry,
    close,
  };
}

/** The server's own observers (log lines, metrics), then the caller's. */
function serverHooks(
  user: ReportingServiceHooks | undefined,
  metrics: ReturnType<typeof createServerMetrics>,
  log: (entry: ReportingServerLogEntry) => void,
): ReportingServiceHooks {
  return {
    streamOpened(info) {
      metrics.streamOpened();
      log({ level: "info", event: "stream-opened", message: `stream ${info.streamId} opened${info.peer?.address === undefined ? "" : ` from ${info.peer.address}`}${info.peer?.subject === undefined ? "" : ` (${info.peer.subject})`}` });
      user?.streamOpened?.(info);
    },
    requestApplied(info) {
      metrics.requestApplied(info.response, info.durationMs);
      if (info.response.errorDetail !== undefined) {
        log({ level: "warn", event: "nack", message: `stream ${info.streamId}: NACK nonce ${info.request.nonce}: ${info.response.errorDetail.message}` });
      }
      user?.requestApplied?.(info);
    },
    streamClosed(info) {
      metrics.streamClosed(info.reason);
      const node = info.node === undefined ? "" : ` (node ${formatNodeKey(info.node)})`;
      const cause = info.error === undefined ? "" : `: ${ConnectError.from(info.error).rawMessage}`;
      log({ level: info.reason === "internal-error" ? "error" : "info", event: "stream-closed", message: `stream ${info.streamId}${node} closed: ${info.reason}${cause}` });
      user?.streamClosed?.(info);
    },
  };
}

function toBuffer(value: string | Uint8Array): Buffer {
  return typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value);
}

function listen(server: HttpServer | Http2Server | Http2SecureServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}
