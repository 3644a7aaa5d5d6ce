import type { HeaderValue } from "../../gen/envoy/config/core/v3/base_pb.js";
import type { Body } from "../../gen/envoy/data/tap/v3/common_pb.js";
import type { HttpBufferedTrace, HttpStreamedTraceSegment } from "../../gen/envoy/data/tap/v3/http_pb.js";
import { concatChunks } from "../fault/framing.js";
import { nanos } from "./trace-items.js";
import type { TapEvent } from "./model.js";

/** One HTTP message as the tap recorded it: headers, body chunks, trailers. */
interface HttpPart {
  headers: HeaderValue[];
  body: Uint8Array[];
  trailers: HeaderValue[] | undefined;
  truncated: boolean;
  time: bigint | undefined;
}

const encoder = new TextEncoder();

/**
 * Turns an HTTP trace (headers and bodies, not socket bytes) into the
 * socket events of an HTTP/1.1 exchange: the request as a read (client →
 * Envoy), the response as a write. Pseudo-headers become the request line
 * (`:method`, `:path`, `:authority` as Host) and the status line
 * (`:status`); a message with trailers is sent chunked, any other with a
 * Content-Length of its recorded body (which may differ from the original
 * when the body was truncated: the capture shows what was recorded).
 * Streamed traces carry no timestamps: events get `base`, `base + 1 µs`, ….
 */
export function synthesizeHttp(messages: readonly (HttpBufferedTrace | HttpStreamedTraceSegment)[], base: bigint): TapEvent[] {
  const request: HttpPart = { headers: [], body: [], trailers: undefined, truncated: false, time: undefined };
  const response: HttpPart = { headers: [], body: [], trailers: undefined, truncated: false, time: undefined };
  let sawResponse = false;
  for (const message of messages) {
    if (message.$typeName === "envoy.data.tap.v3.HttpBufferedTrace") {
      if (message.request !== undefined) fill(request, message.request.headers, message.request.body, message.request.trailers, nanos(message.request.headersReceivedTime));
      if (message.response !== undefined) {
        sawResponse = true;
        fill(response, message.response.headers, message.response.body, message.response.trailers, nanos(message.response.headersReceivedTime));
      }
      continue;
    }
    const piece = message.messagePiece;
    switch (piece.case) {
      case "requestHeaders":
        request.headers.push(...piece.value.headers);
        break;
      case "requestBodyChunk":
        fill(request, [], piece.value, [], undefined);
        break;
      case "requestTrailers":
        request.trailers = [...(request.trailers ?? []), ...piece.value.headers];
        break;
      case "responseHeaders":
        sawResponse = true;
        response.headers.push(...piece.value.headers);
        break;
      case "responseBodyChunk":
        sawResponse = true;
        fill(response, [], piece.value, [], undefined);
        break;
      case "responseTrailers":
        sawResponse = true;
        response.trailers = [...(response.trailers ?? []), ...piece.value.headers];
        break;
      default:
        break;
    }
  }
  const events: TapEvent[] = [];
  const requestTime = request.time ?? base;
  events.push(event("read", serialize(request, "request"), requestTime, request.truncated));
  if (sawResponse) events.push(event("write", serialize(response, "response"), response.time ?? requestTime + 1000n, response.truncated));
  return events;
}

function fill(part: HttpPart, headers: readonly HeaderValue[], body: Body | undefined, trailers: readonly HeaderValue[], time: bigint | undefined): void {
  part.headers.push(...headers);
  if (trailers.length > 0) part.trailers = [...(part.trailers ?? []), ...trailers];
  if (body !== undefined) {
    const member = body.bodyType;
    if (member.case === "asBytes") part.body.push(member.value);
    else if (member.case === "asString") part.body.push(encoder.encode(member.value));
    part.truncated ||= body.truncated;
  }
  if (time !== undefined && part.time === undefined) part.time = time;
}

function event(type: "read" | "write", data: Uint8Array, timestamp: bigint, truncated: boolean): TapEvent {
  return { timestamp, type, data, endStream: false, truncated, seqNum: undefined };
}

function headerText(header: HeaderValue): string {
  return header.value !== "" || header.rawValue.length === 0 ? header.value : new TextDecoder("latin1").decode(header.rawValue);
}

function serialize(part: HttpPart, kind: "request" | "response"): Uint8Array {
  const pseudo = new Map<string, string>();
  const lines: string[] = [];
  for (const header of part.headers) {
    if (header.key.startsWith(":")) pseudo.set(header.key, headerText(header));
  }
  if (kind === "request") {
    lines.push(`${pseudo.get(":method") ?? "GET"} ${pseudo.get(":path") ?? "/"} HTTP/1.1`);
    if (pseudo.has(":authority")) lines.push(`host: ${pseudo.get(":authority")}`);
  } else {
    lines.push(`HTTP/1.1 ${pseudo.get(":status") ?? "200"} ${pseudo.get(":status") === undefined ? "(status not recorded)" : "-"}`);
  }
  const bodyLength = part.body.reduce((sum, chunk) => sum + chunk.length, 0);
  const chunked = part.trailers !== undefined;
  for (const header of part.headers) {
    const key = header.key.toLowerCase();
    if (key.startsWith(":") || key === "content-length" || key === "transfer-encoding" || (kind === "request" && key === "host" && pseudo.has(":authority"))) continue;
    lines.push(`${header.key}: ${headerText(header)}`);
  }
  lines.push(chunked ? "transfer-encoding: chunked" : `content-length: ${bodyLength}`);
  const parts: Uint8Array[] = [encoder.encode(`${lines.join("\r\n")}\r\n\r\n`)];
  if (chunked) {
    for (const chunk of part.body) if (chunk.length > 0) parts.push(encoder.encode(`${chunk.length.toString(16)}\r\n`), chunk, encoder.encode("\r\n"));
    const trailerLines = part.trailers!.map((h) => `${h.key}: ${headerText(h)}\r\n`).join("");
    parts.push(encoder.encode(`0\r\n${trailerLines}\r\n`));
  } else parts.push(...part.body);
  return concatChunks(parts, parts.reduce((sum, p) => sum + p.length, 0));
}
