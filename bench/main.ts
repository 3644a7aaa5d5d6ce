import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeMachine } from "./machine.js";
import { benchmarkOutputFile } from "./output-file.js";

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
// Each section's module loads just before it runs: a module's side effects
// must not slow the sections before it (importing @redis/client, whose
// VerbatimString extends String, turns String.prototype into a dictionary
// and made every charCodeAt loop of the process about 4x slower).
for (const [name, run] of [
  ["validation", async () => (await import("./validate.bench.js")).runValidateBench()],
  ["codec", async () => (await import("./codec.bench.js")).runCodecBench()],
  ["cli", async () => (await import("./cli.bench.js")).runCliBench()],
  ["cli start-up", async () => (await import("./cli-startup.bench.js")).runCliStartupBench()],
  ["cli report memory", async () => (await import("./cli-json-report.bench.js")).runCliJsonReportBench()],
  ["tap", async () => (await import("./tap.bench.js")).runTapBench()],
  ["tunnel", async () => (await import("./tunnel.bench.js")).runTunnelBench()],
  ["redis", async () => (await import("./redis.bench.js")).runRedisBench()],
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
