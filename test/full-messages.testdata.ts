import { create } from "@bufbuild/protobuf";
import { anyPack, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { TraceSchema } from "../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { AddressSchema as AddressV2Schema, SocketAddress_Protocol as ProtocolV2 } from "../gen/envoy/api/v2/core/address_pb.js";
import { AddressSchema as AddressV3Schema, SocketAddress_Protocol as ProtocolV3 } from "../gen/envoy/config/core/v3/address_pb.js";
import {
  StreamReverseTunnelsRequestSchema,
  StreamReverseTunnelsResponseSchema,
} from "../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { BadRequestSchema } from "../gen/google/rpc/error_details_pb.js";

/** Every byte value once, so byte escaping in every encoding is exercised. */
export const allByteValues = Uint8Array.from({ length: 256 }, (_, i) => i);

/**
 * A Trace that sets every field of Trace, Connection, Event, Event.Read,
 * Event.Write and of both v2 Address members, with 64-bit extremes.
 */
export const fullTrace = create(TraceSchema, {
  connection: {
    id: 18446744073709551615n,
    localAddress: create(AddressV2Schema, {
      address: {
        case: "socketAddress",
        value: {
          protocol: ProtocolV2.UDP,
          address: "2001:db8::1",
          portSpecifier: { case: "portValue", value: 10000 },
          resolverName: "envoy.resolvers.custom",
          ipv4Compat: true,
        },
      },
    }),
    remoteAddress: create(AddressV2Schema, { address: { case: "pipe", value: { path: "/run/envoy/tap.sock", mode: 0o644 } } }),
  },
  events: [
    {
      timestamp: { seconds: 1525207293n, nanos: 216737962 },
      eventSelector: { case: "read", value: { data: allByteValues } },
    },
    {
      timestamp: { seconds: 1525207293n, nanos: 230450657 },
      eventSelector: { case: "write", value: { data: new TextEncoder().encode("HTTP/1.1 200 OK\r\n\r\nhé"), endStream: true } },
    },
    {
      timestamp: { seconds: 1525207294n, nanos: 0 },
      eventSelector: { case: "write", value: { data: new Uint8Array(0), endStream: false } },
    },
  ],
});

/** A report whose Node fills every field, map and oneof member type once. */
export const fullRequest = create(StreamReverseTunnelsRequestSchema, {
  node: {
    id: "edge-7f3a",
    cluster: "edge-eu-west",
    metadata: {
      fields: {
        region: { kind: { case: "stringValue", value: "eu-west-1" } },
        weight: { kind: { case: "numberValue", value: 0.25 } },
        canary: { kind: { case: "boolValue", value: true } },
        nothing: { kind: { case: "nullValue", value: 0 } },
        tags: {
          kind: {
            case: "listValue",
            value: { values: [{ kind: { case: "stringValue", value: "a" } }, { kind: { case: "numberValue", value: 2 } }] },
          },
        },
        nested: { kind: { case: "structValue", value: { fields: { deep: { kind: { case: "stringValue", value: "ü" } } } } } },
      },
    },
    dynamicParameters: {
      "type.googleapis.com/envoy.config.cluster.v3.Cluster": { params: { env: "prod", shard: "3" } },
      "type.googleapis.com/envoy.config.listener.v3.Listener": { params: { zone: "b" } },
    },
    locality: { region: "eu-west-1", zone: "eu-west-1b", subZone: "rack-12" },
    userAgentName: "envoy",
    userAgentVersionType: {
      case: "userAgentBuildVersion",
      value: {
        version: { majorNumber: 1, minorNumber: 36, patch: 2 },
        metadata: { fields: { "build.type": { kind: { case: "stringValue", value: "RELEASE" } } } },
      },
    },
    extensions: [
      {
        name: "envoy.reverse_tunnel_reporters.grpc_client",
        category: "envoy.reverse_tunnel_reporters",
        typeDescriptor: "legacy",
        version: { version: { majorNumber: 0, minorNumber: 1, patch: 0 } },
        disabled: true,
        typeUrls: ["type.googleapis.com/envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client.GrpcClientConfig"],
      },
    ],
    clientFeatures: ["envoy.lb.does_not_support_overprovisioning", "xds.config.resource-in-sotw"],
    listeningAddresses: [
      create(AddressV3Schema, {
        address: {
          case: "socketAddress",
          value: {
            protocol: ProtocolV3.TCP,
            address: "10.0.0.7",
            portSpecifier: { case: "namedPort", value: "https" },
            resolverName: "",
            ipv4Compat: false,
            networkNamespaceFilepath: "/var/run/netns/edge",
          },
        },
      }),
      create(AddressV3Schema, { address: { case: "pipe", value: { path: "@abstract", mode: 0o600 } } }),
      create(AddressV3Schema, {
        address: { case: "envoyInternalAddress", value: { addressNameSpecifier: { case: "serverListenerName", value: "internal" }, endpointId: "e1" } },
      }),
    ],
  },
  addedTunnels: [
    {
      name: "tunnel-1",
      identity: { tenantId: "acme", clusterId: "edge-eu-west", nodeId: "edge-7f3a" },
      createdAt: timestampFromDate(new Date("2026-11-21T10:00:00.125Z")),
    },
    {
      name: "tunnel-2 ☃",
      identity: { tenantId: "acmé", clusterId: "c2", nodeId: "n2" },
      createdAt: { seconds: 253402300799n, nanos: 999999999 },
    },
  ],
  removedTunnelNames: ["tunnel-0", "tunnel-00"],
  fullPush: true,
  nonce: 9007199254740993n,
});

/** A rejection whose error_detail packs a package type into an Any. */
export const fullResponse = create(StreamReverseTunnelsResponseSchema, {
  nodeId: "edge-7f3a",
  reportInterval: { seconds: 30n, nanos: 500000000 },
  requestNonce: 9223372036854775807n,
  errorDetail: {
    code: 3,
    message: "report rejected",
    details: [
      anyPack(
        BadRequestSchema,
        create(BadRequestSchema, {
          fieldViolations: [
            {
              field: "added_tunnels[0].name",
              description: "value length must be at least 1 characters",
              reason: "string.min_len",
              localizedMessage: { locale: "en-US", message: "A tunnel needs a name." },
            },
          ],
        }),
      ),
    ],
  },
});
