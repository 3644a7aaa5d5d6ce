import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { create, fromBinary, isMessage, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createHandlerContext, type ContextValues, type ServiceImpl } from "@connectrpc/connect";
import { grpcStatusOk, setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import {
  ReverseTunnelReportingService,
  StreamReverseTunnelsRequestSchema,
  StreamReverseTunnelsResponseSchema,
  type StreamReverseTunnelsRequest,
} from "../../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";

/** gRPC's binary content types, as Envoy's gRPC client and most stacks send them. */
const binaryContentType = /^application\/grpc(?:\+proto)?$/i;
/** The length-prefix flag of a compressed message. */
const compressedFlag = 0b1;
/** Decoded requests waiting for the service before the stream stops reading from the client (HTTP/2 flow control then holds it). */
const maxQueuedRequests = 8;

/**
 * Whether {@link serveReportingStream} serves this request: the binary gRPC
 * protocol without compression or a deadline, which is what Envoy's client
 * sends. Anything else (JSON, `grpc-encoding`, `grpc-timeout`) goes through
 * Connect's own handler, which negotiates it.
 */
export function servesDirectly(request: Http2ServerRequest): boolean {
  const headers = request.headers;
  const encoding = headers["grpc-encoding"];
  return (
    request.method === "POST" &&
    binaryContentType.test(headers["content-type"] ?? "") &&
    (encoding === undefined || encoding === "identity") &&
    headers["grpc-timeout"] === undefined
  );
}

/** What {@link serveReportingStream} needs besides the request. */
export interface ReportingStreamOptions {
  readonly service: ServiceImpl<typeof ReverseTunnelReportingService>;
  readonly maxMessageBytes: number;
  /** Aborted when the server shuts down (checked when the call starts). */
  readonly shutdownSignal: AbortSignal;
  /**
   * The shutdown callbacks of the calls in flight: the call adds its own while
   * it runs, and the server calls them all at shutdown. One listener on the
   * signal for all calls: an EventTarget checks every listener it holds when
   * one is added, so a listener per call made each connect cost O(calls).
   */
  readonly shutdownCallbacks: Set<(reason: unknown) => void>;
  readonly contextValues: ContextValues;
}

/**
 * Runs one `StreamReverseTunnels` call of the reporting service straight on a
 * Node HTTP/2 stream: length-prefixed messages are split from the request's
 * data events and handed to the service, its responses written as they come.
 * Connect's handler does the same through a pipeline of async iterables, whose
 * pending reads (several promises and iterator states per stream) outlive
 * each report until the next one, a second later, so V8 promotes them and the
 * old generation fills with their garbage; this path keeps one pending read
 * per stream. Errors end the stream as Connect's do, with the same gRPC
 * statuses and messages.
 *
 * Resolves when the response has ended; never rejects.
 */
export async function serveReportingStream(request: Http2ServerRequest, response: Http2ServerResponse, options: ReportingStreamOptions): Promise<void> {
  const requestAbort = new AbortController();
  const context = createHandlerContext({
    service: ReverseTunnelReportingService,
    method: ReverseTunnelReportingService.method.streamReverseTunnels,
    protocolName: "grpc",
    requestMethod: "POST",
    url: `http://${request.authority}${request.url}`,
    requestSignal: requestAbort.signal,
    requestHeader: headersOf(request.headers),
    responseHeader: { "content-type": "application/grpc+proto" },
    responseTrailer: { "grpc-status": grpcStatusOk },
    contextValues: options.contextValues,
  });
  const requests = new RequestQueue(request, options.maxMessageBytes);
  const shutDown = (reason: unknown) => {
    // As Connect's handler does: the context's signal follows the shutdown, and a pending read fails with its reason (UNAVAILABLE).
    context.abort(reason);
    requests.fail(ConnectError.from(reason));
  };
  if (options.shutdownSignal.aborted) shutDown(options.shutdownSignal.reason);
  else options.shutdownCallbacks.add(shutDown);
  request.once("close", () => requestAbort.abort(new ConnectError("the client closed the stream", Code.Canceled)));
  const responses = options.service.streamReverseTunnels(requests, context)[Symbol.asyncIterator]();
  const stream = response.stream;
  try {
    for (;;) {
      const next = await responses.next();
      if (next.done === true) break;
      // A reset stream ends the requests too: the service then finishes (and closes the stream in the registry).
      if (stream.destroyed) continue;
      const message = isMessage(next.value, StreamReverseTunnelsResponseSchema) ? next.value : create(StreamReverseTunnelsResponseSchema, next.value);
      if (!response.headersSent) response.writeHead(200, nodeHeaders(context.responseHeader));
      // Envoy reads its ACKs; one that does not fills the stream's window, and the service then waits (and stops reading the client).
      if (!response.write(envelope(toBinary(StreamReverseTunnelsResponseSchema, message)))) await drainedOrClosed(response);
    }
  } catch (reason) {
    const error = reason instanceof ConnectError ? reason : new ConnectError("internal error", Code.Internal, undefined, undefined, reason);
    context.abort(error);
    setTrailerStatus(context.responseTrailer, error);
  } finally {
    options.shutdownCallbacks.delete(shutDown);
    requests.stop();
  }
  if (stream.destroyed) return;
  try {
    if (!response.headersSent) response.writeHead(200, nodeHeaders(context.responseHeader));
    response.addTrailers(nodeHeaders(context.responseTrailer));
    response.end();
  } catch {
    // The stream closed in between: nothing is left to tell the client.
  }
}

/**
 * The requests of one stream as the service reads them: split from the
 * request's data events as they arrive, decoded, queued. Reading pauses while
 * `maxQueuedRequests` wait; the iteration ends when the client half-closes or
 * resets the stream, and fails with Connect's error for a bad message, or with
 * `UNAVAILABLE` once the server shuts down (see `fail`).
 */
class RequestQueue implements AsyncIterable<StreamReverseTunnelsRequest> {
  readonly #request: Http2ServerRequest;
  readonly #maxMessageBytes: number;
  readonly #items: StreamReverseTunnelsRequest[] = [];
  /** Bytes received and not yet split into messages. */
  #pending: Buffer | undefined;
  #ended = false;
  #error: ConnectError | undefined;
  #waiting: { resolve: (result: IteratorResult<StreamReverseTunnelsRequest>) => void; reject: (error: unknown) => void } | undefined;
  readonly #onData = (chunk: Buffer) => this.#receive(chunk);
  readonly #onEnd = () => this.#end();

  constructor(request: Http2ServerRequest, maxMessageBytes: number) {
    this.#request = request;
    this.#maxMessageBytes = maxMessageBytes;
    request.on("data", this.#onData);
    // Over HTTP/2 a reset ends the request just as a half-close does (see StreamEndReason).
    request.once("end", this.#onEnd);
    request.once("close", this.#onEnd);
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamReverseTunnelsRequest> {
    return {
      next: () => this.#next(),
      return: () => {
        this.stop();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  /** Stops reading: the service is done with the stream. */
  stop(): void {
    this.#ended = true;
    this.#items.length = 0;
    this.#request.off("data", this.#onData);
    this.#settle();
  }

  #next(): Promise<IteratorResult<StreamReverseTunnelsRequest>> {
    const item = this.#items.shift();
    if (item !== undefined) {
      if (this.#items.length < maxQueuedRequests && this.#request.isPaused()) this.#request.resume();
      return Promise.resolve({ done: false, value: item });
    }
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  #receive(chunk: Buffer): void {
    if (this.#ended || this.#error !== undefined) return;
    let buffer = this.#pending === undefined ? chunk : Buffer.concat([this.#pending, chunk]);
    while (buffer.length >= 5) {
      const length = buffer.readUInt32BE(1);
      if (length > this.#maxMessageBytes) {
        this.fail(new ConnectError(`message size ${length} is larger than configured readMaxBytes ${this.#maxMessageBytes}`, Code.ResourceExhausted));
        return;
      }
      if (buffer.length < 5 + length) break;
      if ((buffer[0]! & compressedFlag) === compressedFlag) {
        this.fail(new ConnectError("received compressed envelope, but do not know how to decompress", Code.Internal));
        return;
      }
      let message: StreamReverseTunnelsRequest;
      try {
        message = fromBinary(StreamReverseTunnelsRequestSchema, buffer.subarray(5, 5 + length));
      } catch (error) {
        this.fail(new ConnectError(`parse binary: ${error instanceof Error ? error.message : String(error)}`, Code.Internal));
        return;
      }
      buffer = buffer.subarray(5 + length);
      this.#items.push(message);
    }
    this.#pending = buffer.length === 0 ? undefined : buffer;
    if (this.#items.length >= maxQueuedRequests) this.#request.pause();
    this.#settle();
  }

  #end(): void {
    if (this.#ended) return;
    if (this.#pending !== undefined) {
      this.fail(new ConnectError("protocol error: incomplete envelope", Code.InvalidArgument));
      return;
    }
    this.#ended = true;
    this.#settle();
  }

  /** Fails the iteration with `error` once the queued requests are read (a bad message, the server's shutdown). */
  fail(error: ConnectError): void {
    if (this.#error !== undefined || this.#ended) return;
    this.#error = error;
    this.#request.off("data", this.#onData);
    this.#settle();
  }

  /** Answers a pending read, if there is one and something to answer it with. */
  #settle(): void {
    const waiting = this.#waiting;
    if (waiting === undefined) return;
    const item = this.#items.shift();
    if (item !== undefined) waiting.resolve({ done: false, value: item });
    else if (this.#error !== undefined) waiting.reject(this.#error);
    else if (this.#ended) waiting.resolve({ done: true, value: undefined });
    else return;
    this.#waiting = undefined;
  }
}

/** A gRPC length-prefixed message: flags 0 (uncompressed), the 4-byte big-endian length, the bytes. */
function envelope(bytes: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(5 + bytes.length);
  framed[0] = 0;
  framed.writeUInt32BE(bytes.length, 1);
  framed.set(bytes, 5);
  return framed;
}

/** Resolves when `response` can take more data, or its stream is gone. */
function drainedOrClosed(response: Http2ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.stream.off("close", done);
      resolve();
    };
    response.once("drain", done);
    response.stream.once("close", done);
  });
}

function headersOf(nodeHeaders: Http2ServerRequest["headers"]): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(nodeHeaders)) {
    if (name.startsWith(":") || value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

function nodeHeaders(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => (result[name] = value));
  return result;
}
