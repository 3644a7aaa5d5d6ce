import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const entry = join(dirname(fileURLToPath(import.meta.url)), "cli-entry.testdata.ts");

/** `envoy-tap-tunnel serve` in a child process of its own, on ephemeral loopback ports. */
export interface ServeProcess {
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Kills it with `signal` and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `serve` with `args` (after `--host 127.0.0.1 --port 0 --http-port 0`) and waits for its "listening" line. */
export function startServeProcess(args: readonly string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", entry, "serve", "--host", "127.0.0.1", "--port", "0", "--http-port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start within 20s: ${text}`)), 20_000);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening gRPC on 127\.0\.0\.1:(\d+) .*HTTP views on http:\/\/127\.0\.0\.1:(\d+)\//.exec(text);
      if (match === null) return;
      clearTimeout(timer);
      resolve({
        grpcPort: Number(match[1]),
        httpPort: Number(match[2]),
        child,
        output: () => text,
        async kill(signal = "SIGKILL") {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((done) => child.once("exit", done));
          child.kill(signal);
          await exited;
        },
      });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${text}`));
    });
  });
}
