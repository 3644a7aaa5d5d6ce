/**
 * fast-check arbitraries of valid messages for every primary type (each
 * respects the type's rules), and mutations that break exactly one rule.
 */
import { clone, create, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { anyPack, DurationSchema } from "@bufbuild/protobuf/wkt";
import fc from "fast-check";
import { AddressSchema as AddressV2Schema } from "../../gen/envoy/api/v2/core/address_pb.js";
import { AddressSchema as AddressV3Schema } from "../../gen/envoy/config/core/v3/address_pb.js";
import { ConnectionSchema, Event_ReadSchema, Event_WriteSchema, EventSchema, TraceSchema } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { GrpcClientConfigSchema } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/grpc_client_pb.js";
import {
  ReverseTunnelSchema,
  StreamReverseTunnelsRequestSchema,
  StreamReverseTunnelsResponseSchema,
  TunnelInitiatorIdentitySchema,
} from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { EventReporterConfigSchema, ReverseConnectionReporterClientSchema } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/reporters/event_reporter_pb.js";
import { BadRequestSchema } from "../../gen/google/rpc/error_details_pb.js";

/** An optional member. */
export const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
/** Any text, astral code points included. */
export const text = (minLength = 0, maxLength = 12) => fc.string({ unit: "binary", minLength, maxLength });
const uint32 = fc.integer({ min: 0, max: 0xffffffff });
const port = fc.integer({ min: 0, max: 65535 });
const mode = fc.integer({ min: 0, max: 511 });
/** Small byte strings. */
export const bytes = fc.uint8Array({ maxLength: 64 });
const nonce = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n });
/** Timestamps in the proto3 JSON range, years 0001 to 9999. */
export const timestamp = fc.record({ seconds: fc.bigInt({ min: -62135596800n, max: 253402300799n }), nanos: fc.integer({ min: 0, max: 999_999_999 }) });
/** Durations within Envoy's reporting bounds [25ms, 3600s]. */
const interval = fc.bigInt({ min: 25_000_000n, max: 3_600_000_000_000n }).map((n) => ({ seconds: n / 1_000_000_000n, nanos: Number(n % 1_000_000_000n) }));

const addressV2 = fc.oneof(
  fc.record({
    case: fc.constant("socketAddress" as const),
    value: fc.record({
      protocol: fc.constantFrom(0, 1),
      address: text(1),
      portSpecifier: fc.oneof(fc.record({ case: fc.constant("portValue" as const), value: port }), fc.record({ case: fc.constant("namedPort" as const), value: text() })),
      resolverName: text(),
      ipv4Compat: fc.boolean(),
    }),
  }),
  fc.record({ case: fc.constant("pipe" as const), value: fc.record({ path: text(1), mode }) }),
).map((address) => create(AddressV2Schema, { address }));

/** Any valid v3 address. */
export const addressV3 = fc.oneof(
  fc.record({
    case: fc.constant("socketAddress" as const),
    value: fc.record({
      protocol: fc.constantFrom(0, 1),
      address: text(1),
      portSpecifier: fc.oneof(fc.record({ case: fc.constant("portValue" as const), value: port }), fc.record({ case: fc.constant("namedPort" as const), value: text() })),
      networkNamespaceFilepath: text(),
    }),
  }),
  fc.record({ case: fc.constant("pipe" as const), value: fc.record({ path: text(1), mode }) }),
  fc.record({
    case: fc.constant("envoyInternalAddress" as const),
    value: fc.record({ addressNameSpecifier: fc.record({ case: fc.constant("serverListenerName" as const), value: text() }), endpointId: text() }),
  }),
).map((address) => create(AddressV3Schema, { address }));

const identity = fc.record({ tenantId: text(1, 128), clusterId: text(1, 128), nodeId: text(1, 128) });
const tunnel = fc.record({ name: text(1), identity, createdAt: timestamp });
const node = fc.record({
  id: text(),
  cluster: text(),
  dynamicParameters: fc.dictionary(text(0, 6), fc.record({ params: fc.dictionary(text(0, 4), text()) }), { maxKeys: 2 }),
  locality: opt(fc.record({ region: text(), zone: text(), subZone: text() })),
  userAgentName: text(),
  userAgentVersionType: fc.oneof(
    fc.constant({ case: undefined }),
    fc.record({ case: fc.constant("userAgentVersion" as const), value: text() }),
    fc.record({ case: fc.constant("userAgentBuildVersion" as const), value: fc.record({ version: opt(fc.record({ majorNumber: uint32, minorNumber: uint32, patch: uint32 })) }) }),
  ),
  clientFeatures: fc.array(text(), { maxLength: 3 }),
  listeningAddresses: fc.array(addressV3, { maxLength: 3 }),
});
const grpcClientConfig = fc.record({
  statPrefix: text(),
  cluster: text(1),
  defaultSendInterval: opt(interval),
  connectRetryInterval: opt(interval),
  maxRetries: uint32,
  maxBufferCount: uint32,
});
const reporterClient = fc.record({ name: text(1), typedConfig: grpcClientConfig.map((c) => anyPack(GrpcClientConfigSchema, create(GrpcClientConfigSchema, c))) });
const event = fc.record({
  timestamp: opt(timestamp),
  eventSelector: fc.oneof(
    fc.record({ case: fc.constant("read" as const), value: fc.record({ data: bytes }) }),
    fc.record({ case: fc.constant("write" as const), value: fc.record({ data: bytes, endStream: fc.boolean() }) }),
  ),
});
const connection = fc.record({ id: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), localAddress: opt(addressV2), remoteAddress: opt(addressV2) });

/** A primary type with an arbitrary of its valid messages. */
export interface ValidCase<Desc extends DescMessage = DescMessage> {
  readonly schema: Desc;
  readonly valid: fc.Arbitrary<MessageShape<Desc>>;
  /** Changes that each break exactly one rule, named by the rule id reported. */
  readonly breaks: readonly { readonly ruleId: string; readonly apply: (message: MessageShape<Desc>) => void }[];
}

/** A case of `schema` from an arbitrary of its init objects. */
export function valid<Desc extends DescMessage>(schema: Desc, init: fc.Arbitrary<object>, breaks: ValidCase<Desc>["breaks"]): ValidCase {
  return { schema, valid: init.map((i) => create(schema, i as never)), breaks } as unknown as ValidCase;
}

/** A valid tunnel with some members replaced (`undefined` leaves a member unset). */
const tunnelWith = (init: { name?: string; identity?: { tenantId: string; clusterId: string; nodeId: string } | undefined; createdAt?: { seconds: bigint } | undefined }) =>
  create(ReverseTunnelSchema, {
    ...{ name: "t", identity: { tenantId: "a", clusterId: "b", nodeId: "c" }, createdAt: { seconds: 1n } },
    ...init,
  });

/** One arbitrary of valid messages per primary type of the package, with the single-rule mutations of each. */
export const validCases: readonly ValidCase[] = [
  valid(TraceSchema, fc.record({ connection: opt(connection), events: fc.array(event, { maxLength: 4 }) }), [
    { ruleId: "oneof.required", apply: (m) => void m.events.push(create(EventSchema)) },
    { ruleId: "uint32.lte", apply: (m) => void (m.connection = create(ConnectionSchema, { localAddress: { address: { case: "pipe", value: { path: "/p", mode: 512 } } } })) },
    { ruleId: "string.min_bytes", apply: (m) => void (m.connection = create(ConnectionSchema, { remoteAddress: { address: { case: "pipe", value: { path: "" } } } })) },
  ]),
  valid(ConnectionSchema, connection, [
    { ruleId: "oneof.required", apply: (m) => void (m.localAddress = create(AddressV2Schema)) },
    { ruleId: "enum.defined_only", apply: (m) => void (m.remoteAddress = create(AddressV2Schema, { address: { case: "socketAddress", value: { protocol: 7 as never, address: "a", portSpecifier: { case: "portValue", value: 1 } } } })) },
  ]),
  valid(EventSchema, event, [{ ruleId: "oneof.required", apply: (m) => void (m.eventSelector = { case: undefined }) }]),
  valid(Event_ReadSchema, fc.record({ data: bytes }), []),
  valid(Event_WriteSchema, fc.record({ data: bytes, endStream: fc.boolean() }), []),
  valid(StreamReverseTunnelsRequestSchema, fc.record({ node, addedTunnels: fc.array(tunnel, { maxLength: 3 }), removedTunnelNames: fc.array(text(1), { maxLength: 3 }), fullPush: fc.boolean(), nonce }), [
    { ruleId: "message.required", apply: (m) => void (m.node = undefined) },
    { ruleId: "string.min_len", apply: (m) => void m.addedTunnels.push(tunnelWith({ name: "" })) },
    { ruleId: "string.max_len", apply: (m) => void m.addedTunnels.push(tunnelWith({ identity: { tenantId: "😀".repeat(129), clusterId: "b", nodeId: "c" } })) },
    { ruleId: "timestamp.required", apply: (m) => void m.addedTunnels.push(tunnelWith({ createdAt: undefined })) },
    { ruleId: "message.required", apply: (m) => void m.addedTunnels.push(tunnelWith({ identity: undefined })) },
    { ruleId: "string.min_len", apply: (m) => void m.removedTunnelNames.push("") },
    { ruleId: "int64.gte", apply: (m) => void (m.nonce = -1n - m.nonce) },
    { ruleId: "oneof.required", apply: (m) => void m.node!.listeningAddresses.push(create(AddressV3Schema)) },
  ]),
  valid(StreamReverseTunnelsResponseSchema, fc.record({ nodeId: text(), reportInterval: opt(interval), requestNonce: nonce, errorDetail: opt(fc.record({ code: fc.integer(), message: text(), details: fc.array(text().map((field) => anyPack(BadRequestSchema, create(BadRequestSchema, { fieldViolations: [{ field }] }))), { maxLength: 2 }) })) }), [
    { ruleId: "duration.gte", apply: (m) => void (m.reportInterval = create(DurationSchema, { nanos: 24_999_999 })) },
    { ruleId: "duration.lte", apply: (m) => void (m.reportInterval = create(DurationSchema, { seconds: 3601n })) },
    { ruleId: "int64.gte", apply: (m) => void (m.requestNonce = -1n) },
  ]),
  valid(ReverseTunnelSchema, tunnel, [
    { ruleId: "string.min_len", apply: (m) => void (m.name = "") },
    { ruleId: "message.required", apply: (m) => void (m.identity = undefined) },
    { ruleId: "timestamp.required", apply: (m) => void (m.createdAt = undefined) },
  ]),
  valid(TunnelInitiatorIdentitySchema, identity, [
    { ruleId: "string.min_len", apply: (m) => void (m.nodeId = "") },
    { ruleId: "string.max_len", apply: (m) => void (m.clusterId = "é".repeat(129)) },
  ]),
  valid(GrpcClientConfigSchema, grpcClientConfig, [
    { ruleId: "string.min_len", apply: (m) => void (m.cluster = "") },
    { ruleId: "duration.lte", apply: (m) => void (m.defaultSendInterval = create(DurationSchema, { seconds: 3600n, nanos: 1 })) },
    { ruleId: "duration.gte", apply: (m) => void (m.connectRetryInterval = create(DurationSchema, { nanos: 24_999_999 })) },
  ]),
  valid(ReverseConnectionReporterClientSchema, reporterClient, [
    { ruleId: "string.min_len", apply: (m) => void (m.name = "") },
    { ruleId: "any.required", apply: (m) => void (m.typedConfig = undefined) },
  ]),
  valid(EventReporterConfigSchema, fc.record({ statPrefix: text(), clients: fc.array(reporterClient, { minLength: 1, maxLength: 3 }) }), [
    { ruleId: "repeated.min_items", apply: (m) => void (m.clients = []) },
    { ruleId: "any.required", apply: (m) => void (m.clients[0]!.typedConfig = undefined) },
  ]),
];

/** A message of `c` with one of its breaks applied (to a copy). */
export function broken(c: ValidCase): fc.Arbitrary<{ readonly message: MessageShape<DescMessage>; readonly ruleId: string }> {
  return fc.tuple(c.valid, fc.integer({ min: 0, max: c.breaks.length - 1 })).map(([message, index]) => {
    const copy = clone(c.schema, message);
    const change = c.breaks[index]!;
    change.apply(copy);
    return { message: copy, ruleId: change.ruleId };
  });
}
