// Run by tap.bench.ts as its own process (with peak-rss.cjs preloaded):
// reads the trace files given as arguments with the built package's
// readTraces and prints how many events and payload bytes it saw, so the
// process's peak RSS is readTraces' own.
import { createReadStream } from "node:fs";
import { readTraces } from "../dist/src/tap/index.js";

const sources = process.argv.slice(2).map((name) => ({ name, chunks: createReadStream(name, { highWaterMark: 1 << 20 }) }));
let events = 0;
let bytes = 0;
let errors = 0;
for await (const item of readTraces(sources)) {
  if (item.kind === "event") {
    events++;
    bytes += item.event.data.length;
  } else if (item.kind === "finding" && item.finding.severity === "error") errors++;
}
process.stdout.write(`${JSON.stringify({ events, bytes, errors })}\n`);
