import type { Trace } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
import type { Violation } from "../fault/violation.js";
import { EvalContext } from "../validate/context.js";
import { traceRelations } from "../validate/rules/trace.js";

/**
 * The relational findings about a tap trace (`trace.timestamp_order`,
 * `trace.write_after_end_stream`; see `traceRelations`), as warnings in
 * event order; empty for a trace that shows neither. The same rules run in
 * `validate`, `validateBinary` and `validateJson` of a Trace. Pure: it reads
 * the trace only.
 */
export function traceWarnings(trace: Trace): Violation[] {
  const ctx = new EvalContext();
  traceRelations.evaluate(trace, ctx);
  return ctx.warnings;
}
