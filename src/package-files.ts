import type { DescFile } from "@bufbuild/protobuf";
import {
  file_google_protobuf_any,
  file_google_protobuf_duration,
  file_google_protobuf_empty,
  file_google_protobuf_field_mask,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
} from "@bufbuild/protobuf/wkt";
import { file_envoy_api_v2_core_address } from "../gen/envoy/api/v2/core/address_pb.js";
import { file_envoy_config_core_v3_address } from "../gen/envoy/config/core/v3/address_pb.js";
import { file_envoy_config_core_v3_base } from "../gen/envoy/config/core/v3/base_pb.js";
import { file_envoy_data_tap_v2alpha_capture } from "../gen/envoy/data/tap/v2alpha/capture_pb.js";
import { file_envoy_data_tap_v3_common } from "../gen/envoy/data/tap/v3/common_pb.js";
import { file_envoy_data_tap_v3_http } from "../gen/envoy/data/tap/v3/http_pb.js";
import { file_envoy_data_tap_v3_transport } from "../gen/envoy/data/tap/v3/transport_pb.js";
import { file_envoy_data_tap_v3_wrapper } from "../gen/envoy/data/tap/v3/wrapper_pb.js";
import { file_envoy_extensions_reverse_tunnel_reporters_v3alpha_clients_grpc_client_grpc_client } from "../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/grpc_client_pb.js";
import { file_envoy_extensions_reverse_tunnel_reporters_v3alpha_clients_grpc_client_stream_reverse_tunnels } from "../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { file_envoy_extensions_reverse_tunnel_reporters_v3alpha_reporters_event_reporter } from "../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/reporters/event_reporter_pb.js";
import { file_envoy_type_v3_semantic_version } from "../gen/envoy/type/v3/semantic_version_pb.js";
import { file_google_rpc_error_details } from "../gen/google/rpc/error_details_pb.js";
import { file_google_rpc_status } from "../gen/google/rpc/status_pb.js";
import { file_validate_validate } from "../gen/validate/validate_pb.js";
import { file_xds_core_v3_context_params } from "../gen/xds/core/v3/context_params_pb.js";

/**
 * Every file of the package, plus the well-known types a payload may pack
 * into an `Any`: what the package registry holds.
 *
 * The imports are used only inside this function, and only named imports of
 * one binding each: the CLI's bundle (scripts/bundle-cli.mjs) turns each into
 * a lookup made when the function first runs, so that a command that never
 * needs the whole registry evaluates only the generated files it imports
 * itself (building every file's descriptors cost ~25 ms of start-up).
 */
export function packageFiles(): readonly DescFile[] {
  return [
    file_envoy_data_tap_v2alpha_capture,
    file_envoy_data_tap_v3_wrapper,
    file_envoy_data_tap_v3_transport,
    file_envoy_data_tap_v3_http,
    file_envoy_data_tap_v3_common,
    file_envoy_api_v2_core_address,
    file_envoy_extensions_reverse_tunnel_reporters_v3alpha_clients_grpc_client_stream_reverse_tunnels,
    file_envoy_extensions_reverse_tunnel_reporters_v3alpha_clients_grpc_client_grpc_client,
    file_envoy_extensions_reverse_tunnel_reporters_v3alpha_reporters_event_reporter,
    file_envoy_config_core_v3_base,
    file_envoy_config_core_v3_address,
    file_envoy_type_v3_semantic_version,
    file_xds_core_v3_context_params,
    file_google_rpc_status,
    file_google_rpc_error_details,
    file_validate_validate,
    file_google_protobuf_any,
    file_google_protobuf_duration,
    file_google_protobuf_timestamp,
    file_google_protobuf_struct,
    file_google_protobuf_wrappers,
    file_google_protobuf_empty,
    file_google_protobuf_field_mask,
  ];
}
