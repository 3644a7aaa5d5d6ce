/**
 * Tap trace tools. This entry point is reserved for trace reassembly, the
 * streaming trace reader, the pcap writer and summaries, which later issues
 * add; it exports nothing yet.
 */
export {};
