import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { StreamReverseTunnelsResponseSchema, type StreamReverseTunnelsResponse } from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { BadRequestSchema } from "../../gen/google/rpc/error_details_pb.js";

/** One problem of a rejected request, as it goes into a `google.rpc.BadRequest.FieldViolation`. */
export interface ReportViolation {
  /** The field path (`added_tunnels[0].name`). */
  readonly path: string;
  readonly message: string;
  /** The rule id (`string.min_len`, `report.node_id`). */
  readonly ruleId: string;
}

/** The NACK codes the registry sends, and the names its stats count them under. */
export const nackCodeNames = {
  [Code.InvalidArgument]: "INVALID_ARGUMENT",
  [Code.FailedPrecondition]: "FAILED_PRECONDITION",
  [Code.ResourceExhausted]: "RESOURCE_EXHAUSTED",
  [Code.Unavailable]: "UNAVAILABLE",
} as const;

/** A gRPC code the registry NACKs with. */
export type NackCode = keyof typeof nackCodeNames;

/** An ACK: the request's nonce echoed, `error_detail` unset, and a `report_interval` when one is to be sent. */
export function ackResponse(nodeId: string, nonce: bigint, reportIntervalMs: number | undefined): StreamReverseTunnelsResponse {
  const response = create(StreamReverseTunnelsResponseSchema, { nodeId, requestNonce: nonce });
  if (reportIntervalMs !== undefined) {
    const seconds = Math.floor(reportIntervalMs / 1000);
    response.reportInterval = { $typeName: "google.protobuf.Duration", seconds: BigInt(seconds), nanos: Math.round((reportIntervalMs - seconds * 1000) * 1e6) };
  }
  return response;
}

/**
 * A NACK: the request's nonce (a nonce the stream sent, never another one),
 * `error_detail` with the code and a message, and for `INVALID_ARGUMENT` a
 * `google.rpc.BadRequest` in `details` with one field violation per problem.
 */
export function nackResponse(
  nodeId: string,
  nonce: bigint,
  code: NackCode,
  message: string,
  violations: readonly ReportViolation[] = [],
): StreamReverseTunnelsResponse {
  const details =
    violations.length === 0
      ? []
      : [
          anyPack(
            BadRequestSchema,
            create(BadRequestSchema, {
              fieldViolations: violations.map((v) => ({ field: v.path, description: v.message, reason: v.ruleId })),
            }),
          ),
        ];
  return create(StreamReverseTunnelsResponseSchema, {
    nodeId,
    requestNonce: nonce,
    errorDetail: { code, message, details },
  });
}
