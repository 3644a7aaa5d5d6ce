import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const repoRoot = join(import.meta.dirname, "..");
const MiB = 2 ** 20;

/** Problems in the generated input at scale 1; `BENCH_SCALE=0.05` makes a quick run. */
const scale = Number(process.env["BENCH_SCALE"] ?? "1");
const problems = Math.round(400_000 * scale);

/** The failing messages of the input: each one has `PROBLEMS_PER_MESSAGE` problems. */
const PROBLEMS_PER_MESSAGE = 10;

/**
 * One StreamReverseTunnelsRequest with a node but ten tunnels whose `name`
 * is empty: ten `string.min_len` problems. Many problems per message make
 * the report, not the per-message work, what the memory measures.
 */
function failingLine(n: number): string {
  const tunnels = Array.from({ length: PROBLEMS_PER_MESSAGE }, (_, i) => ({
    name: "",
    identity: { tenantId: `tenant-${i}`, clusterId: "edge", nodeId: `edge-${n}` },
    createdAt: "2026-11-21T09:00:00Z",
  }));
  return JSON.stringify({ node: { id: `edge-${n}` }, addedTunnels: tunnels, nonce: String(n) });
}

interface Run {
  readonly seconds: number;
  readonly peakRssMiB: number;
  readonly stdoutBytes: number;
}

/** Runs the CLI under the peak-RSS probe; stdout is counted, not kept. */
async function runCli(args: readonly string[]): Promise<Run> {
  const peakRss = join(import.meta.dirname, "peak-rss.cjs");
  const start = performance.now();
  const child = spawn(process.execPath, ["--require", peakRss, join(repoRoot, "bin", "envoy-tap-tunnel.js"), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    cwd: repoRoot,
  });
  let stdoutBytes = 0;
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdoutBytes += d.length));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, "close")) as [number];
  const seconds = (performance.now() - start) / 1000;
  const rss = /peak-rss-kib=(\d+)/.exec(stderr);
  if (code !== 1 || rss === null) throw new Error(`validate exited ${code} (expected 1): ${stderr.trim().split("\n").slice(-3).join(" / ")}`);
  return { seconds, peakRssMiB: Number(rss[1]) / 1024, stdoutBytes };
}

/**
 * `validate --json` on an input with 400,000 problems: its peak RSS, which
 * must not grow with the number of problems (the report streams), beside
 * the line output and `--max-problems 100` on the same input.
 */
export async function runCliJsonReportBench(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-bench-report-"));
  const rows: string[] = [];
  try {
    const messages = Math.ceil(problems / PROBLEMS_PER_MESSAGE);
    const file = join(dir, "failing.StreamReverseTunnelsRequest.ndjson");
    writeFileSync(file, Array.from({ length: messages }, (_, n) => failingLine(n)).join("\n") + "\n");
    for (const [label, args] of [
      ["`validate --json`", ["validate", "--json", file]],
      ["`validate` (lines)", ["validate", file]],
      ["`validate --json --max-problems 100`", ["validate", "--json", "--max-problems", "100", file]],
    ] as const) {
      const run = await runCli(args);
      rows.push(`| ${label} | ${run.seconds.toFixed(1)} s | ${(run.stdoutBytes / MiB).toFixed(0)} MiB | ${run.peakRssMiB.toFixed(0)} MiB |`);
    }
    return [
      "## CLI report memory",
      "",
      `One NDJSON file of ${messages} \`StreamReverseTunnelsRequest\` lines with ${PROBLEMS_PER_MESSAGE} \`string.min_len\` problems each: ${messages * PROBLEMS_PER_MESSAGE} problems (scale ${scale}). Peak RSS is the CLI process's own high-water mark (\`VmHWM\`), one run each; stdout goes to a pipe the benchmark drains. Target: \`--json\` peak RSS < 200 MB (= 190.7 MiB) on 400,000 problems.`,
      "",
      "| command | wall time | output | peak RSS |",
      "| --- | --- | --- | --- |",
      ...rows,
      "",
    ].join("\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runCliJsonReportBench());
}
