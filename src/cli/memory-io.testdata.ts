/**
 * An in-memory {@link CliIO} for running commands in-process: captured
 * stdout and stderr, a chosen environment and terminal flags, and the real
 * file system with failures injected per path.
 */
import { nodeIO } from "./node-io.js";
import type { CliFileSystem, CliIO, Writer } from "./io.js";

/** A writer that keeps what it is given. */
export interface CapturingWriter extends Writer {
  readonly text: () => string;
}

/** Options of {@link memoryIO}. */
export interface MemoryIOOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly stdin?: Uint8Array | string;
  readonly stdoutIsTTY?: boolean;
  readonly stderrIsTTY?: boolean;
  /** Paths whose stat, listing and reads fail with this errno code (`EACCES`). */
  readonly failing?: Readonly<Record<string, string>>;
  readonly progressThresholdBytes?: number;
}

/** An IO whose output can be read back after a command ran. */
export interface MemoryIO extends CliIO {
  readonly stdout: CapturingWriter;
  readonly stderr: CapturingWriter;
}

/** Creates a {@link MemoryIO}. */
export function memoryIO(options: MemoryIOOptions = {}): MemoryIO {
  const stdin = typeof options.stdin === "string" ? new TextEncoder().encode(options.stdin) : options.stdin;
  return {
    stdout: capture(options.stdoutIsTTY ?? false),
    stderr: capture(options.stderrIsTTY ?? false),
    stdin: (async function* () {
      if (stdin !== undefined && stdin.length > 0) yield stdin;
    })(),
    env: options.env ?? {},
    fs: failingFileSystem(nodeIO().fs, options.failing ?? {}),
    ...(options.progressThresholdBytes !== undefined ? { progressThresholdBytes: options.progressThresholdBytes } : {}),
  };
}

function capture(isTTY: boolean): CapturingWriter {
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  return {
    isTTY,
    async write(chunk) {
      chunks.push(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
    },
    text: () => chunks.join(""),
  };
}

/** Wraps a file system so that the given paths fail like a denied `open`/`scandir`. */
function failingFileSystem(fs: CliFileSystem, failing: Readonly<Record<string, string>>): CliFileSystem {
  const check = (path: string, syscall: string) => {
    const code = failing[path];
    if (code !== undefined) {
      throw Object.assign(new Error(`${code}: injected failure, ${syscall} '${path}'`), { code, syscall, path });
    }
  };
  return {
    ...fs,
    async readDirectory(path) {
      check(path, "scandir");
      return fs.readDirectory(path);
    },
    readChunks(path) {
      return (async function* () {
        check(path, "open");
        yield* fs.readChunks(path);
      })();
    },
    async readFile(path) {
      check(path, "open");
      return fs.readFile(path);
    },
  };
}
