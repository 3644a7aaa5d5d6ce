import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCliBench } from "./cli.bench.js";
import { runCliJsonReportBench } from "./cli-json-report.bench.js";
import { runCliStartupBench } from "./cli-startup.bench.js";
import { runCodecBench } from "./codec.bench.js";
import { runTapBench } from "./tap.bench.js";
import { runTunnelBench } from "./tunnel.bench.js";
import { runRedisBench } from "./redis.bench.js";
import { describeMachine } from "./machine.js";
import { benchmarkOutputFile } from "./output-file.js";
import { runValidateBench } from "./validate.bench.js";

/**
 * `npm run bench`: runs every benchmark in one process run and writes
 * BENCHMARKS.md (a scaled run, `BENCH_SCALE` other than 1, writes
 * BENCHMARKS.quick.md instead; see output-file.ts). Ratios are measured within
 * one run, because absolute times on a shared machine drift from run to run.
 */
const started = new Date();
const sections: string[] = [];
/** `BENCH_ONLY=tunnel` runs the named benchmarks only and prints them instead of writing BENCHMARKS.md. */
const only = process.env["BENCH_ONLY"]?.split(",");
for (const [name, run] of [
  ["validation", runValidateBench],
  ["codec", runCodecBench],
  ["cli", runCliBench],
  ["cli start-up", runCliStartupBench],
  ["cli report memory", runCliJsonReportBench],
  ["tap", runTapBench],
  ["tunnel", runTunnelBench],
  ["redis", runRedisBench],
] as const) {
  if (only !== undefined && !only.includes(name)) continue;
  process.stderr.write(`bench: ${name}...\n`);
  sections.push(await run());
}
if (only !== undefined) {
  process.stdout.write(sections.join("\n\n") + "\n");
  process.exit(0);
}
const scale = process.env["BENCH_SCALE"];
const document = [
  "# Benchmarks",
  "",
  `Measured ${started.toISOString().slice(0, 16).replace("T", " ")} UTC on ${describeMachine()}.`,
  "",
  `Reproduce with \`npm ci && npm run bench\`${scale ? ` (this run: \`BENCH_SCALE=${scale} npm run bench\`)` : ""}; \`BENCH_SCALE=0.05 npm run bench\` makes a quick run with smaller generated inputs and writes BENCHMARKS.quick.md. The machine is shared, so compare the ratios, which are measured side by side in one run, rather than absolute times.`,
  "",
  sections.map((section) => section.trim()).join("\n\n"),
].join("\n");
const outputFile = benchmarkOutputFile(process.env["BENCH_SCALE"]);
writeFileSync(join(import.meta.dirname, "..", outputFile), document.trimEnd() + "\n");
process.stderr.write(`bench: wrote ${outputFile}\n`);
