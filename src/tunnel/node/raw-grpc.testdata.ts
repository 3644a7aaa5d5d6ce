import { connect, type ClientHttp2Session, type ClientHttp2Stream, type SecureClientSessionOptions } from "node:http2";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  StreamReverseTunnelsRequestSchema,
  StreamReverseTunnelsResponseSchema,
  type StreamReverseTunnelsRequest,
  type StreamReverseTunnelsResponse,
} from "../../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";

/** The path of the reporting method, as a gRPC client requests it. */
export const methodPath = "/envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.ReverseTunnelReportingService/StreamReverseTunnels";

/** A gRPC length-prefixed message: flags byte 0, big-endian 32-bit length, then the bytes. */
export function grpcFrame(payload: Uint8Array, declaredLength = payload.length, flags = 0): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(flags, 0);
  header.writeUInt32BE(declaredLength, 1);
  return Buffer.concat([header, payload]);
}

/** A request encoded as one gRPC frame. */
export function requestFrame(request: StreamReverseTunnelsRequest): Buffer {
  return grpcFrame(toBinary(StreamReverseTunnelsRequestSchema, request));
}

/** An HTTP/2 connection to the gRPC port, speaking gRPC by hand. */
export function connectRaw(port: number, options: SecureClientSessionOptions = {}): ClientHttp2Session {
  const session = connect(`http://127.0.0.1:${port}`, options);
  session.on("error", () => undefined);
  return session;
}

/** What came back on one raw stream. */
export interface RawCallResult {
  readonly grpcStatus: number | undefined;
  readonly grpcMessage: string | undefined;
  readonly responses: StreamReverseTunnelsResponse[];
}

/**
 * Opens a reporting stream on `session` (with `extraHeaders` added to the
 * request's) and collects its responses. `done`
 * resolves when the server's side of the stream ends (then the stream is
 * closed), with the gRPC status from the trailers (or the headers of a
 * trailers-only answer).
 */
export function openRawStream(
  session: ClientHttp2Session,
  extraHeaders: Readonly<Record<string, string>> = {},
): { stream: ClientHttp2Stream; responses: StreamReverseTunnelsResponse[]; done: Promise<RawCallResult> } {
  const stream = session.request({ ":method": "POST", ":path": methodPath, "content-type": "application/grpc", te: "trailers", ...extraHeaders });
  const responses: StreamReverseTunnelsResponse[] = [];
  let grpcStatus: number | undefined;
  let grpcMessage: string | undefined;
  const readStatus = (headers: Record<string, unknown>) => {
    if (headers["grpc-status"] !== undefined) grpcStatus = Number(headers["grpc-status"]);
    if (headers["grpc-message"] !== undefined) grpcMessage = decodeURIComponent(String(headers["grpc-message"]));
  };
  stream.on("response", readStatus);
  stream.on("trailers", readStatus);
  stream.on("error", () => undefined);
  let buffer = Buffer.alloc(0);
  stream.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 5 && buffer.length >= 5 + buffer.readUInt32BE(1)) {
      const length = buffer.readUInt32BE(1);
      responses.push(fromBinary(StreamReverseTunnelsResponseSchema, buffer.subarray(5, 5 + length)));
      buffer = buffer.subarray(5 + length);
    }
  });
  // The server's side ends with its status; the client's side may still be blocked writing what the server no longer reads.
  const done = new Promise<RawCallResult>((resolve) => {
    const finish = () => {
      resolve({ grpcStatus, grpcMessage, responses });
      if (!stream.closed) stream.close();
    };
    stream.on("end", finish);
    stream.on("close", finish);
  });
  return { stream, responses, done };
}
