import { create, fromJson, toBinary, toJsonString, type DescMessage, type Message } from "@bufbuild/protobuf";
import { anyPack, DurationSchema, StructSchema, TimestampSchema, ValueSchema, AnySchema } from "@bufbuild/protobuf/wkt";
import { ConnectionSchema, EventSchema, TraceSchema } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { NodeSchema } from "../../gen/envoy/config/core/v3/base_pb.js";
import { GrpcClientConfigSchema } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/grpc_client_pb.js";
import {
  ReverseTunnelSchema,
  StreamReverseTunnelsRequestSchema,
  StreamReverseTunnelsResponseSchema,
} from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { EventReporterConfigSchema } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/reporters/event_reporter_pb.js";
import { StatusSchema } from "../../gen/google/rpc/status_pb.js";
import { ContextParamsSchema } from "../../gen/xds/core/v3/context_params_pb.js";
import { registry } from "../../src/registry.js";
import { fullRequest, fullResponse, fullTrace } from "../full-messages.testdata.js";

/** A valid message of one of the package's primary types, the start of every mutation. */
export interface Seed {
  readonly schema: DescMessage;
  readonly message: Message;
}

function seed<Desc extends DescMessage>(schema: Desc, init: Parameters<typeof create<Desc>>[1]): Seed {
  return { schema, message: create(schema, init) };
}

const grpcClient = create(GrpcClientConfigSchema, {
  statPrefix: "reverse_tunnels",
  cluster: "tunnel-registry",
  defaultSendInterval: { seconds: 5n },
  connectRetryInterval: { seconds: 7n, nanos: 500_000_000 },
  maxRetries: 5,
  maxBufferCount: 1_000_000,
});

/** Node metadata as Envoy users write it: every kind of Struct value. */
const metadataJson = { region: "eu-west-1", weight: 0.25, canary: true, nothing: null, tags: ["a", 2, { k: [] }], nested: { deep: "ü", empty: {} } };
const metadata = fromJson(StructSchema, metadataJson);

/** Any payloads of every kind the registry unpacks, and one prefix that is not Google's. */
const packed = [
  anyPack(GrpcClientConfigSchema, grpcClient),
  anyPack(DurationSchema, create(DurationSchema, { seconds: 7n, nanos: 500_000_000 })),
  anyPack(TimestampSchema, create(TimestampSchema, { seconds: 1_700_000_000n, nanos: 5 })),
  anyPack(StructSchema, metadata),
  anyPack(ValueSchema, create(ValueSchema, { kind: { case: "stringValue", value: "v" } })),
  anyPack(AnySchema, anyPack(DurationSchema, create(DurationSchema, { seconds: 1n }))),
  { ...anyPack(DurationSchema, create(DurationSchema, { seconds: 2n })), typeUrl: "example.com/types/google.protobuf.Duration" },
];

/** The seeds: every primary type, each with its optional parts filled. */
export const seeds: readonly Seed[] = [
  { schema: TraceSchema, message: fullTrace },
  { schema: ConnectionSchema, message: fullTrace.connection! },
  { schema: EventSchema, message: fullTrace.events[1]! },
  { schema: EventSchema, message: fullTrace.events[0]! },
  { schema: StreamReverseTunnelsRequestSchema, message: fullRequest },
  { schema: StreamReverseTunnelsResponseSchema, message: fullResponse },
  { schema: ReverseTunnelSchema, message: fullRequest.addedTunnels[1]! },
  { schema: NodeSchema, message: fullRequest.node! },
  seed(NodeSchema, { id: "n", metadata: metadataJson, dynamicParameters: { "type.googleapis.com/x.Y": { params: { a: "b", c: "" } } } }),
  { schema: GrpcClientConfigSchema, message: grpcClient },
  seed(EventReporterConfigSchema, {
    statPrefix: "reporters",
    clients: [
      { name: "grpc", typedConfig: packed[0]! },
      { name: "duration", typedConfig: packed[1]! },
      { name: "struct", typedConfig: packed[3]! },
    ],
  }),
  seed(StatusSchema, { code: 3, message: "nack", details: packed }),
  { schema: StructSchema, message: metadata },
  seed(ContextParamsSchema, { params: { env: "prod", shard: "3", "": "empty key" } }),
  seed(StreamReverseTunnelsResponseSchema, { requestNonce: 1n, reportInterval: { nanos: 25_000_000 } }),
];

/** The seeds in binary, as protobuf-es writes them. */
export const binarySeeds = seeds.map((s) => ({ typeName: s.schema.typeName, schema: s.schema, bytes: toBinary(s.schema, s.message) }));

/** The seeds in proto3 JSON, each with JSON names and with proto names. */
export const jsonSeeds = seeds.flatMap((s) =>
  [false, true].map((useProtoFieldName) => ({
    typeName: s.schema.typeName,
    schema: s.schema,
    value: JSON.parse(toJsonString(s.schema, s.message, { registry, useProtoFieldName })) as unknown,
  })),
);
