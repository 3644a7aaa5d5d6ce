import type { Trace } from "../../gen/envoy/data/tap/v2alpha/capture_pb.js";
// The formatting every violation message of the package uses for timestamps.
import { formatTimestamp, totalNanos } from "../validate/format.js";
import type { Violation } from "../validate/violation.js";

/**
 * Findings about a tap trace that no `(validate.rules)` annotation can
 * express because they relate one event to another: each is legal on the
 * wire, but a trace that Envoy recorded from one socket never shows it, so it
 * usually means a trace was edited, merged or reordered by hand.
 *
 * - `trace.timestamp_order`: an event's timestamp is earlier than the latest
 *   timestamp before it (capture.proto: events are in socket order, so their
 *   timestamps do not decrease). Events without a timestamp are skipped.
 * - `trace.write_after_end_stream`: a write event follows a write that set
 *   `end_stream`; after that, Envoy's connection has no more to send.
 *
 * The result is a list of warnings in event order; it is empty for a trace
 * that shows neither. The function is pure: it reads the trace only.
 */
export function traceWarnings(trace: Trace): Violation[] {
  const warnings: Violation[] = [];
  // The latest timestamp so far, with the index of the event that had it, so
  // that a message can name what the out-of-order event is compared with.
  let latest: { readonly nanos: bigint; readonly index: number } | undefined;
  let endedAt: number | undefined;
  trace.events.forEach((event, index) => {
    if (event.timestamp !== undefined) {
      const nanos = totalNanos(event.timestamp);
      if (latest !== undefined && nanos < latest.nanos) {
        warnings.push({
          path: `events[${index}].timestamp`,
          ruleId: "trace.timestamp_order",
          message: `timestamp ${formatTimestamp(nanos)} is earlier than ${formatTimestamp(latest.nanos)} of events[${latest.index}]; events of a trace are in socket order`,
          value: formatTimestamp(nanos),
        });
      } else {
        latest = { nanos, index };
      }
    }
    if (event.eventSelector.case === "write") {
      if (endedAt !== undefined) {
        warnings.push({
          path: `events[${index}].write`,
          ruleId: "trace.write_after_end_stream",
          message: `write after events[${endedAt}] ended the stream (end_stream: true)`,
        });
      } else if (event.eventSelector.value.endStream) {
        endedAt = index;
      }
    }
  });
  return warnings;
}
