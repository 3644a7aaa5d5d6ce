import { spawn, type ChildProcess } from "node:child_process";
import { createConnection, createServer } from "node:net";
import { requireTool } from "../../../test/support/external-tool.js";

/** Why the Redis tests cannot run here (`undefined` when they can); fails in CI when redis-server is missing. */
export function redisMissingReason(): string | undefined {
  return requireTool("redis-server");
}

/** A real redis-server on 127.0.0.1, started by a test, with nothing persisted. */
export interface RedisServerProcess {
  readonly port: number;
  readonly url: string;
  /** Kills it with SIGKILL and waits for the exit. */
  kill(): Promise<void>;
  /** Starts a new server on the same port (after `kill`). */
  restart(): Promise<void>;
}

/** A port the system considers free right now (Redis's `--port 0` would mean "no TCP"). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

function launch(port: number, extraArgs: readonly string[]): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning", ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`redis-server on port ${port} did not start: ${output}`)), 10_000);
    const probe = setInterval(() => {
      const socket = createConnection(port);
      socket.once("connect", () => {
        socket.destroy();
        clearInterval(probe);
        clearTimeout(timer);
        resolve(child);
      });
      socket.once("error", () => socket.destroy());
    }, 20);
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => {
      clearInterval(probe);
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${output}`));
    });
  });
}

/** Starts redis-server on a free loopback port (with `extraArgs`, e.g. `--requirepass`); kill it with `kill()` (tests do in `after`). */
export async function startRedisServer(extraArgs: readonly string[] = []): Promise<RedisServerProcess> {
  const port = await freePort();
  let child = await launch(port, extraArgs);
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    async restart() {
      await kill();
      child = await launch(port, extraArgs);
    },
  };
}
