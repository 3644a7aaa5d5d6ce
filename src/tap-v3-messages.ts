/**
 * The messages of Envoy's current tap format, `envoy.data.tap.v3`
 * (`TraceWrapper` and what it holds). They are exported from the package
 * root as the namespace `tapV3`, because v3 declares `Connection` too.
 */
export * from "../gen/envoy/data/tap/v3/common_pb.js";
export * from "../gen/envoy/data/tap/v3/transport_pb.js";
export * from "../gen/envoy/data/tap/v3/http_pb.js";
export * from "../gen/envoy/data/tap/v3/wrapper_pb.js";
