/**
 * Support for the end-to-end tests: runs the built CLI as `npx` does
 * (`node bin/envoy-tap-tunnel.js`, which imports `dist/`), after making sure
 * `dist/` is built from the current sources, from a private copy of the
 * built package so that a concurrent rebuild cannot pull it away mid-test.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** The bin file that npm links as `envoy-tap-tunnel`. */
export const binPath = join(repoRoot, "bin", "envoy-tap-tunnel.js");

/** What a run of the CLI printed and how it ended. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options for {@link runCli}. */
export interface RunOptions {
  /** Bytes written to the CLI's stdin (closed afterwards). By default, none. */
  readonly stdin?: Uint8Array | string;
  /** Extra environment; `GITHUB_ACTIONS`, `NO_COLOR`, `CI` and `ENVOY_TAP_TUNNEL_DEBUG` are cleared first. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs the built CLI with `args` in the repository root. */
export async function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of ["GITHUB_ACTIONS", "NO_COLOR", "ENVOY_TAP_TUNNEL_DEBUG", "FORCE_COLOR"]) delete env[name];
  Object.assign(env, options.env);
  const child = spawn(process.execPath, [snapshotBin ?? binPath, ...args], { cwd: repoRoot, env, stdio: ["pipe", "pipe", "pipe"] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  // The CLI may exit before reading all of stdin (a usage error); that is not a test failure.
  child.stdin.on("error", () => undefined);
  child.stdin.end(options.stdin ?? "");
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (exitCode) => resolve(exitCode));
  });
  return { code, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") };
}

/** The bin file of the built CLI the tests run (a private copy once {@link ensureBuilt} ran), for shell pipelines. */
export function builtBin(): string {
  return snapshotBin ?? binPath;
}

/** Splits output into lines without the final empty one. */
export function lines(text: string): string[] {
  return text === "" ? [] : text.replace(/\n$/, "").split("\n");
}

/** The bin of this process's private copy of the built package (see {@link ensureBuilt}). */
let snapshotBin: string | undefined;

/**
 * Builds `dist/` with `npm run build` when it is missing or older than any
 * source under `src/` or `gen/`. Test files run in parallel processes, and
 * the build starts with `rm -rf dist`, so a lock directory (mkdir is atomic)
 * keeps two of them from building at once; the second waits and then finds
 * `dist/` fresh.
 */
export function ensureBuilt(): void {
  // Always through the lock: tsc emits main.js before the other files, so
  // a test that checked freshness during someone else's build could start
  // on half a dist/.
  const lock = join(tmpdir(), `envoy-tap-tunnel-build-${Buffer.from(repoRoot).toString("hex").slice(-32)}.lock`);
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than two minutes belongs to a build that died.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (isStale()) {
      const build = spawnSync("npm", ["run", "-s", "build"], { cwd: repoRoot, encoding: "utf8" });
      // A type error elsewhere in the tree still emits JavaScript; only a
      // missing CLI makes these tests meaningless.
      if (statSync(join(repoRoot, "dist", "cli", "main.js"), { throwIfNoEntry: false }) === undefined) {
        throw new Error(`npm run build did not produce dist/cli/main.js:\n${build.stdout}\n${build.stderr}`);
      }
    }
    snapshotBin = snapshot();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Copies the built package (package.json, bin/, dist/, gen/jsonschema/) to
 * a temporary directory that links the repository's node_modules, and
 * returns its bin. Others working in the same tree rebuild dist/ (npm pack
 * runs the build, which starts with rm -rf dist), and a test must not run
 * half of its commands against a dist/ that is being rewritten.
 */
function snapshot(): string {
  const dir = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-built-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  for (const path of ["package.json", "bin", "dist", join("gen", "jsonschema")]) {
    cpSync(join(repoRoot, path), join(dir, path), { recursive: true });
  }
  symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
  return join(dir, "bin", "envoy-tap-tunnel.js");
}

function isStale(): boolean {
  const built = statSync(join(repoRoot, "dist", "cli", "main.js"), { throwIfNoEntry: false });
  if (built === undefined) return true;
  return newestSource(join(repoRoot, "src")) > built.mtimeMs || newestSource(join(repoRoot, "gen")) > built.mtimeMs;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts") && !/\.test(data)?\.ts$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}
