/**
 * Tap trace tools. Trace reassembly, the streaming trace reader, the pcap
 * writer and summaries arrive with later issues; for now this entry point
 * exports the relational checks of traces (also rules of the validators).
 */
export { traceWarnings } from "./trace-warnings.js";
