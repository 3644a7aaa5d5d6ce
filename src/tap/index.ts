/**
 * Tap trace tools: reading v2alpha and v3 traces in every format Envoy
 * writes (`readTraces`), putting connections back together
 * (`reassemble`), captures for Wireshark (`exportCapture`, pcap and pcapng, streamed),
 * summaries and Follow-Stream views, and the relational checks the CLI's
 * `--strict` applies to traces. Nothing here imports a Node-only module.
 */
export { traceWarnings } from "./trace-warnings.js";
export { readTraces, type ChunkReading, type ReadTracesOptions, type TraceSource } from "./read-traces.js";
export { reassemble, type ReassembledConnection, type Reassembly } from "./reassemble.js";
export { exportCapture, type ExportCaptureOptions } from "./pcap/export-capture.js";
export { MAX_MSS } from "./pcap/max-mss.js";
export type { CaptureSource } from "./pcap/plan-capture.js";
export { summarize, type ConnectionSummary } from "./summarize.js";
export { followConnection, type FollowOptions } from "./follow.js";
export { formatEndpoint } from "./endpoint.js";
export type { ConnectionLayout, Endpoint, FindingSeverity, TapConnection, TapEvent, TraceApi, TraceFinding, TraceItem } from "./model.js";
