import type { Http2ServerRequest, Http2ServerResponse, ServerHttp2Stream } from "node:http2";
import { Code, ConnectError, createConnectRouter, createContextValues, type ServiceImpl } from "@connectrpc/connect";
import { universalRequestFromNodeRequest, universalResponseToNodeResponse } from "@connectrpc/connect-node";
import { ReverseTunnelReportingService } from "../../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { peerIdentityKey } from "../index.js";
import { peerIdentityOf } from "./peer-identity-of.js";
import { serveReportingStream, servesDirectly } from "./serve-reporting-stream.js";
import type { ReportingServerLogEntry } from "./reporting-server-options.js";
import { grpcCodeName, type ServerMetrics } from "./server-metrics.js";

/** Options of {@link createGrpcHandler}. */
export interface GrpcHandlerOptions {
  readonly service: ServiceImpl<typeof ReverseTunnelReportingService>;
  readonly maxMessageBytes: number;
  readonly maxStreams: number;
  /** Aborted when the server shuts down: every handler's signal follows it. */
  readonly shutdownSignal: AbortSignal;
  readonly metrics: ServerMetrics;
  readonly log: (entry: ReportingServerLogEntry) => void;
}

/** The gRPC port's request handler and what it knows about the streams in flight. */
export interface GrpcHandler {
  readonly handle: (request: Http2ServerRequest, response: Http2ServerResponse) => void;
  /** The HTTP/2 streams of the reporting calls in flight. */
  readonly streams: ReadonlySet<ServerHttp2Stream>;
}

/**
 * Serves `ReverseTunnelReportingService` over the gRPC protocol only (Envoy's
 * gRPC client speaks nothing else), like `connectNodeAdapter` but with the
 * server's own answers for what never reaches the service: a stream past the
 * server's limit or during shutdown gets a trailers-only gRPC error, another
 * path `UNIMPLEMENTED`, and a handler failure is a log entry instead of
 * `console.error` with a stack trace. A call in the binary gRPC protocol
 * without compression or deadline (what Envoy sends) runs directly on the
 * HTTP/2 stream (serve-reporting-stream.ts); other calls go through Connect's
 * handler.
 */
export function createGrpcHandler(options: GrpcHandlerOptions): GrpcHandler {
  const router = createConnectRouter({
    grpc: true,
    grpcWeb: false,
    connect: false,
    readMaxBytes: options.maxMessageBytes,
    shutdownSignal: options.shutdownSignal,
  });
  router.service(ReverseTunnelReportingService, options.service);
  const handlers = new Map(router.handlers.map((handler) => [handler.requestPath, handler]));
  const streams = new Set<ServerHttp2Stream>();
  const shutdownCallbacks = new Set<(reason: unknown) => void>();
  options.shutdownSignal.addEventListener(
    "abort",
    () => {
      for (const shutDown of shutdownCallbacks) shutDown(options.shutdownSignal.reason);
    },
    { once: true },
  );
  const handle = (request: Http2ServerRequest, response: Http2ServerResponse) => {
    const path = (request.url ?? "").split("?", 1)[0] ?? "";
    const handler = handlers.get(path);
    if (handler === undefined) {
      refuse(response, Code.Unimplemented, `no method ${path}; this server serves ${[...handlers.keys()].join(", ")}`);
      return;
    }
    if (options.shutdownSignal.aborted) {
      options.metrics.streamRefused("shutting-down");
      refuse(response, Code.Unavailable, "the server is shutting down");
      return;
    }
    if (streams.size >= options.maxStreams) {
      options.metrics.streamRefused("max-streams");
      options.log({ level: "warn", event: "refused", message: `stream refused: ${streams.size} streams open, the limit is ${options.maxStreams}` });
      refuse(response, Code.ResourceExhausted, `the server holds its limit of ${options.maxStreams} reporting streams`);
      return;
    }
    const stream = request.stream;
    streams.add(stream);
    stream.once("close", () => streams.delete(stream));
    const contextValues = createContextValues().set(peerIdentityKey, peerIdentityOf(stream.session?.socket));
    if (servesDirectly(request)) {
      void serveReportingStream(request, response, { service: options.service, maxMessageBytes: options.maxMessageBytes, shutdownSignal: options.shutdownSignal, shutdownCallbacks, contextValues });
      return;
    }
    const universalRequest = universalRequestFromNodeRequest(request, response, undefined, contextValues);
    const body = universalRequest.body as AsyncIterable<Uint8Array>;
    handler({ ...universalRequest, body: untilShutdown(body, options.shutdownSignal) })
      .then((universalResponse) => universalResponseToNodeResponse(universalResponse, response))
      .catch((reason: unknown) => {
        // A client that resets its stream or drops its connection is ordinary here.
        const error = ConnectError.from(reason);
        if (error.code === Code.Aborted || error.code === Code.Canceled || stream.destroyed) return;
        options.log({ level: "warn", event: "stream-failed", message: `stream failed: ${grpcCodeName(error.code)}: ${error.rawMessage}` });
        if (!stream.destroyed) stream.close();
      });
  };
  return { handle, streams };
}

/**
 * The request body, failing with the shutdown signal's reason (`UNAVAILABLE`)
 * once the server shuts down: a service waiting for the next request then
 * ends its stream at once, instead of when the client next writes.
 */
async function* untilShutdown(body: AsyncIterable<Uint8Array>, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  const iterator = body[Symbol.asyncIterator]();
  // One abort listener per stream, failing whichever read is pending: a
  // listener added and removed per read cost an EventTarget entry per
  // message, and racing each read against one promise that settles only at
  // shutdown would collect a reaction per message on it.
  let failPendingRead: ((reason: unknown) => void) | undefined;
  const onAbort = () => failPendingRead?.(ConnectError.from(signal.reason));
  signal.addEventListener("abort", onAbort, { once: true });
  let finished = false;
  try {
    for (;;) {
      if (signal.aborted) throw ConnectError.from(signal.reason);
      const next = await new Promise<IteratorResult<Uint8Array>>((resolve, reject) => {
        failPendingRead = reject;
        iterator.next().then(resolve, reject);
      });
      failPendingRead = undefined;
      if (next.done === true) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    // Not awaited: a body iterator with a read pending would finish returning only after that read.
    if (!finished) Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}

/** A trailers-only gRPC response: HTTP 200 with `grpc-status` in the headers. */
function refuse(response: Http2ServerResponse, code: Code, message: string): void {
  if (response.headersSent || response.stream.destroyed) return;
  response.writeHead(200, {
    "content-type": "application/grpc",
    "grpc-status": String(code),
    "grpc-message": encodeURIComponent(message),
  });
  response.end();
}
