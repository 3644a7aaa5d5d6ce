import { createRegistry, type DescMessage, type Registry } from "@bufbuild/protobuf";
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
import { closeMatches } from "./close-matches.js";
import { file_google_rpc_status } from "../gen/google/rpc/status_pb.js";
import { file_validate_validate } from "../gen/validate/validate_pb.js";
import { file_xds_core_v3_context_params } from "../gen/xds/core/v3/context_params_pb.js";

/**
 * Every file of the package, plus the well-known types a payload may pack into
 * an `Any`. Passing this registry to
 * `toJson`/`fromJson`/`toBinary` lets `google.protobuf.Any` values that pack a
 * package type (for example a `google.rpc.BadRequest` inside
 * `google.rpc.Status.details`) print and parse by their type URL.
 */
export const registry: Registry = createRegistry(
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
);

/** The proto packages whose messages are the package's subject (not its dependencies). */
const PRIMARY_PACKAGES = [
  "envoy.data.tap.v2alpha",
  "envoy.data.tap.v3",
  "envoy.extensions.reverse_tunnel_reporters.v3alpha.clients.grpc_client",
  "envoy.extensions.reverse_tunnel_reporters.v3alpha.reporters",
];

/** The package whose types keep their short names when another package declares the same name. */
const SHORT_NAME_OWNER = "envoy.data.tap.v2alpha";

/** A message type of the registry with the names it can be looked up by. */
export interface TypeEntry {
  /** Fully qualified proto name, such as `envoy.data.tap.v2alpha.Event.Read`. */
  readonly typeName: string;
  /**
   * The shortest name that picks this type alone: the name inside its package
   * (`Trace`, `Event.Read`), or the full name when another package declares the
   * same local name (`Pipe` exists in two address packages).
   */
  readonly shortName: string;
  readonly schema: DescMessage;
  /** Whether the type belongs to the tap or reverse tunnel APIs rather than a dependency. */
  readonly primary: boolean;
}

let cachedEntries: readonly TypeEntry[] | undefined;

/**
 * Lists every message type of the package (well-known types and the
 * `validate` annotation messages excluded), primary types first, then by name.
 */
export function listTypes(): readonly TypeEntry[] {
  if (cachedEntries) return cachedEntries;
  const messages: DescMessage[] = [];
  for (const type of registry) {
    if (type.kind !== "message") continue;
    const pkg = type.file.proto.package;
    if (pkg === "google.protobuf" || pkg === "validate") continue;
    messages.push(type);
  }
  const localNameCount = new Map<string, number>();
  for (const message of messages) {
    const local = localName(message);
    localNameCount.set(local, (localNameCount.get(local) ?? 0) + 1);
  }
  // The v2alpha tap types keep the short names they had before the v3 tap
  // types arrived (`Connection`, which v3 declares too), so that existing
  // `--type Connection` options and `*.Connection.pb` files keep their meaning.
  const keepsShortName = (schema: DescMessage, local: string) =>
    localNameCount.get(local) === 1 || schema.file.proto.package === SHORT_NAME_OWNER;
  cachedEntries = messages
    .map((schema): TypeEntry => {
      const local = localName(schema);
      return {
        typeName: schema.typeName,
        shortName: keepsShortName(schema, local) ? local : schema.typeName,
        schema,
        primary: PRIMARY_PACKAGES.includes(schema.file.proto.package),
      };
    })
    // By code unit, not localeCompare: its collator costs ~10 ms of CLI start-up.
    .sort((a, b) => Number(b.primary) - Number(a.primary) || (a.typeName < b.typeName ? -1 : a.typeName > b.typeName ? 1 : 0));
  return cachedEntries;
}

/** The name of a message inside its package: `Event.Read` for `envoy.data.tap.v2alpha.Event.Read`. */
function localName(message: DescMessage): string {
  const pkg = message.file.proto.package;
  return pkg === "" ? message.typeName : message.typeName.slice(pkg.length + 1);
}

/** Thrown by {@link resolveType} for a name that names no type, or more than one. */
export class UnknownTypeError extends Error {
  override readonly name = "UnknownTypeError";
  constructor(
    readonly requested: string,
    readonly suggestions: readonly string[],
    reason: "unknown" | "ambiguous",
  ) {
    super(
      reason === "ambiguous"
        ? `type name "${requested}" is ambiguous; use one of: ${suggestions.join(", ")}`
        : suggestions.length > 0
          ? `unknown type "${requested}"; did you mean ${suggestions.map((s) => `"${s}"`).join(" or ")}?`
          : `unknown type "${requested}"; run \`envoy-tap-tunnel types\` to list the types`,
    );
  }
}

/** Whether `error` is an {@link UnknownTypeError}. */
export function isUnknownTypeError(error: unknown): error is UnknownTypeError {
  return error instanceof Error && error.name === "UnknownTypeError";
}

/**
 * Finds a message schema by its full name (`envoy.data.tap.v2alpha.Trace`,
 * a leading dot allowed), its short name (`Trace`, `Event.Read`), or the name
 * inside its package when that is ambiguous only across packages, in which
 * case the error lists the full names to choose from. An unknown name throws
 * {@link UnknownTypeError} listing close matches.
 */
export function resolveType(name: string): DescMessage {
  const wanted = name.startsWith(".") ? name.slice(1) : name;
  const entries = listTypes();
  const exact = entries.find((e) => e.typeName === wanted || e.shortName === wanted);
  if (exact) return exact.schema;
  const byLocal = entries.filter((e) => localName(e.schema) === wanted);
  // Unreachable for names the v2alpha package owns: its entry matched `exact`.
  if (byLocal.length > 1) {
    throw new UnknownTypeError(name, byLocal.map((e) => e.typeName), "ambiguous");
  }
  const candidates = entries.map((e) => ({ name: e.shortName, spellings: [e.shortName, localName(e.schema)] }));
  throw new UnknownTypeError(name, closeMatches(wanted, candidates), "unknown");
}
