/**
 * Tap trace tools. Trace reassembly, the streaming trace reader, the pcap
 * writer and summaries arrive with later issues; for now this entry point
 * exports the relational checks the CLI's `--strict` applies to traces.
 */
export { traceWarnings } from "./trace-warnings.js";
export { isCertainlyFreeOfTraceWarnings } from "./is-certainly-free-of-trace-warnings.js";
