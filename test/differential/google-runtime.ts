import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { registry } from "../../src/registry.js";
import { protocMissingReason, protoFiles, protoRoot } from "../support/protoc.js";

/** Debian's interpreter, which has python3-protobuf (the `python3` on PATH may not). */
export const PYTHON = "/usr/bin/python3";

/** One payload to decode. */
export interface Payload {
  /** Full name of the message type. */
  readonly typeName: string;
  readonly encoding: "binary" | "json";
  readonly bytes: Uint8Array;
}

/** What Google's runtime made of a payload: the canonical value (see canonical.ts), or a refusal. */
export type GoogleVerdict = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

const workerScript = join(dirname(fileURLToPath(import.meta.url)), "google-worker.py");

/**
 * Why Google's Python runtime cannot run here, or `undefined` when it can.
 * Never throws: the caller decides whether that is a skip or a failure.
 */
export function googleRuntimeMissingReason(): string | undefined {
  const protoc = protocMissingReason();
  if (protoc !== undefined) return protoc;
  const probe = spawnSync(PYTHON, ["-c", "import google.protobuf.json_format"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return `${PYTHON} cannot import google.protobuf (apt-get install -y python3-protobuf)`;
  return undefined;
}

/**
 * Like `requireTool`: `undefined` when the runtime is there; otherwise throws
 * in CI (`CI` set to anything but "false") and returns the printed skip
 * reason locally.
 */
export function requireGoogleRuntime(): string | undefined {
  const reason = googleRuntimeMissingReason();
  if (reason === undefined) return undefined;
  if (process.env["CI"] !== undefined && process.env["CI"] !== "false") throw new Error(`${reason}; CI must install it`);
  process.stderr.write(`skipping: ${reason}\n`);
  return reason;
}

/**
 * A long-lived Python process that decodes with Google's runtime (the C++
 * implementation behind python3-protobuf when Debian ships it, else the pure
 * Python one; {@link implementation} says which). The package's protos are
 * compiled with `protoc --python_out` into a temporary directory first.
 */
export class GoogleRuntime {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly dir: string;
  private buffered = "";
  private waiting: { count: number; lines: string[]; resolve: (lines: string[]) => void; reject: (e: Error) => void } | undefined;
  private stderr = "";
  private exited: Error | undefined;

  private constructor(dir: string) {
    this.dir = dir;
    const knownTypes = join(dir, "known-types.txt");
    const names: string[] = [];
    for (const type of registry) if (type.kind === "message") names.push(type.typeName);
    writeFileSync(knownTypes, names.join("\n") + "\n");
    this.child = spawn(PYTHON, [workerScript, join(dir, "py"), knownTypes], { stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => this.onData(chunk));
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (chunk: string) => (this.stderr += chunk));
    this.child.on("exit", (code, signal) => {
      this.exited = new Error(`the Python worker exited (${signal ?? code}): ${this.stderr.trim()}`);
      this.waiting?.reject(this.exited);
      this.waiting = undefined;
    });
    this.child.stdin.on("error", () => {
      // Reported by the exit handler.
    });
  }

  /** Compiles the package's protos for Python and starts the worker. */
  static async start(): Promise<GoogleRuntime> {
    const dir = mkdtempSync(join(tmpdir(), "envoy-tap-tunnel-google-"));
    const out = join(dir, "py");
    spawnSync("mkdir", ["-p", out]);
    const includes = ["/usr/include", "/usr/local/include"].filter((d) => {
      try {
        return statSync(join(d, "google/protobuf/timestamp.proto")).isFile();
      } catch {
        return false;
      }
    });
    const compiled = spawnSync("protoc", [`-I${protoRoot}`, ...includes.map((d) => `-I${d}`), `--python_out=${out}`, ...protoFiles(protoRoot)], { encoding: "utf8" });
    if (compiled.error || compiled.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`protoc --python_out failed: ${compiled.error?.message ?? compiled.stderr}`);
    }
    const runtime = new GoogleRuntime(dir);
    const [hello] = await runtime.send(["?"], 1);
    const info = JSON.parse(hello!) as { version: string; implementation: string };
    runtime.implementation = `python3-protobuf ${info.version} (${info.implementation})`;
    return runtime;
  }

  /** Which Google runtime answers, e.g. `python3-protobuf 4.21.12 (cpp)`. */
  implementation = "";

  /** Decodes every payload with Google's runtime, in one round trip. */
  async judge(payloads: readonly Payload[]): Promise<GoogleVerdict[]> {
    const lines = payloads.map((p) => `${p.typeName} ${p.encoding} ${Buffer.from(p.bytes).toString("base64")}`);
    const replies = await this.send(lines, lines.length);
    return replies.map((line) => JSON.parse(line) as GoogleVerdict);
  }

  private send(lines: readonly string[], count: number): Promise<string[]> {
    if (this.exited) return Promise.reject(this.exited);
    if (this.waiting) return Promise.reject(new Error("one batch at a time"));
    return new Promise((resolve, reject) => {
      this.waiting = { count, lines: [], resolve, reject };
      this.child.stdin.write(lines.join("\n") + "\n.\n");
    });
  }

  private onData(chunk: string): void {
    const parts = (this.buffered + chunk).split("\n");
    this.buffered = parts.pop()!;
    for (const line of parts) {
      if (!this.waiting) continue;
      this.waiting.lines.push(line);
      if (this.waiting.lines.length === this.waiting.count) {
        const done = this.waiting;
        this.waiting = undefined;
        done.resolve(done.lines);
      }
    }
  }

  /** Stops the worker and removes the compiled protos. */
  async close(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
      this.child.stdin.end();
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
