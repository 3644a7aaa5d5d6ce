/**
 * envoy-tap-tunnel: typed messages for Envoy's tap trace format
 * (`envoy.data.tap.v2alpha`) and reverse tunnel reporting service
 * (`envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client`),
 * with their dependencies.
 *
 * Messages are protobuf-es v2 messages: create them with `create(Schema, init)`
 * and encode them with `toBinary`/`toJson` from `@bufbuild/protobuf`.
 */

// Tap traces: v2alpha at the root, v3 (what a current Envoy writes) as the namespace `tapV3`.
export * from "../gen/envoy/data/tap/v2alpha/capture_pb.js";
export * as tapV3 from "./tap-v3-messages.js";
// Reverse tunnel reporting: the service, its messages and its configuration.
export * from "../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
export * from "../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/grpc_client_pb.js";
export * from "../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/reporters/event_reporter_pb.js";
// Dependencies with names no other file uses.
export * from "../gen/envoy/config/core/v3/base_pb.js";
export * from "../gen/envoy/type/v3/semantic_version_pb.js";
export * from "../gen/xds/core/v3/context_params_pb.js";
export * from "../gen/google/rpc/status_pb.js";
export * from "../gen/google/rpc/error_details_pb.js";
// Both address packages declare Pipe, SocketAddress and Address, so each is a
// namespace: `apiV2Core.AddressSchema` is what a tap Connection holds,
// `configCoreV3.AddressSchema` what Node.listening_addresses holds.
export * as apiV2Core from "../gen/envoy/api/v2/core/address_pb.js";
export * as configCoreV3 from "../gen/envoy/config/core/v3/address_pb.js";

export {
  registry,
  listTypes,
  resolveType,
  UnknownTypeError,
  isUnknownTypeError,
  type TypeEntry,
} from "./registry.js";
