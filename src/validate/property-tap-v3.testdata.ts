/**
 * fast-check arbitraries of valid `envoy.data.tap.v3` messages (and the v3
 * header messages they hold), with mutations that break exactly one rule.
 */
import { create } from "@bufbuild/protobuf";
import fc from "fast-check";
import { AddressSchema } from "../../gen/envoy/config/core/v3/address_pb.js";
import { HeaderMapSchema, HeaderValueSchema } from "../../gen/envoy/config/core/v3/base_pb.js";
import { BodySchema, ConnectionSchema } from "../../gen/envoy/data/tap/v3/common_pb.js";
import { HttpBufferedTrace_MessageSchema, HttpBufferedTraceSchema, HttpStreamedTraceSegmentSchema } from "../../gen/envoy/data/tap/v3/http_pb.js";
import {
  SocketBufferedTraceSchema,
  SocketEvent_ClosedSchema,
  SocketEvent_ReadSchema,
  SocketEvent_WriteSchema,
  SocketEventSchema,
  SocketEventsSchema,
  SocketStreamedTraceSegmentSchema,
} from "../../gen/envoy/data/tap/v3/transport_pb.js";
import { TraceWrapperSchema } from "../../gen/envoy/data/tap/v3/wrapper_pb.js";
import { addressV3, bytes, opt, text, timestamp, valid, type ValidCase } from "./property.testdata.js";

const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
/** Text without NUL, CR or LF: what Envoy's non-strict header patterns allow. */
const headerText = (minLength = 0) => text(minLength).map((s) => s.replace(/[\0\r\n]/g, "_")).filter((s) => s.length >= minLength);
const headerValue = fc.record({ key: headerText(1), value: headerText(), rawValue: bytes });
const headerMap = fc.record({ headers: fc.array(headerValue, { maxLength: 3 }) });
const body = fc.record({
  bodyType: fc.oneof(
    fc.constant({ case: undefined }),
    fc.record({ case: fc.constant("asBytes" as const), value: bytes }),
    fc.record({ case: fc.constant("asString" as const), value: text() }),
  ),
  truncated: fc.boolean(),
});
const connection = fc.record({ localAddress: opt(addressV3), remoteAddress: opt(addressV3) });
const socketEvent = fc.record({
  timestamp: opt(timestamp),
  eventSelector: fc.oneof(
    fc.constant({ case: undefined }),
    fc.record({ case: fc.constant("read" as const), value: fc.record({ data: opt(body) }) }),
    fc.record({ case: fc.constant("write" as const), value: fc.record({ data: opt(body), endStream: fc.boolean() }) }),
    fc.record({ case: fc.constant("closed" as const), value: fc.constant({}) }),
  ),
  connection: opt(connection),
  seqNum: uint64,
});
const socketBuffered = fc.record({ traceId: uint64, connection: opt(connection), events: fc.array(socketEvent, { maxLength: 3 }), readTruncated: fc.boolean(), writeTruncated: fc.boolean() });
const socketStreamed = fc.record({
  traceId: uint64,
  messagePiece: fc.oneof(
    fc.constant({ case: undefined }),
    fc.record({ case: fc.constant("connection" as const), value: connection }),
    fc.record({ case: fc.constant("event" as const), value: socketEvent }),
    fc.record({ case: fc.constant("events" as const), value: fc.record({ events: fc.array(socketEvent, { maxLength: 3 }) }) }),
  ),
});
const httpMessage = fc.record({ headers: fc.array(headerValue, { maxLength: 3 }), body: opt(body), trailers: fc.array(headerValue, { maxLength: 2 }), headersReceivedTime: opt(timestamp) });
const httpBuffered = fc.record({ request: opt(httpMessage), response: opt(httpMessage), downstreamConnection: opt(connection), upstreamConnection: opt(connection) });
const piece = <C extends string, V>(name: C, value: fc.Arbitrary<V>) => fc.record({ case: fc.constant(name), value });
const httpStreamed = fc.record({
  traceId: uint64,
  messagePiece: fc.oneof(
    fc.constant({ case: undefined }),
    piece("requestHeaders", headerMap),
    piece("requestBodyChunk", body),
    piece("requestTrailers", headerMap),
    piece("responseHeaders", headerMap),
    piece("responseBodyChunk", body),
    piece("responseTrailers", headerMap),
  ),
});
const wrapper = fc.record({
  trace: fc.oneof(
    piece("httpBufferedTrace", httpBuffered),
    piece("httpStreamedTraceSegment", httpStreamed),
    piece("socketBufferedTrace", socketBuffered),
    piece("socketStreamedTraceSegment", socketStreamed),
  ),
});

const badHeader = (init: { key?: string; value?: string; rawValue?: Uint8Array }) => create(HeaderValueSchema, { key: "k", ...init });

/** One case per v3 tap type and per v3 header type. */
export const tapV3Cases: readonly ValidCase[] = [
  valid(TraceWrapperSchema, wrapper, [{ ruleId: "oneof.required", apply: (m) => void (m.trace = { case: undefined }) }]),
  valid(HttpBufferedTraceSchema, httpBuffered, [
    { ruleId: "string.well_known_regex", apply: (m) => void (m.request = create(HttpBufferedTrace_MessageSchema, { headers: [badHeader({ key: "a\nb" })] })) },
    { ruleId: "string.min_len", apply: (m) => void (m.response = create(HttpBufferedTrace_MessageSchema, { trailers: [badHeader({ key: "" })] })) },
  ]),
  valid(HttpBufferedTrace_MessageSchema, httpMessage, [
    { ruleId: "bytes.max_len", apply: (m) => void m.headers.push(badHeader({ rawValue: new Uint8Array(16385) })) },
    { ruleId: "string.max_bytes", apply: (m) => void m.trailers.push(badHeader({ value: "é".repeat(8193) })) },
  ]),
  valid(HttpStreamedTraceSegmentSchema, httpStreamed, [
    { ruleId: "string.well_known_regex", apply: (m) => void (m.messagePiece = { case: "responseHeaders", value: create(HeaderMapSchema, { headers: [badHeader({ value: "x\0" })] }) }) },
  ]),
  valid(SocketBufferedTraceSchema, socketBuffered, [
    { ruleId: "oneof.required", apply: (m) => void (m.connection = create(ConnectionSchema, { localAddress: {} })) },
  ]),
  valid(SocketStreamedTraceSegmentSchema, socketStreamed, [
    { ruleId: "string.min_len", apply: (m) => void (m.messagePiece = { case: "connection", value: create(ConnectionSchema, { remoteAddress: { address: { case: "pipe", value: { path: "" } } } }) }) },
  ]),
  valid(SocketEventSchema, socketEvent, []),
  valid(SocketEventsSchema, fc.record({ events: fc.array(socketEvent, { maxLength: 3 }) }), []),
  valid(SocketEvent_ReadSchema, fc.record({ data: opt(body) }), []),
  valid(SocketEvent_WriteSchema, fc.record({ data: opt(body), endStream: fc.boolean() }), []),
  valid(SocketEvent_ClosedSchema, fc.constant({}), []),
  valid(BodySchema, body, []),
  valid(ConnectionSchema, connection, [{ ruleId: "oneof.required", apply: (m) => void (m.localAddress = create(AddressSchema)) }]),
  valid(HeaderValueSchema, headerValue, [
    { ruleId: "string.min_len", apply: (m) => void (m.key = "") },
    { ruleId: "string.well_known_regex", apply: (m) => void (m.key = "a\rb") },
    { ruleId: "string.well_known_regex", apply: (m) => void (m.value = "\n") },
    { ruleId: "bytes.max_len", apply: (m) => void (m.rawValue = new Uint8Array(16385)) },
  ]),
];
