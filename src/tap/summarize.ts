import { formatEndpoint } from "./endpoint.js";
import type { TraceFinding } from "./model.js";
import type { ReassembledConnection, Reassembly } from "./reassemble.js";

/** One connection at a glance, as `tap summary` prints it. Byte counts are plain integers. */
export interface ConnectionSummary {
  /** The reassembly key: `v2alpha:<connection id>`, `v3:<trace id>`, `file:...`. */
  readonly id: string;
  readonly local: string;
  readonly remote: string;
  /** RFC 3339 with nanoseconds, or null when no event has a timestamp. */
  readonly first: string | null;
  readonly last: string | null;
  /** Nanoseconds from the first to the last timestamp, as a decimal string (it may exceed 2^53). */
  readonly durationNanos: string;
  readonly events: number;
  readonly bytesRead: number;
  readonly bytesWritten: number;
  /** Writes with end_stream. */
  readonly halfCloses: number;
  readonly closed: boolean;
  /** Whether any body was cut or reads or writes were dropped at the tap's limit. */
  readonly truncated: boolean;
  readonly synthesized: boolean;
  readonly sources: readonly string[];
  readonly findings: readonly TraceFinding[];
}

/** Summarizes each reassembled connection (see {@link ConnectionSummary}). */
export function summarize(reassembly: Reassembly): ConnectionSummary[] {
  return reassembly.connections.map(summarizeConnection);
}

function summarizeConnection(connection: ReassembledConnection): ConnectionSummary {
  let first: bigint | undefined;
  let last: bigint | undefined;
  let bytesRead = 0;
  let bytesWritten = 0;
  let halfCloses = 0;
  let closed = false;
  let truncated = connection.readTruncated || connection.writeTruncated;
  for (const event of connection.events) {
    if (event.timestamp !== undefined) {
      if (first === undefined || event.timestamp < first) first = event.timestamp;
      if (last === undefined || event.timestamp > last) last = event.timestamp;
    }
    if (event.type === "read") bytesRead += event.data.length;
    if (event.type === "write") bytesWritten += event.data.length;
    if (event.endStream) halfCloses++;
    if (event.type === "closed") closed = true;
    if (event.truncated) truncated = true;
  }
  return {
    id: connection.key,
    local: formatEndpoint(connection.connection.local),
    remote: formatEndpoint(connection.connection.remote),
    first: first === undefined ? null : rfc3339(first),
    last: last === undefined ? null : rfc3339(last),
    durationNanos: first === undefined || last === undefined ? "0" : String(last - first),
    events: connection.events.length,
    bytesRead,
    bytesWritten,
    halfCloses,
    closed,
    truncated,
    synthesized: connection.synthesized,
    sources: connection.sources,
    findings: connection.findings,
  };
}

/** Nanoseconds since the epoch as RFC 3339 UTC with nine fractional digits. */
export function rfc3339(nanos: bigint): string {
  const seconds = nanos >= 0n ? nanos / 1_000_000_000n : -((-nanos + 999_999_999n) / 1_000_000_000n);
  const fraction = nanos - seconds * 1_000_000_000n;
  const date = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${date}.${String(fraction).padStart(9, "0")}Z`;
}
