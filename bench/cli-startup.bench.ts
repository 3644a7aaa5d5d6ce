import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";

const repoRoot = join(import.meta.dirname, "..");

/** Rounds of the interleaved runs; `BENCH_SCALE` below 1 makes fewer. */
const scale = Number(process.env["BENCH_SCALE"] ?? "1");
const rounds = Math.max(3, Math.round(15 * Math.min(1, scale * 4)));

/** Wall seconds of one run of `node ARGS`, which must exit with `expectedCode`. */
async function timeNode(args: readonly string[], expectedCode: number): Promise<number> {
  const start = performance.now();
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], cwd: repoRoot });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, "close")) as [number];
  const seconds = (performance.now() - start) / 1000;
  if (code !== expectedCode) throw new Error(`node ${args.join(" ")} exited ${code}, not ${expectedCode}: ${stderr.trim()}`);
  return seconds;
}

/**
 * CLI start-up: the wall time of a whole process for `--version`, one small
 * JSON file and one small binary file, against `node -e 0` (Node's own
 * start-up) measured in the same run. The commands take turns, round after
 * round, and each keeps its fastest run: a shared machine only ever slows a
 * run down, and taking turns spreads its slow phases over all of them.
 */
export async function runCliStartupBench(): Promise<string> {
  const cli = join(repoRoot, "bin", "envoy-tap-tunnel.js");
  const commands = [
    { label: "`node -e 0` (baseline)", args: ["-e", "0"] },
    { label: "`envoy-tap-tunnel --version`", args: [cli, "--version"] },
    { label: "`validate examples/valid/trace.json` (JSON, type from its keys)", args: [cli, "validate", "examples/valid/trace.json"] },
    { label: "`validate examples/valid/trace.Trace.pb` (binary)", args: [cli, "validate", "examples/valid/trace.Trace.pb"] },
  ];
  const best = commands.map(() => Infinity);
  for (let round = 0; round < rounds; round++) {
    for (const [i, command] of commands.entries()) best[i] = Math.min(best[i]!, await timeNode(command.args, 0));
  }
  const baseline = best[0]!;
  return [
    "## CLI start-up",
    "",
    `Whole processes, best of ${rounds} interleaved rounds (the commands take turns each round), against Node's own start-up (\`node -e 0\`) measured in the same run.`,
    "",
    "| command | best wall time | ÷ `node -e 0` |",
    "| --- | --- | --- |",
    ...commands.map((command, i) => `| ${command.label} | ${(best[i]! * 1000).toFixed(0)} ms | ${(best[i]! / baseline).toFixed(2)} |`),
    "",
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runCliStartupBench());
}
