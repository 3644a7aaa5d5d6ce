/**
 * One process of the benchmark's reporter fleet (bench/reporter-fleet.ts
 * starts one or more). It speaks the gRPC protocol over HTTP/2 to the server
 * under test, one `node:http2` connection per reporter as Envoys would hold,
 * and behaves like Envoy's client (the reporting protocol as `ReporterClient`
 * implements it) in everything the server sees: a full push with nonce 1 on every
 * (re)connect, a diff every interval with the nonce + 1, a reset and a
 * reconnect after the retry interval on a NACK, on any close, and when more
 * than `maxRetries` requests are unacknowledged, and `report_interval` from an
 * ACK obeyed. What it leaves out is what only costs the load generator time:
 * Connect's per-message pipeline (async iterables, promises, envelopes), the
 * ReporterClient's events and stats (both tested with ReporterClient itself).
 * Messages are still encoded and decoded with the package's generated schemas.
 *
 * Plain JavaScript on the built package (dist/), like the server child.
 *
 * argv[2] is a JSON configuration: `{ ports, firstStream, streams,
 * tunnelsPerStream, intervalMs, startSpreadMs, connectRetryIntervalMs,
 * maxRetries }`. Over IPC it sends `{ type: "warm" }` once every one of its
 * streams had its first full push ACKed, and answers the parent's messages:
 * `measure` (start recording ACK latencies and event-loop delay), `report`
 * (stop, and send `{ type: "result", ... }`) and `close` (end the streams
 * and exit).
 */
import { connect, constants } from "node:http2";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  ReverseTunnelReportingService,
  StreamReverseTunnelsRequestSchema,
  StreamReverseTunnelsResponseSchema,
} from "../dist/gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";

const config = JSON.parse(process.argv[2] ?? "{}");
const { ports, firstStream, streams, tunnelsPerStream, intervalMs, startSpreadMs, connectRetryIntervalMs, maxRetries } = config;
const path = `/${ReverseTunnelReportingService.typeName}/${ReverseTunnelReportingService.method.streamReverseTunnels.name}`;
const requestHeaders = {
  [constants.HTTP2_HEADER_METHOD]: "POST",
  [constants.HTTP2_HEADER_PATH]: path,
  [constants.HTTP2_HEADER_CONTENT_TYPE]: "application/grpc+proto",
  [constants.HTTP2_HEADER_TE]: "trailers",
};

let measuring = false;
let closing = false;
/** ACK latencies (ms) recorded in the measured window. */
let latencies = [];
let acks = 0;
let nacks = 0;
/** Disconnects by Envoy's stat name, counted over the whole run. */
const disconnects = { max_retries_exceeded: 0, nack_received: 0, remote_close: 0, stream_creation_failed: 0 };
const eventLoopDelay = monitorEventLoopDelay({ resolution: 5 });
let unwarmed = streams;
/** Streams whose first full push was not ACKed when the measured window started. */
let unwarmedAtMeasure = 0;

/** The length-prefixed gRPC message: flags 0 (uncompressed), a 4-byte big-endian length, the bytes. */
function frame(message) {
  const bytes = toBinary(StreamReverseTunnelsRequestSchema, message);
  const framed = Buffer.allocUnsafe(5 + bytes.length);
  framed[0] = 0;
  framed.writeUInt32BE(bytes.length, 1);
  framed.set(bytes, 5);
  return framed;
}

/** One reporting Envoy: its tunnels, its connection and its current stream. */
class Reporter {
  constructor(index) {
    this.index = index;
    this.port = ports[index % ports.length];
    this.node = { id: `bench-${index}`, cluster: "bench" };
    /** Active tunnels by name, in the order they were added (the oldest is churned first). */
    this.active = new Map();
    this.serial = 0;
    this.queuedAdds = [];
    this.queuedRemoves = [];
    this.session = undefined;
    this.stream = undefined;
    this.intervalMs = intervalMs;
    this.warm = false;
    for (let t = 0; t < tunnelsPerStream; t++) this.add(false);
  }

  add(queue) {
    const serial = ++this.serial;
    const tenantId = `tenant-${serial % 4}`;
    const nodeId = `bench-${this.index}-downstream-${serial}`;
    const tunnel = { name: `${tenantId}:${nodeId}`, identity: { tenantId, clusterId: "downstream", nodeId }, createdAt: timestampFromMs(Date.now()) };
    this.active.set(tunnel.name, tunnel);
    if (queue) this.queuedAdds.push(tunnel);
  }

  /** 1% churn: the oldest tunnel goes, a new one comes. Runs whether or not a stream is up, as tunnels do. */
  churn() {
    const oldest = this.active.keys().next().value;
    this.active.delete(oldest);
    this.queuedRemoves.push(oldest);
    this.add(true);
  }

  connect() {
    if (closing) return;
    if (this.session === undefined || this.session.closed || this.session.destroyed) {
      const session = connect(`http://127.0.0.1:${this.port}`);
      session.on("error", () => undefined);
      session.on("close", () => {
        if (this.session === session) this.session = undefined;
      });
      this.session = session;
    }
    let stream;
    try {
      stream = this.session.request(requestHeaders);
    } catch {
      this.disconnect(undefined, "stream_creation_failed");
      return;
    }
    const state = { stream, nonce: 0, acked: 0, sentAt: new Map(), responded: false, pending: Buffer.alloc(0) };
    this.stream = state;
    stream.on("data", (chunk) => this.receive(state, chunk));
    stream.on("error", () => undefined);
    stream.on("close", () => this.disconnect(state, state.responded ? "remote_close" : "stream_creation_failed"));
    // The full push replaces whatever was queued for the previous stream.
    this.queuedAdds = [];
    this.queuedRemoves = [];
    this.send(state, true);
  }

  send(state, fullPush) {
    const nonce = ++state.nonce;
    const request = create(StreamReverseTunnelsRequestSchema, {
      node: this.node,
      fullPush,
      nonce: BigInt(nonce),
      addedTunnels: fullPush ? [...this.active.values()] : this.queuedAdds,
      removedTunnelNames: fullPush ? [] : this.queuedRemoves,
    });
    this.queuedAdds = [];
    this.queuedRemoves = [];
    state.sentAt.set(nonce, performance.now());
    state.stream.write(frame(request));
  }

  /** The send interval's tick: churn, then Envoy's check of unacknowledged requests, then a diff. */
  tick() {
    this.churn();
    const state = this.stream;
    if (state === undefined) return;
    if (state.nonce - state.acked > maxRetries) {
      this.disconnect(state, "max_retries_exceeded");
      return;
    }
    this.send(state, false);
  }

  receive(state, chunk) {
    if (this.stream !== state) return;
    state.responded = true;
    let buffer = state.pending.length === 0 ? chunk : Buffer.concat([state.pending, chunk]);
    while (buffer.length >= 5) {
      const length = buffer.readUInt32BE(1);
      if (buffer.length < 5 + length) break;
      const response = fromBinary(StreamReverseTunnelsResponseSchema, buffer.subarray(5, 5 + length));
      buffer = buffer.subarray(5 + length);
      this.respond(state, response);
      if (this.stream !== state) return;
    }
    state.pending = buffer;
  }

  respond(state, response) {
    const nonce = Number(response.requestNonce);
    if (response.errorDetail !== undefined) {
      if (measuring) nacks++;
      this.disconnect(state, "nack_received");
      return;
    }
    // An ACK for a nonce never sent or at or below the acknowledged one is ignored, as Envoy does.
    if (nonce > state.nonce || nonce <= state.acked) return;
    state.acked = nonce;
    const sentAt = state.sentAt.get(nonce);
    for (const sent of state.sentAt.keys()) if (sent <= nonce) state.sentAt.delete(sent);
    if (measuring) {
      acks++;
      latencies.push(performance.now() - sentAt);
    }
    if (!this.warm) {
      this.warm = true;
      if (--unwarmed === 0) process.send({ type: "warm" });
    }
    const interval = response.reportInterval;
    if (interval !== undefined) this.retime(Math.max(1, Number(interval.seconds) * 1000 + interval.nanos / 1e6));
  }

  /** Leaves `state` (if it is still the current stream) and reconnects after the retry interval. */
  disconnect(state, reason) {
    if (this.stream !== state) return;
    this.stream = undefined;
    if (state !== undefined && !state.stream.destroyed) state.stream.close(constants.NGHTTP2_CANCEL);
    if (closing) return;
    disconnects[reason]++;
    setTimeout(() => this.connect(), connectRetryIntervalMs);
  }

  start() {
    this.connect();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
  }

  /** `report_interval` from an ACK: the next sends follow it, as Envoy's do. */
  retime(ms) {
    if (ms === this.intervalMs) return;
    this.intervalMs = ms;
    clearInterval(this.timer);
    this.timer = setInterval(() => this.tick(), ms);
  }

  close() {
    clearInterval(this.timer);
    const state = this.stream;
    this.stream = undefined;
    if (state !== undefined && !state.stream.destroyed) state.stream.close(constants.NGHTTP2_CANCEL);
    this.session?.close();
  }
}

const reporters = [];
for (let i = 0; i < streams; i++) {
  const reporter = new Reporter(firstStream + i);
  reporters.push(reporter);
  // Streams start spread over one interval, as a fleet of Envoys would not all start in the same millisecond.
  setTimeout(() => reporter.start(), (i * startSpreadMs) / streams);
}

process.on("message", (message) => {
  if (message === "measure") {
    measuring = true;
    unwarmedAtMeasure = unwarmed;
    eventLoopDelay.enable();
  } else if (message === "report") {
    measuring = false;
    eventLoopDelay.disable();
    const ms = (nanoseconds) => nanoseconds / 1e6;
    process.send({
      type: "result",
      acks,
      nacks,
      latencies,
      disconnects,
      unwarmedAtMeasure,
      delay: { p50: ms(eventLoopDelay.percentile(50)), p99: ms(eventLoopDelay.percentile(99)), max: ms(eventLoopDelay.max) },
    });
    latencies = [];
  } else if (message === "close") {
    closing = true;
    for (const reporter of reporters) reporter.close();
    setTimeout(() => process.exit(0), 500).unref();
    process.disconnect();
  }
});
