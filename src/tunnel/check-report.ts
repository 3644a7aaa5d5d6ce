import {
  StreamReverseTunnelsRequestSchema,
  type StreamReverseTunnelsRequest,
} from "../../gen/envoy/extensions/reverse_tunnel_reporters/v3alpha/clients/grpc_client/stream_reverse_tunnels_pb.js";
import { validate } from "../validate/index.js";
import { convertTunnels, type ConvertedTunnels } from "./apply-report.js";
import type { ReportViolation } from "./report-response.js";

/**
 * Checks a request on its own (before any stream or node rule): Envoy's rules
 * through `validate()`, a non-empty `node.id` (`report.node_id`: the registry
 * keys nodes by it), and `created_at` values that have an RFC 3339 form. On
 * success, returns the added tunnels as records stamped `now` and `streamId`.
 */
export function checkReport(request: StreamReverseTunnelsRequest, now: number, streamId: string): ConvertedTunnels {
  const violations: ReportViolation[] = [];
  for (const v of validate(StreamReverseTunnelsRequestSchema, request).violations) {
    violations.push({ path: v.path, message: v.message, ruleId: v.ruleId });
  }
  if (request.node !== undefined && request.node.id === "") {
    violations.push({ path: "node.id", message: "the reporting node needs an id", ruleId: "report.node_id" });
  }
  if (violations.length > 0) return { ok: false, violations };
  return convertTunnels(request.addedTunnels, now, streamId);
}
