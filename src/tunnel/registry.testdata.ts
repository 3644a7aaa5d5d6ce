import { create, fromBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import {
  ReverseTunnelSchema,
  StreamReverseTunnelsRequestSchema,
  type StreamReverseTunnelsRequest,
  type StreamReverseTunnelsResponse,
} from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { BadRequestSchema, type BadRequest } from "../../gen/google/rpc/error_details_pb.js";

/** A tunnel from initiator `nodeId` (tenant `t1`, cluster `edge` unless given), created at `seconds`. */
export function tunnel(
  name: string,
  nodeId = name,
  seconds = 1_769_680_800n,
  extra: { tenantId?: string; clusterId?: string; nanos?: number } = {},
): MessageInitShape<typeof ReverseTunnelSchema> {
  return {
    name,
    identity: { tenantId: extra.tenantId ?? "t1", clusterId: extra.clusterId ?? "edge", nodeId },
    createdAt: { seconds, nanos: extra.nanos ?? 0 },
  };
}

/** The reporting node used unless a test names another. */
export const upstream = { id: "upstream-1", cluster: "core" };

/** A full push of `tunnels` from `node` with `nonce`. */
export function fullPush(
  nonce: bigint,
  tunnels: MessageInitShape<typeof ReverseTunnelSchema>[],
  node: { id: string; cluster: string } = upstream,
): StreamReverseTunnelsRequest {
  return create(StreamReverseTunnelsRequestSchema, { node, fullPush: true, nonce, addedTunnels: tunnels });
}

/** A diff from `node` with `nonce`. */
export function diff(
  nonce: bigint,
  added: MessageInitShape<typeof ReverseTunnelSchema>[],
  removed: string[],
  node: { id: string; cluster: string } = upstream,
): StreamReverseTunnelsRequest {
  return create(StreamReverseTunnelsRequestSchema, { node, nonce, addedTunnels: added, removedTunnelNames: removed });
}

/** The BadRequest packed in a NACK's `error_detail.details`, or `undefined`. */
export function badRequestOf(response: StreamReverseTunnelsResponse): BadRequest | undefined {
  const detail = response.errorDetail?.details[0];
  if (detail === undefined) return undefined;
  // Round-trip through bytes so the test sees what a peer would decode.
  const unpacked = anyUnpack(detail, BadRequestSchema);
  return unpacked === undefined ? undefined : fromBinary(BadRequestSchema, (detail as { value: Uint8Array }).value);
}
